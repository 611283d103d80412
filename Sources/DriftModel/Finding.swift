/// One difference between environments (or between tenant schemas of one environment).
///
/// Its JSON shape is a contract (`kind`, `schema`, `table`, `name`, `values`, `severity`,
/// `message`, `scope`, plus `renamedTo`, `environment` and `reference` where they apply): fields
/// may be added, never removed or renamed. The report writes it, wording ``statement`` and
/// ``cause`` there.
public struct Finding: Sendable, Hashable {
  /// `<object>.<change>`, such as `index.renamed`.
  public var kind: FindingKind
  /// The schema the object lives in (for a migration row: the schema of its migration table).
  public var schema: String?
  /// The table, for columns, indexes, constraints, triggers, policies and privileges.
  public var table: String?
  /// The object's own name; `app.migration_name` for migrations; the baseline's name for renames.
  public var name: String
  /// The object's value per environment (or per schema, for tenant findings); `nil` where absent.
  public var values: [String: String?]
  /// How much the difference matters at run time.
  public var severity: Severity
  /// What it says, for a person: the report words it (`message` in JSON).
  public var statement: Statement
  /// Whether environments or the tenant schemas of one environment were compared.
  public var scope: Scope
  /// For a rename: the name in the environments that differ from the baseline.
  public var renamedTo: String?
  /// For tenant findings: the environment whose schemas were compared.
  public var environment: String?
  /// For tenant findings: the reference schema.
  public var reference: String?
  /// The migration that explains the finding, `app.name`, when one does.
  public var migration: String?
  /// The likely cause, when the evidence supports one.
  public var cause: Statement?
  /// Which property differs.
  public var aspect: Aspect
  /// For a migration that will fail (`migration.hazard`): the error it would stop with, as
  /// PostgreSQL or Django names it (`UndefinedTable`, `DuplicateTable`).
  public var failure: String?
  /// Context shared by every environment, such as a renamed index's definition.
  public var detail: String?
  /// An idempotent SQL statement that would remove the difference, when one is safe to suggest.
  public var fix: String?
  /// The version rule the values were compared under, when the environments' PostgreSQL majors
  /// print this object differently: the values shown are the servers' own texts, which differ by
  /// more than what was compared.
  public var normalised: VersionRule?

  /// Creates a finding.
  public init(
    kind: FindingKind,
    schema: String?,
    table: String? = nil,
    name: String,
    values: [String: String?],
    severity: Severity,
    statement: Statement,
    scope: Scope = .environments,
    renamedTo: String? = nil,
    environment: String? = nil,
    reference: String? = nil,
    migration: String? = nil,
    cause: Statement? = nil,
    aspect: Aspect = .definition,
    failure: String? = nil,
    detail: String? = nil,
    fix: String? = nil,
    normalised: VersionRule? = nil
  ) {
    self.kind = kind
    self.schema = schema
    self.table = table
    self.name = name
    self.values = values
    self.severity = severity
    self.statement = statement
    self.scope = scope
    self.renamedTo = renamedTo
    self.environment = environment
    self.reference = reference
    self.migration = migration
    self.cause = cause
    self.aspect = aspect
    self.failure = failure
    self.detail = detail
    self.fix = fix
    self.normalised = normalised
  }

  /// Whether it stops a deployment: a pending, failing or out-of-order migration, or one
  /// recorded as applied whose effect is absent.
  public var blocksDeployment: Bool {
    [.pending, .hazard, .inconsistent, .unfulfilled].contains(kind.change)
  }

  /// `schema.table` (or whichever of the two is set), for naming where the object lives.
  public var qualifiedTable: String {
    [schema, table].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ".")
  }

  /// The order findings are listed in: scope, schema, table, kind, name, then the rest.
  public static func canonicalOrder(_ lhs: Finding, _ rhs: Finding) -> Bool {
    let left = (
      lhs.scope.rawValue, lhs.environment ?? "", lhs.schema ?? "", lhs.table ?? "",
      lhs.kind.object.rawValue, lhs.kind.change.rawValue
    )
    let right = (
      rhs.scope.rawValue, rhs.environment ?? "", rhs.schema ?? "", rhs.table ?? "",
      rhs.kind.object.rawValue, rhs.kind.change.rawValue
    )
    if left != right { return left < right }
    if lhs.name != rhs.name { return lhs.name < rhs.name }
    return (
      lhs.aspect.rawValue, lhs.failure ?? "", lhs.renamedTo ?? "", lhs.detail ?? "",
      lhs.sortedValues
    )
      < (
        rhs.aspect.rawValue, rhs.failure ?? "", rhs.renamedTo ?? "", rhs.detail ?? "",
        rhs.sortedValues
      )
  }

  /// The values as one text, by side name, for breaking the last ties in the canonical order.
  private var sortedValues: String {
    values.sorted { $0.key < $1.key }.map { "\($0.key)\u{1}\($0.value ?? "\u{0}")" }
      .joined(separator: "\u{2}")
  }
}

/// Which property of an object a finding is about.
public enum Aspect: String, Codable, Sendable, Hashable, Comparable {
  /// The object's definition (or mere existence).
  case definition
  /// The role that owns it.
  case owner
  /// Its comment.
  case comment
  /// Something it depends on (a relation a view reads, a column's type) differs.
  case dependencies
  /// How a column or table is stored, sampled and replicated: storage, compression, statistics
  /// target, storage parameters, replica identity.
  case storage

  /// Definitions sort first.
  public static func < (lhs: Aspect, rhs: Aspect) -> Bool {
    let order: [Aspect] = [.definition, .dependencies, .owner, .storage, .comment]
    return (order.firstIndex(of: lhs) ?? 0) < (order.firstIndex(of: rhs) ?? 0)
  }
}

/// The kind of a finding: which object, and what changed about it.
public struct FindingKind: Codable, Sendable, Hashable, CustomStringConvertible {
  /// The object the finding is about.
  public var object: ObjectKind
  /// What differs.
  public var change: Change

  /// Creates a kind.
  public init(_ object: ObjectKind, _ change: Change) {
    self.object = object
    self.change = change
  }

  /// `<object>.<change>`, as in JSON: `index.renamed`.
  public var description: String { "\(object.rawValue).\(change.rawValue)" }

  /// Decodes `<object>.<change>`.
  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    let parts = text.split(separator: ".", maxSplits: 1).map(String.init)
    guard parts.count == 2, let object = ObjectKind(rawValue: parts[0]),
      let change = Change(rawValue: parts[1])
    else {
      throw DecodingError.dataCorrupted(
        DecodingError.Context(
          codingPath: decoder.codingPath, debugDescription: "unknown kind \(text)")
      )
    }
    self.init(object, change)
  }

  /// Encodes `<object>.<change>`.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
}

/// The kinds of object envdrift compares.
public enum ObjectKind: String, Codable, Sendable, Hashable, CaseIterable {
  /// A schema.
  case schema
  /// An extension.
  case `extension`
  /// A table.
  case table
  /// A column.
  case column
  /// An index.
  case index
  /// A constraint.
  case constraint
  /// A sequence.
  case sequence
  /// A view.
  case view
  /// A materialized view.
  case materializedView = "materialized_view"
  /// A type.
  case type
  /// A function or procedure.
  case function
  /// A trigger.
  case trigger
  /// A row-level security policy.
  case policy
  /// A grant on a table, view, sequence, column, function, type or schema.
  case privilege
  /// An `ALTER DEFAULT PRIVILEGES` entry.
  case defaultPrivilege = "default_privilege"
  /// A role of the cluster.
  case role
  /// A role's membership in another.
  case membership
  /// A setting: a role's, the database's, or the server's.
  case setting
  /// A property of the database itself: encoding, collation, locale.
  case database
  /// A rule on a table or view.
  case rule
  /// An extended statistics object.
  case statistics
  /// An event trigger.
  case eventTrigger = "event_trigger"
  /// A publication for logical replication.
  case publication
  /// A subscription for logical replication.
  case subscription
  /// A collation.
  case collation
  /// A tablespace of the cluster.
  case tablespace
  /// A procedural language.
  case language
  /// A foreign-data wrapper.
  case foreignDataWrapper = "foreign_data_wrapper"
  /// A foreign server.
  case foreignServer = "foreign_server"
  /// A user mapping for a foreign server.
  case userMapping = "user_mapping"
  /// A migration-history row.
  case migration

  /// A plural, human name for headings: `materialized views`.
  public var plural: String {
    switch self {
    case .schema: "schemas"
    case .extension: "extensions"
    case .table: "tables"
    case .column: "columns"
    case .index: "indexes"
    case .constraint: "constraints"
    case .sequence: "sequences"
    case .view: "views"
    case .materializedView: "materialized views"
    case .type: "types"
    case .function: "functions"
    case .trigger: "triggers"
    case .policy: "policies"
    case .privilege: "privileges"
    case .defaultPrivilege: "default privileges"
    case .role: "roles"
    case .membership: "memberships"
    case .setting: "settings"
    case .database: "database properties"
    case .rule: "rules"
    case .statistics: "statistics objects"
    case .eventTrigger: "event triggers"
    case .publication: "publications"
    case .subscription: "subscriptions"
    case .collation: "collations"
    case .tablespace: "tablespaces"
    case .language: "languages"
    case .foreignDataWrapper: "foreign-data wrappers"
    case .foreignServer: "foreign servers"
    case .userMapping: "user mappings"
    case .migration: "migrations"
    }
  }
}

/// What differs about an object.
public enum Change: String, Codable, Sendable, Hashable, CaseIterable {
  /// Present in some environments, absent in others.
  case missing
  /// The same object under another name.
  case renamed
  /// Present everywhere, but not the same everywhere.
  case changed
  /// In the code, not applied in this environment (code versus database).
  case pending
  /// Applied in this environment, absent from the code (code versus database).
  case ghost
  /// Applied before a migration it depends on: Django's InconsistentMigrationHistory.
  case inconsistent
  /// A pending migration that will fail against this environment (code versus database).
  case hazard
  /// Recorded as applied in this environment, but an object it creates is absent from the schema
  /// (code versus database): faked, failed part-way, or undone by hand.
  case unfulfilled
  /// Present in this environment, but made by no migration in the code (code versus database).
  case unexplained
  /// Recorded as failed (Flyway `success = false`) or left dirty (golang-migrate): the framework
  /// refuses to migrate this environment until the row is repaired.
  case failed
}

/// How much a finding matters at run time.
public enum Severity: String, Codable, Sendable, Hashable, CaseIterable, Comparable {
  /// Likely to break the application or a deployment: a missing table, column or migration.
  case error
  /// Likely to hurt performance or behaviour: an index, a trigger, a sequence.
  case warning
  /// Worth knowing, harmless at run time: comments, privileges, ownership.
  case info

  private var rank: Int {
    switch self {
    case .error: 0
    case .warning: 1
    case .info: 2
    }
  }

  /// Errors sort first.
  public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// What was compared with what.
public enum Scope: String, Codable, Sendable, Hashable {
  /// Environments compared with the baseline environment.
  case environments
  /// The tenant schemas of one environment compared with a reference schema.
  case tenants
}
