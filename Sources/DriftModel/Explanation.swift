/// An error message envdrift understands: which error, about which object.
public struct ErrorReport: Codable, Sendable, Hashable {
  /// The errors `envdrift explain` answers.
  public enum Kind: String, Codable, Sendable, Hashable, CaseIterable {
    /// `relation "x" does not exist` (a table, view, sequence or index: UndefinedTable).
    case undefinedRelation = "undefined_relation"
    /// `index "x" does not exist` (UndefinedObject, from `DROP INDEX`).
    case undefinedIndex = "undefined_index"
    /// `column "c" does not exist`, `column "c" of relation "t" does not exist`.
    case undefinedColumn = "undefined_column"
    /// `constraint "c" of relation "t" does not exist`.
    case undefinedConstraint = "undefined_constraint"
    /// `schema "s" does not exist`.
    case undefinedSchema = "undefined_schema"
    /// `function f(integer) does not exist` (UndefinedFunction).
    case undefinedFunction = "undefined_function"
    /// `type "t" does not exist`.
    case undefinedType = "undefined_type"
    /// `role "r" does not exist`.
    case undefinedRole = "undefined_role"
    /// `permission denied for table t` (and for a view, sequence, schema, function, column, …):
    /// InsufficientPrivilege.
    case insufficientPrivilege = "insufficient_privilege"
    /// `must be owner of table t`: InsufficientPrivilege, where only the owner may.
    case notOwner = "not_owner"
    /// `relation "x" already exists` (DuplicateTable).
    case duplicateRelation = "duplicate_relation"
    /// `constraint "c" for relation "t" already exists`.
    case duplicateConstraint = "duplicate_constraint"
    /// `column "c" of relation "t" already exists`.
    case duplicateColumn = "duplicate_column"
    /// Django's `InconsistentMigrationHistory`.
    case inconsistentHistory = "inconsistent_history"
    /// Django's `NodeNotFoundError`.
    case nodeNotFound = "node_not_found"
  }

  /// What failed.
  public var kind: Kind

  /// Whether it is about Django's migration history rather than a database object.
  public var isHistory: Bool { kind == .inconsistentHistory || kind == .nodeNotFound }

  /// Whether the object already exists (rather than being absent).
  public var isDuplicate: Bool {
    kind == .duplicateRelation || kind == .duplicateColumn || kind == .duplicateConstraint
  }

  /// Whether the object exists and the role may not use or change it.
  public var isPrivilege: Bool { kind == .insufficientPrivilege || kind == .notOwner }
  /// The object's name (a relation, index, column, constraint or schema), or the migration
  /// (`app.name`) for history errors.
  public var name: String
  /// The table, for a column or constraint.
  public var table: String?
  /// The schema, when the message or the SQL around it names one.
  public var schema: String?
  /// For history errors: the dependency (`app.name`).
  public var dependency: String?
  /// For privilege errors: the kind of object as the message names it (`table`, `view`,
  /// `materialized view`, `sequence`, `column`, `schema`, `function`, `procedure`, `type`,
  /// `domain`, `database`, …).
  public var objectType: String?
  /// The error's name as psycopg and Django print it.
  ///
  /// `UndefinedTable`, `DuplicateTable`, `InconsistentMigrationHistory`, and so on.
  public var errorName: String
  /// The line the error was found on, as given.
  public var line: String
  /// The name as the message wrote it, when it was read as `schema.name`: a name may hold a
  /// dot itself, so it is tried as written when the split one is found nowhere.
  public var written: String?

  /// Creates an error report.
  public init(
    kind: Kind, name: String, table: String? = nil, schema: String? = nil,
    dependency: String? = nil, objectType: String? = nil, errorName: String, line: String
  ) {
    self.kind = kind
    self.objectType = objectType
    self.name = name
    self.table = table
    self.schema = schema
    self.dependency = dependency
    self.errorName = errorName
    self.line = line
  }
}

/// What envdrift found about an error's object across environments: the answer of
/// `envdrift explain`, as typed facts that the report writers put in words.
public struct Explanation: Codable, Sendable, Hashable {
  /// Where the object is, in one environment.
  public struct Place: Codable, Sendable, Hashable {
    /// The environment.
    public var environment: String
    /// Whether the environment was read; when not, ``error`` says why.
    public var read: Bool
    /// Why it could not be read.
    public var error: String?
    /// Schemas where the object exists.
    public var present: [String]
    /// Schemas of the same kind (all tenant schemas, or `public`) where it does not.
    public var absent: [String]
    /// For a renamed object: schemas where it exists under ``Explanation/renamedTo``.
    public var renamed: [String]

    /// Creates a place.
    public init(
      environment: String, read: Bool = true, error: String? = nil, present: [String] = [],
      absent: [String] = [], renamed: [String] = []
    ) {
      self.environment = environment
      self.read = read
      self.error = error
      self.present = present
      self.absent = absent
      self.renamed = renamed
    }
  }

  /// A migration that makes, renames or drops the object, and where it is recorded.
  public struct Migration: Codable, Sendable, Hashable {
    /// What it does to the object.
    public enum Effect: String, Codable, Sendable, Hashable {
      /// Creates it.
      case creates
      /// Renames it (to ``Explanation/renamedTo``, or from another name to it).
      case renames
      /// Drops it.
      case drops
      /// Its name mentions the object; what it does is unknown without the code.
      case mentions
      /// The first migration of the app whose tables are named like the object
      /// (`finance_invoice`: `finance`), when neither the code nor a migration name says more.
      case firstOfApp = "first_of_app"
      /// It is the migration the error names.
      case named
      /// It is the dependency the error names.
      case dependency
      /// The dependency needs it first (a dependency of the dependency, transitively), and it
      /// is not recorded everywhere the error's migration is recorded without its dependency.
      case ancestor
    }

    /// `app.name`.
    public var name: String
    /// What it does to the object.
    public var effect: Effect
    /// The operation, when the code was read: `RenameIndex(model_name="…", …)`.
    public var operation: String?
    /// Whether the operation guards itself (`IF [NOT] EXISTS`), when the code was read.
    public var idempotent: Bool?
    /// Per environment, the schemas that record it as applied, and the earliest time.
    public var applied: [Recorded]

    /// Creates a migration fact.
    public init(
      name: String, effect: Effect, operation: String? = nil, idempotent: Bool? = nil,
      applied: [Recorded] = []
    ) {
      self.name = name
      self.effect = effect
      self.operation = operation
      self.idempotent = idempotent
      self.applied = applied
    }
  }

  /// Where one migration is recorded in one environment.
  public struct Recorded: Codable, Sendable, Hashable {
    /// The environment.
    public var environment: String
    /// Schemas whose migration table records it.
    public var schemas: [String]
    /// Schemas whose migration table does not record it (of those that have the object's
    /// kind of schema).
    public var missing: [String]
    /// The earliest `applied` time among them.
    public var appliedAt: String?

    /// Creates a record.
    public init(
      environment: String, schemas: [String], missing: [String] = [], appliedAt: String? = nil
    ) {
      self.environment = environment
      self.schemas = schemas
      self.missing = missing
      self.appliedAt = appliedAt
    }
  }

  /// What kind of relation the object is, where it was found (for a relation error).
  public enum RelationKind: String, Codable, Sendable, Hashable {
    /// A table.
    case table
    /// An index.
    case index
    /// A view or materialized view.
    case view
    /// A sequence.
    case sequence
  }

  /// Who owns the object and what is granted on it, in some schemas of one environment (schemas
  /// with equal owner and grants are grouped).
  public struct Access: Codable, Sendable, Hashable {
    /// The environment.
    public var environment: String
    /// The schemas with this owner and these grants; for a database, its name.
    public var schemas: [String]
    /// The object's kind there (`table`, `view`, …; a column's table's for a column).
    public var kind: String
    /// For an index: its table, whose owner owns the index.
    public var table: String?
    /// The owning role.
    public var owner: String
    /// The effective grants (the owner's implicit rights and PUBLIC's defaults made explicit);
    /// `nil` when they were not read (a snapshot file records grants on tables only).
    public var grants: [Privilege]?

    /// Creates an access fact.
    public init(
      environment: String, schemas: [String], kind: String, owner: String, grants: [Privilege]?
    ) {
      self.environment = environment
      self.schemas = schemas
      self.kind = kind
      self.owner = owner
      self.grants = grants
    }
  }

  /// Privileges one environment does not grant on the object that another does.
  public struct MissingGrant: Codable, Sendable, Hashable {
    /// The environment lacking them.
    public var environment: String
    /// The schemas lacking them; for a database, its name.
    public var schemas: [String]
    /// The role (or `PUBLIC`) lacking them.
    public var grantee: String
    /// The privileges, sorted.
    public var privileges: [String]
    /// Other environments that grant them.
    public var grantedIn: [String]
    /// Whether other schemas of the same environment grant them.
    public var grantedInOtherSchemas = false

    /// Creates a missing grant.
    public init(
      environment: String, schemas: [String], grantee: String, privileges: [String],
      grantedIn: [String]
    ) {
      self.environment = environment
      self.schemas = schemas
      self.grantee = grantee
      self.privileges = privileges
      self.grantedIn = grantedIn
    }
  }

  /// The error explained.
  public var error: ErrorReport
  /// What kind of relation the object is, when it was found.
  public var relationKind: RelationKind?
  /// Where the object is, per environment, in the order given.
  public var places: [Place]
  /// The name the object has where it was renamed, when a migration renamed it.
  public var renamedTo: String?
  /// The name it had before, when the error names the new one.
  public var renamedFrom: String?
  /// When ``renamedTo`` was found by equal definitions rather than from a migration: the
  /// definition both names share (an index's or a constraint's, or a table's column names).
  public var sameDefinition: String?
  /// Migrations that make, rename or drop it (or that the error names).
  public var migrations: [Migration]
  /// When the object exists nowhere: the closest names that do, across environments.
  public var closest: [String]
  /// For privilege errors: owner and grants where the object exists, per environment.
  public var access: [Access] = []
  /// For privilege errors: grants some environments give on the object and others do not.
  public var missingGrants: [MissingGrant] = []
  /// For privilege errors: the owner most environments (ties: the earliest given) have, when
  /// they do not all agree.
  public var expectedOwner: String?

  /// Creates an explanation.
  public init(
    error: ErrorReport, places: [Place], renamedTo: String? = nil, renamedFrom: String? = nil,
    migrations: [Migration] = [], closest: [String] = []
  ) {
    self.error = error
    self.places = places
    self.renamedTo = renamedTo
    self.renamedFrom = renamedFrom
    self.migrations = migrations
    self.closest = closest
  }

  /// Whether the object exists in any environment that was read.
  public var foundAnywhere: Bool {
    places.contains { !$0.present.isEmpty || !$0.renamed.isEmpty }
  }
}
