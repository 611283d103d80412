/// A table, partitioned table, partition or foreign table.
public struct Table: Codable, Sendable, Hashable {
  /// What kind of relation it is.
  public enum Kind: String, Codable, Sendable, Hashable {
    /// An ordinary heap table.
    case ordinary
    /// A partitioned table (`PARTITION BY`).
    case partitioned
    /// A foreign table.
    case foreign
  }

  /// The fields of a table, kept in one shared box (see ``box``); their synthesized `Codable`
  /// is the table's, with the same keys in the same order.
  @usableFromInline
  struct Fields: Codable, Sendable, Hashable {
    @usableFromInline var name: String
    @usableFromInline var kind: Kind
    @usableFromInline var unlogged: Bool
    @usableFromInline var owner: String
    @usableFromInline var rowSecurity: Bool
    @usableFromInline var forceRowSecurity: Bool
    @usableFromInline var partitionKey: String?
    @usableFromInline var partitionOf: String?
    @usableFromInline var partitionBound: String?
    @usableFromInline var inherits: [String]
    @usableFromInline var comment: String?
    @usableFromInline var columns: [Column]
    @usableFromInline var indexes: [Index]
    @usableFromInline var constraints: [Constraint]
    @usableFromInline var triggers: [Trigger]
    @usableFromInline var policies: [Policy]
    @usableFromInline var privileges: [Privilege]
    @usableFromInline var options: [String]? = nil
    @usableFromInline var replicaIdentity: String? = nil
    @usableFromInline var tablespace: String? = nil
    @usableFromInline var foreignServer: String? = nil
    @usableFromInline var foreignOptions: [String]? = nil
    @usableFromInline var rules: [Rule]? = nil
    @usableFromInline var statistics: [StatisticsObject]? = nil
  }

  /// Holds the fields; copied before a write when shared (copy on write).
  ///
  /// A box is only written through a table that holds the sole reference to it, so it is never
  /// written while another thread reads it (hence `Sendable`), and the run-time exclusivity
  /// check on each field access, which the comparison's hot loops would pay per read, is off.
  @usableFromInline
  final class Box: @unchecked Sendable {
    @usableFromInline @exclusivity(unchecked) var fields: Fields

    @usableFromInline
    init(_ fields: Fields) {
      self.fields = fields
    }
  }

  /// The table's fields, shared between copies until one of them is changed.
  ///
  /// A 1,000-tenant comparison copies tables many times over (into dictionaries, votes,
  /// schema-free copies); a copy of two dozen fields, most of them references, costs two dozen
  /// atomic reference counts on storage every tenant shares, a copy of the box one. Two tables
  /// that share their box are equal without reading it.
  @usableFromInline var box: Box

  /// Gives this table a box of its own before a write, if it shares one.
  @inlinable
  mutating func makeUnique() {
    if !isKnownUniquelyReferenced(&box) { box = Box(box.fields) }
  }

  /// The table's name.
  @inlinable public var name: String {
    get { box.fields.name }
    _modify {
      makeUnique()
      yield &box.fields.name
    }
  }

  /// What kind of relation it is.
  @inlinable public var kind: Kind {
    get { box.fields.kind }
    _modify {
      makeUnique()
      yield &box.fields.kind
    }
  }

  /// Whether it is `UNLOGGED`.
  @inlinable public var unlogged: Bool {
    get { box.fields.unlogged }
    _modify {
      makeUnique()
      yield &box.fields.unlogged
    }
  }

  /// The role that owns it.
  @inlinable public var owner: String {
    get { box.fields.owner }
    _modify {
      makeUnique()
      yield &box.fields.owner
    }
  }

  /// Whether row-level security is enabled.
  @inlinable public var rowSecurity: Bool {
    get { box.fields.rowSecurity }
    _modify {
      makeUnique()
      yield &box.fields.rowSecurity
    }
  }

  /// Whether row-level security is forced on the owner too.
  @inlinable public var forceRowSecurity: Bool {
    get { box.fields.forceRowSecurity }
    _modify {
      makeUnique()
      yield &box.fields.forceRowSecurity
    }
  }

  /// The partition key (`RANGE (created)`), for a partitioned table.
  @inlinable public var partitionKey: String? {
    get { box.fields.partitionKey }
    _modify {
      makeUnique()
      yield &box.fields.partitionKey
    }
  }

  /// The qualified parent, for a partition.
  @inlinable public var partitionOf: String? {
    get { box.fields.partitionOf }
    _modify {
      makeUnique()
      yield &box.fields.partitionOf
    }
  }

  /// The partition bound (`FOR VALUES FROM (…) TO (…)`), for a partition.
  @inlinable public var partitionBound: String? {
    get { box.fields.partitionBound }
    _modify {
      makeUnique()
      yield &box.fields.partitionBound
    }
  }

  /// Qualified parents by plain inheritance (`INHERITS`), in order.
  @inlinable public var inherits: [String] {
    get { box.fields.inherits }
    _modify {
      makeUnique()
      yield &box.fields.inherits
    }
  }

  /// Its comment, if any.
  @inlinable public var comment: String? {
    get { box.fields.comment }
    _modify {
      makeUnique()
      yield &box.fields.comment
    }
  }

  /// Columns, sorted by name (position is kept in each column).
  @inlinable public var columns: [Column] {
    get { box.fields.columns }
    _modify {
      makeUnique()
      yield &box.fields.columns
    }
  }

  /// Indexes, sorted by name.
  @inlinable public var indexes: [Index] {
    get { box.fields.indexes }
    _modify {
      makeUnique()
      yield &box.fields.indexes
    }
  }

  /// Constraints, sorted by name.
  @inlinable public var constraints: [Constraint] {
    get { box.fields.constraints }
    _modify {
      makeUnique()
      yield &box.fields.constraints
    }
  }

  /// Triggers, sorted by name.
  @inlinable public var triggers: [Trigger] {
    get { box.fields.triggers }
    _modify {
      makeUnique()
      yield &box.fields.triggers
    }
  }

  /// Row-level security policies, sorted by name.
  @inlinable public var policies: [Policy] {
    get { box.fields.policies }
    _modify {
      makeUnique()
      yield &box.fields.policies
    }
  }

  /// Granted privileges, one entry per grantee, sorted.
  @inlinable public var privileges: [Privilege] {
    get { box.fields.privileges }
    _modify {
      makeUnique()
      yield &box.fields.privileges
    }
  }

  /// Storage parameters (`fillfactor=70`), sorted; `nil` when none.
  @inlinable public var options: [String]? {
    get { box.fields.options }
    _modify {
      makeUnique()
      yield &box.fields.options
    }
  }

  /// `FULL`, `NOTHING` or `USING INDEX name` when not the default (the primary key).
  @inlinable public var replicaIdentity: String? {
    get { box.fields.replicaIdentity }
    _modify {
      makeUnique()
      yield &box.fields.replicaIdentity
    }
  }

  /// The tablespace it is stored in, when not the database's default.
  @inlinable public var tablespace: String? {
    get { box.fields.tablespace }
    _modify {
      makeUnique()
      yield &box.fields.tablespace
    }
  }

  /// For a foreign table: its server.
  @inlinable public var foreignServer: String? {
    get { box.fields.foreignServer }
    _modify {
      makeUnique()
      yield &box.fields.foreignServer
    }
  }

  /// For a foreign table: its options (`table_name=invoices`), sorted, secret values redacted
  /// (see ``OptionRedaction``); `nil` when none.
  @inlinable public var foreignOptions: [String]? {
    get { box.fields.foreignOptions }
    _modify {
      makeUnique()
      yield &box.fields.foreignOptions
    }
  }

  /// Rules (`CREATE RULE`), sorted by name; `nil` when none.
  @inlinable public var rules: [Rule]? {
    get { box.fields.rules }
    _modify {
      makeUnique()
      yield &box.fields.rules
    }
  }

  /// Extended statistics objects (`CREATE STATISTICS`), sorted by name; `nil` when none.
  @inlinable public var statistics: [StatisticsObject]? {
    get { box.fields.statistics }
    _modify {
      makeUnique()
      yield &box.fields.statistics
    }
  }

  /// Creates a table.
  public init(
    name: String,
    kind: Kind = .ordinary,
    unlogged: Bool = false,
    owner: String = "",
    rowSecurity: Bool = false,
    forceRowSecurity: Bool = false,
    partitionKey: String? = nil,
    partitionOf: String? = nil,
    partitionBound: String? = nil,
    inherits: [String] = [],
    comment: String? = nil,
    columns: [Column] = [],
    indexes: [Index] = [],
    constraints: [Constraint] = [],
    triggers: [Trigger] = [],
    policies: [Policy] = [],
    privileges: [Privilege] = []
  ) {
    box = Box(
      Fields(
        name: name, kind: kind, unlogged: unlogged, owner: owner, rowSecurity: rowSecurity,
        forceRowSecurity: forceRowSecurity, partitionKey: partitionKey, partitionOf: partitionOf,
        partitionBound: partitionBound, inherits: inherits, comment: comment, columns: columns,
        indexes: indexes, constraints: constraints, triggers: triggers, policies: policies,
        privileges: privileges))
  }

  /// Reads a table as the synthesized `Decodable` of its fields would.
  public init(from decoder: any Decoder) throws {
    box = Box(try Fields(from: decoder))
  }

  /// Writes a table as the synthesized `Encodable` of its fields would.
  public func encode(to encoder: any Encoder) throws {
    try box.fields.encode(to: encoder)
  }

  /// Whether the two tables are the same: at once when they share their fields.
  @inlinable
  public static func == (lhs: Table, rhs: Table) -> Bool {
    lhs.box === rhs.box || lhs.box.fields == rhs.box.fields
  }

  /// Hashes every field, as the synthesized `Hashable` of the fields would.
  public func hash(into hasher: inout Hasher) {
    box.fields.hash(into: &hasher)
  }

  /// Whether the two tables share their fields (and so are equal without reading them).
  @inlinable
  public func sharesStorage(with other: Table) -> Bool {
    box === other.box
  }

  /// Puts every collection in its canonical order.
  public mutating func sort() {
    columns.sortIfNeeded { $0.name < $1.name }
    indexes.sortIfNeeded { $0.name < $1.name }
    constraints.sortIfNeeded { $0.name < $1.name }
    triggers.sortIfNeeded { $0.name < $1.name }
    policies.sortIfNeeded { $0.name < $1.name }
    privileges.sortIfNeeded { $0.grantee < $1.grantee }
    for index in columns.indices where columns[index].privileges != nil {
      columns[index].privileges?.sortIfNeeded { $0.grantee < $1.grantee }
    }
    rules?.sortIfNeeded { $0.name < $1.name }
    statistics?.sortIfNeeded { $0.name < $1.name }
  }
}

/// A table column.
public struct Column: Codable, Sendable, Hashable {
  /// The column's name.
  public var name: String
  /// Its position in the table (1-based); column order is never drift.
  public var position: Int
  /// The type as `format_type` prints it (`character varying(100)`).
  public var type: String
  /// Whether it is `NOT NULL`.
  public var notNull: Bool
  /// The default expression, if any.
  public var defaultValue: String?
  /// `always` or `by default` for an identity column.
  public var identity: String?
  /// The expression of a generated column.
  public var generated: String?
  /// `virtual` for a generated column computed when read (PostgreSQL 18); `nil` for one stored
  /// on write, the only kind before 18.
  public var generatedStorage: GeneratedStorage?
  /// A collation other than the type's default.
  public var collation: String?
  /// Its comment, if any.
  public var comment: String?
  /// Its storage (`PLAIN`, `MAIN`, `EXTERNAL`, `EXTENDED`) when it is not its type's default.
  public var storage: String? = nil
  /// Its compression method (`pglz`, `lz4`) when set.
  public var compression: String? = nil
  /// Its statistics target when set (`ALTER COLUMN … SET STATISTICS`).
  public var statisticsTarget: Int? = nil
  /// `inherited` for a column that comes from a parent table alone, `local and inherited` for
  /// one the table also declares; `nil` for a column of its own.
  public var inheritance: String? = nil
  /// Grants on this column alone (`GRANT SELECT (email) ON …`), one entry per grantee; `nil`
  /// when there are none.
  public var privileges: [Privilege]? = nil

  /// Creates a column.
  public init(
    name: String,
    position: Int = 0,
    type: String,
    notNull: Bool = false,
    defaultValue: String? = nil,
    identity: String? = nil,
    generated: String? = nil,
    generatedStorage: GeneratedStorage? = nil,
    collation: String? = nil,
    comment: String? = nil
  ) {
    self.name = name
    self.position = position
    self.type = type
    self.notNull = notNull
    self.defaultValue = defaultValue
    self.identity = identity
    self.generated = generated
    self.generatedStorage = generatedStorage
    self.collation = collation
    self.comment = comment
  }

  /// The column's shape in one line, position left out: `integer NOT NULL DEFAULT 0`.
  public var summary: String {
    var text = type
    if let inheritance { text += " (\(inheritance))" }
    if let collation { text += " COLLATE \(collation)" }
    if notNull { text += " NOT NULL" }
    if let defaultValue { text += " DEFAULT \(defaultValue)" }
    if let identity { text += " GENERATED \(identity.uppercased()) AS IDENTITY" }
    if let generated {
      let storage = generatedStorage == .virtual ? "VIRTUAL" : "STORED"
      text += " GENERATED ALWAYS AS (\(generated)) \(storage)"
    }
    return text
  }
}

extension Column {
  /// `STORAGE MAIN, COMPRESSION lz4, STATISTICS 500`: how it is stored and sampled, when set;
  /// `nil` when all are defaults.
  public var storageSummary: String? {
    var parts: [String] = []
    if let storage { parts.append("STORAGE \(storage)") }
    if let compression { parts.append("COMPRESSION \(compression)") }
    if let statisticsTarget { parts.append("STATISTICS \(statisticsTarget)") }
    return parts.isEmpty ? nil : parts.joined(separator: ", ")
  }
}

/// How a generated column keeps its value.
public enum GeneratedStorage: String, Codable, Sendable, Hashable {
  /// Computed when read (`VIRTUAL`, PostgreSQL 18).
  case virtual
}

/// An index.
public struct Index: Codable, Sendable, Hashable {
  /// The index's name.
  public var name: String
  /// The definition without the index's name and table: `UNIQUE USING btree (domain)`.
  ///
  /// Two indexes with equal definitions on the same table are the same index under two names;
  /// that is how renames are found.
  public var definition: String
  /// Whether it is unique.
  public var isUnique: Bool
  /// Whether it backs the primary key.
  public var isPrimary: Bool
  /// The predicate of a partial index.
  public var predicate: String?
  /// Whether it is valid (a failed `CREATE INDEX CONCURRENTLY` leaves an invalid one).
  public var isValid: Bool
  /// The constraint that owns it (primary key, unique, exclusion), if any.
  public var constraint: String?
  /// Its comment, if any.
  public var comment: String?
  /// The tablespace it is stored in, when not the database's default.
  public var tablespace: String? = nil

  /// Creates an index.
  public init(
    name: String,
    definition: String,
    isUnique: Bool = false,
    isPrimary: Bool = false,
    predicate: String? = nil,
    isValid: Bool = true,
    constraint: String? = nil,
    comment: String? = nil
  ) {
    self.name = name
    self.definition = definition
    self.isUnique = isUnique
    self.isPrimary = isPrimary
    self.predicate = predicate
    self.isValid = isValid
    self.constraint = constraint
    self.comment = comment
  }
}

/// A table constraint.
public struct Constraint: Codable, Sendable, Hashable {
  /// The kind of constraint.
  public enum Kind: String, Codable, Sendable, Hashable {
    /// `PRIMARY KEY`.
    case primaryKey = "primary key"
    /// `UNIQUE`.
    case unique
    /// `FOREIGN KEY`.
    case foreignKey = "foreign key"
    /// `CHECK`.
    case check
    /// `EXCLUDE`.
    case exclusion
    /// A constraint trigger.
    case trigger
    /// `NOT NULL` recorded as a constraint (PostgreSQL 18 and later).
    case notNull = "not null"
  }

  /// The constraint's name.
  public var name: String
  /// The kind of constraint.
  public var kind: Kind
  /// The definition as `pg_get_constraintdef` prints it.
  public var definition: String
  /// Whether it is `DEFERRABLE`.
  public var deferrable: Bool
  /// Whether it is `INITIALLY DEFERRED`.
  public var deferred: Bool
  /// Whether it has been validated (`NOT VALID` leaves it unvalidated).
  public var validated: Bool

  /// Creates a constraint.
  public init(
    name: String,
    kind: Kind,
    definition: String,
    deferrable: Bool = false,
    deferred: Bool = false,
    validated: Bool = true
  ) {
    self.name = name
    self.kind = kind
    self.definition = definition
    self.deferrable = deferrable
    self.deferred = deferred
    self.validated = validated
  }

  /// The definition with its deferral and validation: `UNIQUE (code) DEFERRABLE`.
  public var summary: String {
    var text = definition
    if deferrable, !text.contains("DEFERRABLE") {
      text += deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE"
    }
    if !validated, !text.contains("NOT VALID") { text += " NOT VALID" }
    return text
  }
}

/// A trigger on a table.
public struct Trigger: Codable, Sendable, Hashable {
  /// The trigger's name.
  public var name: String
  /// The definition as `pg_get_triggerdef` prints it.
  public var definition: String
  /// `O` (origin, the default), `D` (disabled), `R` (replica) or `A` (always).
  public var enabled: String

  /// Creates a trigger.
  public init(name: String, definition: String, enabled: String = "O") {
    self.name = name
    self.definition = definition
    self.enabled = enabled
  }
}

/// A row-level security policy.
public struct Policy: Codable, Sendable, Hashable {
  /// The policy's name.
  public var name: String
  /// `ALL`, `SELECT`, `INSERT`, `UPDATE` or `DELETE`.
  public var command: String
  /// Whether it is permissive (otherwise restrictive).
  public var permissive: Bool
  /// The roles it applies to, sorted.
  public var roles: [String]
  /// The `USING` expression.
  public var using: String?
  /// The `WITH CHECK` expression.
  public var withCheck: String?

  /// Creates a policy.
  public init(
    name: String,
    command: String,
    permissive: Bool = true,
    roles: [String] = ["public"],
    using: String? = nil,
    withCheck: String? = nil
  ) {
    self.name = name
    self.command = command
    self.permissive = permissive
    self.roles = roles
    self.using = using
    self.withCheck = withCheck
  }

  /// The policy in one line: `PERMISSIVE FOR ALL TO public USING (…)`.
  public var summary: String {
    var text = "\(permissive ? "PERMISSIVE" : "RESTRICTIVE") FOR \(command)"
    text += " TO \(roles.joined(separator: ", "))"
    if let using { text += " USING (\(using))" }
    if let withCheck { text += " WITH CHECK (\(withCheck))" }
    return text
  }
}

/// A rule (`CREATE RULE`) on a table or view.
public struct Rule: Codable, Sendable, Hashable {
  /// The rule's name.
  public var name: String
  /// Its definition without `CREATE RULE name AS`: `ON INSERT TO s.t DO INSTEAD NOTHING`.
  public var definition: String

  /// Creates a rule.
  public init(name: String, definition: String) {
    self.name = name
    self.definition = definition
  }
}

/// An extended statistics object (`CREATE STATISTICS`).
public struct StatisticsObject: Codable, Sendable, Hashable {
  /// Its name.
  public var name: String
  /// The kinds and columns: `(ndistinct, dependencies) ON a, b`, with `STATISTICS n` when its
  /// target is set.
  public var definition: String

  /// Creates a statistics object.
  public init(name: String, definition: String) {
    self.name = name
    self.definition = definition
  }
}
