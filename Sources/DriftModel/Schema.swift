/// A schema and the objects in it.
public struct Schema: Codable, Sendable, Hashable {
  /// The schema's name.
  public var name: String
  /// The role that owns it.
  public var owner: String
  /// Effective grants, one entry per grantee (see ``Privilege``); `nil` when not read (a
  /// snapshot file from before they were).
  public var privileges: [Privilege]? = nil
  /// Its comment, if any.
  public var comment: String?
  /// Tables of every kind: ordinary, partitioned, partitions, foreign.
  public var tables: [Table]
  /// Views and materialized views.
  public var views: [View]
  /// Sequences.
  public var sequences: [Sequence]
  /// Enum, domain, composite and range types.
  public var types: [TypeDefinition]
  /// Functions, procedures and aggregates.
  public var functions: [Function]
  /// Collations.
  public var collations: [Collation]

  /// Creates a schema.
  public init(
    name: String,
    owner: String = "",
    comment: String? = nil,
    tables: [Table] = [],
    views: [View] = [],
    sequences: [Sequence] = [],
    types: [TypeDefinition] = [],
    functions: [Function] = [],
    collations: [Collation] = []
  ) {
    self.name = name
    self.owner = owner
    self.comment = comment
    self.tables = tables
    self.views = views
    self.sequences = sequences
    self.types = types
    self.functions = functions
    self.collations = collations
  }

  /// The table called `name`, if the schema has it.
  public func table(named name: String) -> Table? {
    tables.first { $0.name == name }
  }

  /// Puts every collection in its canonical order.
  public mutating func sort() {
    tables.sortIfNeeded { $0.name < $1.name }
    for index in tables.indices { tables[index].sort() }
    views.sortIfNeeded { $0.name < $1.name }
    for index in views.indices {
      views[index].indexes.sortIfNeeded { $0.name < $1.name }
      views[index].triggers.sortIfNeeded { $0.name < $1.name }
    }
    sequences.sortIfNeeded { $0.name < $1.name }
    types.sortIfNeeded { $0.name < $1.name }
    functions.sortIfNeeded { ($0.name, $0.arguments) < ($1.name, $1.arguments) }
    collations.sortIfNeeded { $0.name < $1.name }
    privileges?.sortIfNeeded { $0.grantee < $1.grantee }
    for index in views.indices where views[index].privileges != nil || views[index].rules != nil {
      views[index].privileges?.sortIfNeeded { $0.grantee < $1.grantee }
      views[index].rules?.sortIfNeeded { $0.name < $1.name }
    }
    for index in sequences.indices where sequences[index].privileges != nil {
      sequences[index].privileges?.sortIfNeeded { $0.grantee < $1.grantee }
    }
    for index in types.indices where types[index].privileges != nil {
      types[index].privileges?.sortIfNeeded { $0.grantee < $1.grantee }
    }
    for index in functions.indices where functions[index].privileges != nil {
      functions[index].privileges?.sortIfNeeded { $0.grantee < $1.grantee }
    }
  }
}

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

/// The privileges one grantee holds on an object, independent of ACL order.
///
/// Effective grants: where the object has no ACL, the owner's implicit rights and PUBLIC's
/// defaults (`acldefault`) are written out, the same way in every environment.
public struct Privilege: Codable, Sendable, Hashable {
  /// The role granted to; `PUBLIC` for everyone.
  public var grantee: String
  /// The privileges, sorted: `DELETE, INSERT, SELECT`.
  public var privileges: [String]
  /// Those of ``privileges`` held `WITH GRANT OPTION`, sorted; `nil` when none (or in a
  /// snapshot file from before grant options were read).
  public var grantable: [String]?

  /// The grantee that stands for an object's owner where grants are compared, so that the
  /// owner's own rights compare equal whoever the owner is, and a changed owner is one finding
  /// (the owner), not three.
  public static let ownerGrantee = "(owner)"

  /// What a grant on the database itself names as its object: each environment's database
  /// has its own name, and its grants are compared all the same.
  public static let databaseObject = "(database)"

  /// Creates a grant.
  public init(grantee: String, privileges: [String], grantable: [String]? = nil) {
    self.grantee = grantee
    self.privileges = privileges.sorted()
    self.grantable = grantable.flatMap { $0.isEmpty ? nil : $0.sorted() }
  }

  /// `INSERT, SELECT`, with `(with grant option: SELECT)` when some are grantable.
  public var summary: String {
    let shown = privileges.joined(separator: ", ")
    guard let grantable else { return shown }
    return shown + " (with grant option: \(grantable.joined(separator: ", ")))"
  }
}

/// One grantee of an `ALTER DEFAULT PRIVILEGES` entry: what objects `role` creates (in one
/// schema, or anywhere) grant to the grantee from the start.
///
/// An entry for every schema replaces PostgreSQL's built-in defaults for that role and kind
/// (the owner's rights; `EXECUTE` on functions and `USAGE` on types for PUBLIC), so it is
/// recorded as its difference from them: what it grants beyond them in ``privilege``, what it
/// takes away in ``revoked``. A role with no entry then compares equal to one whose entry
/// restates the built-in defaults, as PostgreSQL treats them. An entry for one schema adds to
/// those and is recorded as it is.
public struct DefaultPrivilege: Codable, Sendable, Hashable {
  /// The role whose new objects get the grants.
  public var role: String
  /// The schema it applies in; `nil` for every schema (`ALTER DEFAULT PRIVILEGES FOR ROLE r`
  /// without `IN SCHEMA`).
  public var schema: String?
  /// The kind of object: `tables`, `sequences`, `functions`, `types` or `schemas`.
  public var objects: String
  /// The grant (its privileges empty when it only revokes).
  public var privilege: Privilege
  /// Built-in default privileges the entry takes from the grantee, sorted; `nil` when none.
  public var revoked: [String]?

  /// Creates a default privilege.
  public init(
    role: String, schema: String?, objects: String, privilege: Privilege,
    revoked: [String]? = nil
  ) {
    self.role = role
    self.schema = schema
    self.objects = objects
    self.privilege = privilege
    self.revoked = revoked.flatMap { $0.isEmpty ? nil : $0.sorted() }
  }

  /// `SELECT`, `revoked EXECUTE`, or both: what is compared.
  public var summary: String {
    var parts: [String] = []
    if !privilege.privileges.isEmpty { parts.append(privilege.summary) }
    if let revoked { parts.append("revoked " + revoked.joined(separator: ", ")) }
    return parts.joined(separator: "; ")
  }
}

/// A view or materialized view.
public struct View: Codable, Sendable, Hashable {
  /// The view's name.
  public var name: String
  /// Whether it is a materialized view.
  public var materialized: Bool
  /// The query as `pg_get_viewdef` prints it.
  public var definition: String
  /// The role that owns it.
  public var owner: String
  /// Effective grants, one entry per grantee (see ``Privilege``); `nil` when not read (a
  /// snapshot file from before they were).
  public var privileges: [Privilege]? = nil
  /// Its comment, if any.
  public var comment: String?
  /// Indexes, for a materialized view.
  public var indexes: [Index]
  /// Triggers (`INSTEAD OF` triggers on a view).
  public var triggers: [Trigger]
  /// The relations and types its query depends on, as `schema.name`, sorted.
  public var dependsOn: [String]
  /// View options (`security_barrier=true`, `check_option=local`), sorted; `nil` when none.
  public var options: [String]? = nil
  /// Rules other than the view's own `_RETURN`, sorted by name; `nil` when none.
  public var rules: [Rule]? = nil

  /// Creates a view.
  public init(
    name: String,
    materialized: Bool = false,
    definition: String,
    owner: String = "",
    comment: String? = nil,
    indexes: [Index] = [],
    triggers: [Trigger] = [],
    dependsOn: [String] = []
  ) {
    self.name = name
    self.materialized = materialized
    self.definition = definition
    self.owner = owner
    self.comment = comment
    self.indexes = indexes
    self.triggers = triggers
    self.dependsOn = dependsOn
  }
}

/// A sequence.
public struct Sequence: Codable, Sendable, Hashable {
  /// The sequence's name.
  public var name: String
  /// Its data type (`bigint`).
  public var dataType: String
  /// Its start value.
  public var start: String
  /// Its increment.
  public var increment: String
  /// Its minimum value.
  public var minimum: String
  /// Its maximum value.
  public var maximum: String
  /// Its cache size.
  public var cache: String
  /// Whether it cycles.
  public var cycle: Bool
  /// The column that owns it (`table.column`), if any.
  public var ownedBy: String?
  /// The role that owns it.
  public var owner: String
  /// Effective grants, one entry per grantee (see ``Privilege``); `nil` when not read (a
  /// snapshot file from before they were).
  public var privileges: [Privilege]? = nil

  /// Creates a sequence.
  public init(
    name: String,
    dataType: String = "bigint",
    start: String = "1",
    increment: String = "1",
    minimum: String = "1",
    maximum: String = "9223372036854775807",
    cache: String = "1",
    cycle: Bool = false,
    ownedBy: String? = nil,
    owner: String = ""
  ) {
    self.name = name
    self.dataType = dataType
    self.start = start
    self.increment = increment
    self.minimum = minimum
    self.maximum = maximum
    self.cache = cache
    self.cycle = cycle
    self.ownedBy = ownedBy
    self.owner = owner
  }

  /// The sequence's parameters in one line.
  public var summary: String {
    "AS \(dataType) START \(start) INCREMENT \(increment) MINVALUE \(minimum) MAXVALUE \(maximum)"
      + " CACHE \(cache)\(cycle ? " CYCLE" : "")"
  }
}

/// A user-defined type: enum, domain, composite or range.
public struct TypeDefinition: Codable, Sendable, Hashable {
  /// What kind of type it is.
  public enum Kind: String, Codable, Sendable, Hashable {
    /// An enum; ``TypeDefinition/definition`` lists its labels in order.
    case `enum`
    /// A domain over a base type, with its constraints.
    case domain
    /// A composite type (`CREATE TYPE … AS (…)`).
    case composite
    /// A range type.
    case range
  }

  /// The type's name.
  public var name: String
  /// What kind of type it is.
  public var kind: Kind
  /// Its shape in one line: enum labels, domain base and constraints, or attributes.
  public var definition: String
  /// The role that owns it.
  public var owner: String
  /// Effective grants, one entry per grantee (see ``Privilege``); `nil` when not read (a
  /// snapshot file from before they were).
  public var privileges: [Privilege]? = nil
  /// Its comment, if any.
  public var comment: String?

  /// Creates a type.
  public init(
    name: String,
    kind: Kind,
    definition: String,
    owner: String = "",
    comment: String? = nil
  ) {
    self.name = name
    self.kind = kind
    self.definition = definition
    self.owner = owner
    self.comment = comment
  }
}

/// A function, procedure or aggregate, identified by name and argument types.
public struct Function: Codable, Sendable, Hashable {
  /// The function's name.
  public var name: String
  /// Its identity arguments (`integer, text`).
  public var arguments: String
  /// `function`, `procedure`, `aggregate` or `window`.
  public var kind: String
  /// What it returns (empty for a procedure).
  public var result: String
  /// Its language.
  public var language: String
  /// A stable hash of its full definition, which changes whenever the body or attributes do.
  public var definitionHash: String
  /// The role that owns it.
  public var owner: String
  /// Effective grants, one entry per grantee (see ``Privilege``); `nil` when not read (a
  /// snapshot file from before they were).
  public var privileges: [Privilege]? = nil
  /// Its comment, if any.
  public var comment: String?

  /// Creates a function.
  public init(
    name: String,
    arguments: String = "",
    kind: String = "function",
    result: String = "",
    language: String = "sql",
    definitionHash: String = "",
    owner: String = "",
    comment: String? = nil
  ) {
    self.name = name
    self.arguments = arguments
    self.kind = kind
    self.result = result
    self.language = language
    self.definitionHash = definitionHash
    self.owner = owner
    self.comment = comment
  }

  /// The signature that identifies it: `name(integer, text)`.
  public var signature: String { "\(name)(\(arguments))" }
}

/// A collation.
public struct Collation: Codable, Sendable, Hashable {
  /// The collation's name.
  public var name: String
  /// Its provider: `libc`, `icu` or `default`.
  public var provider: String
  /// Its `LC_COLLATE` (or ICU locale).
  public var collate: String
  /// Its `LC_CTYPE`.
  public var ctype: String
  /// Whether it is deterministic.
  public var deterministic: Bool

  /// Creates a collation.
  public init(
    name: String,
    provider: String,
    collate: String,
    ctype: String,
    deterministic: Bool = true
  ) {
    self.name = name
    self.provider = provider
    self.collate = collate
    self.ctype = ctype
    self.deterministic = deterministic
  }

  /// The collation in one line.
  public var summary: String {
    "provider=\(provider) collate=\(collate) ctype=\(ctype)"
      + (deterministic ? "" : " nondeterministic")
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

/// An event trigger: a database-wide trigger on DDL.
public struct EventTrigger: Codable, Sendable, Hashable {
  /// Its name.
  public var name: String
  /// `ddl_command_start`, `ddl_command_end`, `sql_drop`, `table_rewrite`, `login`.
  public var event: String
  /// The function it runs, with its arguments' types.
  public var function: String
  /// `O` (origin and local), `D` (disabled), `R` (replica), `A` (always).
  public var enabled: String
  /// The command tags it fires for, sorted; empty for all.
  public var tags: [String]

  /// Creates an event trigger.
  public init(name: String, event: String, function: String, enabled: String, tags: [String]) {
    self.name = name
    self.event = event
    self.function = function
    self.enabled = enabled
    self.tags = tags
  }

  /// `ON ddl_command_end WHEN TAG IN (CREATE TABLE) EXECUTE FUNCTION audit()`.
  public var summary: String {
    var text = "ON \(event)"
    if !tags.isEmpty { text += " WHEN TAG IN (\(tags.joined(separator: ", ")))" }
    text += " EXECUTE FUNCTION \(function)"
    if enabled != "O" { text += " (enabled=\(enabled))" }
    return text
  }
}
