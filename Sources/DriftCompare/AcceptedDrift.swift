import DriftModel

/// A rule that accepts known drift: `index:*_like`, `privilege:*`, `!migration:finance.*`.
///
/// The text is `[!]kind:pattern`: `kind` is an object kind (`index`, `migration`, …) or `*`, and
/// `pattern` a glob matched against the finding's name, `table.name`, `schema.name` and
/// `schema.table.name`. A leading `!` un-accepts what earlier rules accepted; the last matching
/// rule wins, as in `.gitignore`.
public struct AcceptRule: Sendable, Hashable {
  /// The object kind the rule applies to; `nil` for every kind.
  public var kind: ObjectKind?
  /// The glob the finding's name must match.
  public var pattern: String
  /// Whether the rule un-accepts.
  public var negated: Bool
  /// Why the drift is accepted, for the report.
  public var reason: String?
  /// The last day (`YYYY-MM-DD`) the rule applies; after it the findings come back.
  public var until: String?
  /// The rule as written.
  public var text: String

  /// Parses `[!]kind:pattern`.
  public init(parsing text: String, reason: String? = nil, until: String? = nil)
    throws(AcceptRuleError)
  {
    var body = Substring(text)
    negated = body.hasPrefix("!")
    if negated { body = body.dropFirst() }
    guard let colon = body.firstIndex(of: ":") else { throw .missingKind(text) }
    let kindText = String(body[..<colon])
    pattern = String(body[body.index(after: colon)...])
    guard !pattern.isEmpty else { throw .emptyPattern(text) }
    if kindText == "*" {
      kind = nil
    } else if let kind = ObjectKind(rawValue: kindText) {
      self.kind = kind
    } else {
      throw .unknownKind(text, kindText)
    }
    if let until {
      guard until.count == 10, until.split(separator: "-").count == 3,
        until.allSatisfy({ $0.isNumber || $0 == "-" })
      else { throw .badDate(until) }
    }
    self.reason = reason
    self.until = until
    self.text = text
  }

  /// Whether the rule speaks about `finding` at all.
  public func matches(_ finding: Finding) -> Bool {
    if let kind, kind != finding.kind.object { return false }
    let schema = finding.schema ?? ""
    let table = finding.table ?? ""
    var names = [finding.name]
    if let renamed = finding.renamedTo { names.append(renamed) }
    let candidates = names.flatMap { name in
      [name, "\(table).\(name)", "\(schema).\(name)", "\(schema).\(table).\(name)"]
    }
    return candidates.contains { Glob.matches(pattern, $0) }
  }

  /// Whether the rule has expired on `today` (`YYYY-MM-DD`).
  public func isExpired(on today: String) -> Bool {
    guard let until else { return false }
    return today > until
  }
}

/// Why an accept rule could not be read.
public enum AcceptRuleError: Error, CustomStringConvertible, Sendable, Equatable {
  /// No `kind:` prefix.
  case missingKind(String)
  /// Nothing after the colon.
  case emptyPattern(String)
  /// The kind is not an object kind.
  case unknownKind(String, String)
  /// `until` is not `YYYY-MM-DD`.
  case badDate(String)

  /// A sentence the user can act on.
  public var description: String {
    switch self {
    case .missingKind(let text):
      "ignore rule \"\(text)\" needs a kind, as in index:*_like or *:tmp_*"
    case .emptyPattern(let text):
      "ignore rule \"\(text)\" has no pattern after the colon"
    case .unknownKind(let text, let kind):
      "ignore rule \"\(text)\": \"\(kind)\" is not an object kind ("
        + ObjectKind.allCases.map(\.rawValue).joined(separator: ", ") + ", or *)"
    case .badDate(let date):
      "until: \"\(date)\" is not a date like 2026-12-31"
    }
  }
}

/// Applies accept rules to findings.
public struct Acceptance: Sendable, Hashable {
  /// The rules, in order.
  public var rules: [AcceptRule]
  /// Today, `YYYY-MM-DD`, for expiry; injected for determinism.
  public var today: String

  /// Creates an acceptance.
  public init(rules: [AcceptRule] = [], today: String = "") {
    self.rules = rules
    self.today = today
  }

  /// Splits `findings` into those still reported and the number accepted.
  func apply(_ findings: [Finding]) -> (kept: [Finding], accepted: Int) {
    let active = rules.filter { !$0.isExpired(on: today) }
    guard !active.isEmpty else { return (findings, 0) }
    var kept: [Finding] = []
    var accepted = 0
    for finding in findings {
      var isAccepted = false
      for rule in active where rule.matches(finding) { isAccepted = !rule.negated }
      if isAccepted { accepted += 1 } else { kept.append(finding) }
    }
    return (kept, accepted)
  }

  /// Whether the managed role `name` (see ``Role/isManaged``), left out of comparisons by
  /// default, is compared all the same: an active un-accepting rule for roles, memberships
  /// or every kind names it (`!role:rds_*`).
  public func comparesManagedRole(_ name: String) -> Bool {
    rules.contains { rule in
      rule.negated && !rule.isExpired(on: today)
        && (rule.kind == nil || rule.kind == .role || rule.kind == .membership)
        && Glob.matches(rule.pattern, name)
    }
  }

  /// The rules that expired, as causes for the report.
  var expiredCauses: [Cause] {
    rules.filter { $0.isExpired(on: today) }.map { rule in
      Cause(
        severity: .warning,
        statement: .acceptanceExpired(rule: rule.text, until: rule.until ?? "", reason: rule.reason)
      )
    }
  }
}
