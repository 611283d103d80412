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

  /// The table's name.
  public var name: String
  /// What kind of relation it is.
  public var kind: Kind
  /// Whether it is `UNLOGGED`.
  public var unlogged: Bool
  /// The role that owns it.
  public var owner: String
  /// Whether row-level security is enabled.
  public var rowSecurity: Bool
  /// Whether row-level security is forced on the owner too.
  public var forceRowSecurity: Bool
  /// The partition key (`RANGE (created)`), for a partitioned table.
  public var partitionKey: String?
  /// The qualified parent, for a partition.
  public var partitionOf: String?
  /// The partition bound (`FOR VALUES FROM (…) TO (…)`), for a partition.
  public var partitionBound: String?
  /// Qualified parents by plain inheritance (`INHERITS`), in order.
  public var inherits: [String]
  /// Its comment, if any.
  public var comment: String?
  /// Columns, sorted by name (position is kept in each column).
  public var columns: [Column]
  /// Indexes, sorted by name.
  public var indexes: [Index]
  /// Constraints, sorted by name.
  public var constraints: [Constraint]
  /// Triggers, sorted by name.
  public var triggers: [Trigger]
  /// Row-level security policies, sorted by name.
  public var policies: [Policy]
  /// Granted privileges, one entry per grantee, sorted.
  public var privileges: [Privilege]
  /// Storage parameters (`fillfactor=70`), sorted; `nil` when none.
  public var options: [String]? = nil
  /// `FULL`, `NOTHING` or `USING INDEX name` when not the default (the primary key).
  public var replicaIdentity: String? = nil
  /// The tablespace it is stored in, when not the database's default.
  public var tablespace: String? = nil
  /// For a foreign table: its server.
  public var foreignServer: String? = nil
  /// For a foreign table: its options (`table_name=invoices`), sorted, secret values redacted
  /// (see ``OptionRedaction``); `nil` when none.
  public var foreignOptions: [String]? = nil
  /// Rules (`CREATE RULE`), sorted by name; `nil` when none.
  public var rules: [Rule]? = nil
  /// Extended statistics objects (`CREATE STATISTICS`), sorted by name; `nil` when none.
  public var statistics: [StatisticsObject]? = nil

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
    self.name = name
    self.kind = kind
    self.unlogged = unlogged
    self.owner = owner
    self.rowSecurity = rowSecurity
    self.forceRowSecurity = forceRowSecurity
    self.partitionKey = partitionKey
    self.partitionOf = partitionOf
    self.partitionBound = partitionBound
    self.inherits = inherits
    self.comment = comment
    self.columns = columns
    self.indexes = indexes
    self.constraints = constraints
    self.triggers = triggers
    self.policies = policies
    self.privileges = privileges
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
