import DriftModel

/// How reports and the terminal say that environments run different PostgreSQL majors.
public enum VersionWording {
  /// What a rule leaves out, as a phrase: "the MAINTAIN privilege (17)".
  public static func phrase(_ rule: VersionRule) -> String {
    switch rule {
    case .maintainPrivilege: "the MAINTAIN privilege (17)"
    case .notNullConstraints: "NOT NULL constraint rows (18)"
    case .viewQualification: "view column qualification (16)"
    case .extensionDefaultVersion: "each server's default extension version"
    }
  }

  /// The sentence that says the majors differ, or `nil` when they do not.
  ///
  /// Plain text: "PostgreSQL majors differ (dev 18, prod 15); what only the version changes is
  /// not reported: …", environments in `order`, the user's order.
  public static func sentence(_ versions: VersionNormalisation?, order: [String]) -> String? {
    guard let versions else { return nil }
    let majors = order.compactMap { name in versions.majors[name].map { "\(name) \($0)" } }
    var text = "PostgreSQL majors differ (\(majors.joined(separator: ", ")))"
    if !versions.rules.isEmpty {
      let phrases = versions.rules.map(phrase)
      let list =
        phrases.count == 1
        ? phrases[0] : phrases.dropLast().joined(separator: ", ") + " and " + (phrases.last ?? "")
      text += "; what only the version changes is not reported: \(list)"
    }
    return text
  }
}
