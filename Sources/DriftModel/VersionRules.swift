/// Differences that only the PostgreSQL major version makes, which a comparison of environments
/// on different majors does not report as drift.
///
/// Each rule names one way the catalogs of two majors print the same schema differently; the
/// engine applies the rules that the majors it compares call for, and says which it applied.
public enum VersionRule: String, Codable, Sendable, Hashable, CaseIterable, Comparable {
  /// PostgreSQL 17 added the `MAINTAIN` table privilege, which an owner and `GRANT ALL` hold:
  /// compared with an earlier major, grants are compared without it.
  case maintainPrivilege = "maintain_privilege"
  /// PostgreSQL 18 records `NOT NULL` as a `pg_constraint` row named `<table>_<column>_not_null`:
  /// NOT NULL is compared once, as the column's property (a named NOT NULL constraint is still
  /// compared between environments that can all name one).
  case notNullConstraints = "not_null_constraints"
  /// PostgreSQL 16 stopped qualifying column names in views over a single relation
  /// (`customer.email` became `email`): compared with an earlier major, view and materialized
  /// view definitions are compared without that qualification.
  case viewQualification = "view_qualification"
  /// Each major ships its own default version of an extension (`citext` 1.6 with 15, 1.8 with
  /// 18): compared across majors, an extension at its own server's default version is at "the
  /// default", whatever its number; one left behind by an upgrade is still reported.
  case extensionDefaultVersion = "extension_default_version"

  /// The order rules are listed in: by the major that brought them, then the rest.
  public static func < (lhs: VersionRule, rhs: VersionRule) -> Bool {
    (lhs.major ?? .max, lhs.rawValue) < (rhs.major ?? .max, rhs.rawValue)
  }

  /// The major version that brought the difference; `nil` for one any two majors can have.
  public var major: Int? {
    switch self {
    case .viewQualification: 16
    case .maintainPrivilege: 17
    case .notNullConstraints: 18
    case .extensionDefaultVersion: nil
    }
  }

  /// The rules that comparing environments on `majors` calls for: each whose major some
  /// environment has reached and another has not, and those any two majors call for. (NOT NULL
  /// constraints are also folded into columns, whatever the majors, where they carry nothing
  /// more than the column says.)
  public static func needed(for majors: Set<Int>) -> [VersionRule] {
    guard let lowest = majors.min(), let highest = majors.max(), lowest < highest else {
      return []
    }
    return allCases.filter { rule in
      rule.major.map { lowest < $0 && highest >= $0 } ?? true
    }.sorted()
  }
}

/// The PostgreSQL majors of the environments compared, and what was normalised because of them.
public struct VersionNormalisation: Codable, Sendable, Hashable {
  /// Each environment's major version, by environment name, where it is known.
  public var majors: [String: Int]
  /// The rules applied, in ``VersionRule`` order.
  public var rules: [VersionRule]

  /// Creates a note of what was normalised.
  public init(majors: [String: Int], rules: [VersionRule]) {
    self.majors = majors
    self.rules = rules
  }
}
