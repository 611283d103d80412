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

  /// The sentence that says which environments share a cluster, or `nil` when none do.
  ///
  /// "dev and uat are databases of one cluster: its roles and server settings are compared
  /// once, as dev's".
  public static func sharedClusters(_ groups: [[String]]?) -> String? {
    guard let groups, !groups.isEmpty else { return nil }
    return groups.map { names in
      let list =
        names.count == 2
        ? "\(names[0]) and \(names[1])"
        : names.dropLast().joined(separator: ", ") + " and " + (names.last ?? "")
      return "\(list) are databases of one cluster: its roles and server settings are compared"
        + " once, as \(names[0])'s"
    }.joined(separator: "; ")
  }
}
