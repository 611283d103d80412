import DriftModel

/// A project's Django migration files, read from a directory or a git ref: "the code".
public struct MigrationCode: Codable, Sendable, Hashable {
  /// Where the files were read from, as the user wrote it (`./backend`, `git:main:backend`).
  public var source: String
  /// Every migration that could be parsed, sorted by app and name.
  public var migrations: [CodeMigration]
  /// Files that could not be parsed, and why; they are skipped.
  public var problems: [CodeProblem]

  /// Creates a set of migration files.
  public init(source: String, migrations: [CodeMigration], problems: [CodeProblem] = []) {
    self.source = source
    self.migrations = migrations.sorted { ($0.app, $0.name) < ($1.app, $1.name) }
    self.problems = problems.sorted { $0.file < $1.file }
  }

  /// The app labels that have migrations in the code.
  public var apps: Set<String> { Set(migrations.map(\.app)) }
}

/// An `(app, name)` pair that identifies a migration, as in Django's `dependencies`.
public struct MigrationKey: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
  /// The app label.
  public var app: String
  /// The migration name, or Django's `__first__` / `__latest__`.
  public var name: String

  /// Creates a key.
  public init(app: String, name: String) {
    self.app = app
    self.name = name
  }

  /// `app.name`, the way findings name a migration.
  public var description: String { "\(app).\(name)" }

  /// Orders by app, then name.
  public static func < (lhs: MigrationKey, rhs: MigrationKey) -> Bool {
    (lhs.app, lhs.name) < (rhs.app, rhs.name)
  }
}

/// One migration file.
public struct CodeMigration: Codable, Sendable, Hashable {
  /// The app label: the app folder's name, or its AppConfig's `label`.
  public var app: String
  /// The file name without `.py`, such as `0006_rename_tenants_ten_domain_6df599_idx_and_more`.
  public var name: String
  /// The file, relative to the code's root.
  public var file: String
  /// The migrations it depends on.
  public var dependencies: [MigrationKey]
  /// For a squashed migration: the migrations it replaces.
  public var replaces: [MigrationKey]
  /// Its operations, in file order.
  public var operations: [MigrationOperation]

  /// Creates a migration.
  public init(
    app: String,
    name: String,
    file: String,
    dependencies: [MigrationKey] = [],
    replaces: [MigrationKey] = [],
    operations: [MigrationOperation] = []
  ) {
    self.app = app
    self.name = name
    self.file = file
    self.dependencies = dependencies
    self.replaces = replaces
    self.operations = operations
  }

  /// The migration's key.
  public var key: MigrationKey { MigrationKey(app: app, name: name) }
}

/// One operation of a migration, with what envdrift needs to check it against a database.
public struct MigrationOperation: Codable, Sendable, Hashable {
  /// The operations envdrift understands; anything else is ``other``.
  public enum Kind: String, Codable, Sendable, Hashable {
    /// `CreateModel`.
    case createModel = "CreateModel"
    /// `DeleteModel`.
    case deleteModel = "DeleteModel"
    /// `RenameModel`.
    case renameModel = "RenameModel"
    /// `AlterModelTable`.
    case alterModelTable = "AlterModelTable"
    /// `AddField`.
    case addField = "AddField"
    /// `RemoveField`.
    case removeField = "RemoveField"
    /// `AlterField`.
    case alterField = "AlterField"
    /// `RenameField`.
    case renameField = "RenameField"
    /// `AddIndex`.
    case addIndex = "AddIndex"
    /// `RemoveIndex`.
    case removeIndex = "RemoveIndex"
    /// `RenameIndex`.
    case renameIndex = "RenameIndex"
    /// `AddConstraint`.
    case addConstraint = "AddConstraint"
    /// `RemoveConstraint`.
    case removeConstraint = "RemoveConstraint"
    /// `RunSQL`.
    case runSQL = "RunSQL"
    /// `RunPython`.
    case runPython = "RunPython"
    /// `CreateExtension("name")` and its named forms (`HStoreExtension()`, …); ``name`` is the
    /// extension.
    case createExtension = "CreateExtension"
    /// Any other operation (`AlterModelOptions`, `AlterUniqueTogether`, …): not checked.
    case other
  }

  /// What the operation is.
  public var kind: Kind
  /// The operation's name as written, such as `RenameIndex` or `AlterModelOptions`.
  public var operationName: String
  /// Whether it runs against the database (`false` for `SeparateDatabaseAndState`'s
  /// `state_operations` and `RunSQL`'s `state_operations`).
  public var touchesDatabase: Bool
  /// Whether it changes Django's model state (`false` for `database_operations`).
  public var changesState: Bool
  /// The model (`model_name`, or `name` for model operations), lower-cased as Django does.
  public var model: String?
  /// The object's name: a field, an index or a constraint; the new model name for `RenameModel`.
  public var name: String?
  /// The old name for `RenameIndex`, `RenameField` and `RenameModel`.
  public var oldName: String?
  /// The new name for `RenameIndex` and `RenameField`.
  public var newName: String?
  /// The table, for `CreateModel` with `db_table` and for `AlterModelTable`.
  public var table: String?
  /// Fields with their columns, for `CreateModel`, `AddField` and `AlterField`.
  public var fields: [CodeField]
  /// Index names declared with the model (`CreateModel`'s `indexes`) or added (`AddIndex`).
  public var indexes: [String]
  /// Constraint names declared with the model or added (`AddConstraint`).
  public var constraints: [String]
  /// Whether an added constraint also creates an index (unique constraints).
  public var constraintHasIndex: Bool
  /// The SQL statements of a `RunSQL`.
  public var sql: [String]
  /// For `CreateModel`: `false` when the model is unmanaged (`managed: False`) or a proxy, so
  /// that neither it nor any later operation on the model touches the database.
  public var managed: Bool

  /// Creates an operation.
  public init(
    kind: Kind,
    operationName: String? = nil,
    touchesDatabase: Bool = true,
    changesState: Bool = true,
    model: String? = nil,
    name: String? = nil,
    oldName: String? = nil,
    newName: String? = nil,
    table: String? = nil,
    fields: [CodeField] = [],
    indexes: [String] = [],
    constraints: [String] = [],
    constraintHasIndex: Bool = false,
    sql: [String] = [],
    managed: Bool = true
  ) {
    self.kind = kind
    self.operationName = operationName ?? kind.rawValue
    self.touchesDatabase = touchesDatabase
    self.changesState = changesState
    self.model = model
    self.name = name
    self.oldName = oldName
    self.newName = newName
    self.table = table
    self.fields = fields
    self.indexes = indexes
    self.constraints = constraints
    self.constraintHasIndex = constraintHasIndex
    self.sql = sql
    self.managed = managed
  }
}

/// A model field as a migration declares it.
public struct CodeField: Codable, Sendable, Hashable {
  /// The field's name.
  public var name: String
  /// The field class, such as `ForeignKey` or `CharField`.
  public var type: String
  /// The column it is stored in: `db_column`, `<name>_id` for a relation, else the name; `nil`
  /// for a many-to-many field, which has no column.
  public var column: String?

  /// Creates a field.
  public init(name: String, type: String, column: String?) {
    self.name = name
    self.type = type
    self.column = column
  }
}
