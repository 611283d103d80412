import DriftModel

/// One thing a migration does to the database, with model names already resolved to tables.
public struct DatabaseAction: Hashable, Sendable {
  /// The change to the schema.
  public enum Change: Hashable, Sendable {
    case createTable(table: String, columns: [String]?)
    case dropTable(table: String)
    case renameTable(from: String, to: String)
    case addColumn(table: String, column: String)
    case dropColumn(table: String, column: String)
    case alterColumn(table: String, column: String)
    case renameColumn(table: String, from: String, to: String)
    case addIndex(table: String, name: String)
    case dropIndex(name: String)
    case renameIndex(table: String?, from: String, to: String)
    case addConstraint(table: String, name: String, hasIndex: Bool)
    case dropConstraint(table: String, name: String)
    case createExtension(name: String)
  }

  /// The change.
  public var change: Change
  /// The operation as a person reads it: `RenameIndex(model_name="tenantdomain", …)`.
  public var operation: String
  /// Whether the SQL guards itself (`IF [NOT] EXISTS`), so that it cannot fail on this check.
  public var guarded: Bool

  init(_ change: Change, operation: String, guarded: Bool = false) {
    self.change = change
    self.operation = operation
    self.guarded = guarded
  }
}

/// The code's migrations in an order Django could apply them, each with its database actions.
///
/// Model names are resolved to tables by replaying every migration's state operations, so an
/// `AddIndex` on model `tenantdomain` checks table `tenants_tenantdomain` (or its `db_table`).
public struct MigrationPlan: Sendable {
  /// One migration with what it does to the database.
  public struct Step: Sendable {
    /// The migration.
    public var migration: CodeMigration
    /// What it does to the database, in order.
    public var actions: [DatabaseAction]
  }

  /// Every migration, dependencies first.
  public var steps: [Step]
  /// Every table each app's managed models have used, at any point in the history.
  var tablesByApp: [String: Set<String>]
  /// Every table any model names, managed or not: what the code accounts for.
  var modelTables: Set<String>
  /// Each migration's dependencies, `__first__`/`__latest__` resolved, restricted to the code.
  public var dependencies: [MigrationKey: [MigrationKey]]
  /// Each squashed migration with what it replaces.
  var replacements: [MigrationKey: [MigrationKey]]
  /// Every migration in the code.
  var keys: Set<MigrationKey>

  /// Orders `code`'s migrations and resolves each operation's models to tables.
  public init(code: MigrationCode) {
    var byApp: [String: [CodeMigration]] = [:]
    for migration in code.migrations { byApp[migration.app, default: []].append(migration) }
    let known = Set(code.migrations.map(\.key))
    var dependencies: [MigrationKey: [MigrationKey]] = [:]
    var replacements: [MigrationKey: [MigrationKey]] = [:]
    for migration in code.migrations {
      dependencies[migration.key] = migration.dependencies.compactMap { dependency in
        let names = byApp[dependency.app]?.map(\.name).sorted() ?? []
        let resolved: String?
        switch dependency.name {
        case "__first__": resolved = names.first
        case "__latest__": resolved = names.last
        default: resolved = dependency.name
        }
        guard let resolved else { return nil }
        let key = MigrationKey(app: dependency.app, name: resolved)
        return known.contains(key) && key != migration.key ? key : nil
      }
      if !migration.replaces.isEmpty { replacements[migration.key] = migration.replaces }
    }
    self.dependencies = dependencies
    self.replacements = replacements
    self.keys = known
    let ordered = Self.order(code.migrations, dependencies: dependencies)
    var state = ProjectState()
    var steps: [Step] = []
    for migration in ordered {
      var actions: [DatabaseAction] = []
      for operation in migration.operations {
        actions += state.apply(operation, app: migration.app)
      }
      steps.append(Step(migration: migration, actions: actions))
    }
    self.steps = steps
    self.tablesByApp = state.tablesByApp
    self.modelTables = state.modelTables
  }

  /// Orders migrations dependencies first (Kahn's algorithm), ties broken by app and name.
  ///
  /// A cycle, which Django would refuse, is broken at the smallest remaining migration.
  private static func order(
    _ migrations: [CodeMigration],
    dependencies: [MigrationKey: [MigrationKey]]
  ) -> [CodeMigration] {
    var remaining: [MigrationKey: CodeMigration] = [:]
    for migration in migrations { remaining[migration.key] = migration }
    var blockers: [MigrationKey: Int] = [:]
    var dependents: [MigrationKey: [MigrationKey]] = [:]
    for migration in migrations {
      let parents = Set(dependencies[migration.key] ?? [])
      blockers[migration.key] = parents.count
      for parent in parents { dependents[parent, default: []].append(migration.key) }
    }
    var ready = Set(blockers.filter { $0.value == 0 }.map(\.key))
    var result: [CodeMigration] = []
    while let fallback = remaining.keys.min() {
      let next = ready.min() ?? fallback
      ready.remove(next)
      guard let migration = remaining.removeValue(forKey: next) else { continue }
      result.append(migration)
      for child in dependents[next] ?? [] where remaining[child] != nil {
        blockers[child, default: 1] -= 1
        if blockers[child] == 0 { ready.insert(child) }
      }
    }
    return result
  }
}

/// Django's model state, just enough to know each model's table and each field's column.
private struct ProjectState {
  struct Model {
    var table: String
    var explicitTable: Bool
    var columns: [String: String?]
    /// `false` for an unmanaged or proxy model: Django never touches its table.
    var managed = true
  }

  var models: [String: Model] = [:]
  var tablesByApp: [String: Set<String>] = [:]
  var modelTables: Set<String> = []

  private static func key(_ app: String, _ model: String) -> String { "\(app).\(model)" }

  private func table(_ app: String, _ model: String?) -> String {
    guard let model else { return "" }
    return models[Self.key(app, model)]?.table ?? "\(app)_\(model)"
  }

  private func column(_ app: String, _ model: String?, _ field: String) -> String? {
    guard let model, let known = models[Self.key(app, model)]?.columns[field] else {
      return field
    }
    return known
  }

  /// Applies `operation`'s state change and returns its database actions.
  mutating func apply(_ operation: MigrationOperation, app: String) -> [DatabaseAction] {
    let described = Self.describe(operation)
    let model = operation.model
    let table = table(app, model)
    let managed =
      operation.kind == .createModel
      ? operation.managed : (model.flatMap { models[Self.key(app, $0)]?.managed } ?? true)
    var actions: [DatabaseAction] = []
    func act(_ change: DatabaseAction.Change) {
      if operation.touchesDatabase && managed {
        actions.append(DatabaseAction(change, operation: described))
      }
    }
    switch operation.kind {
    case .createModel:
      guard let model else { break }
      let created = operation.table ?? "\(app)_\(model)"
      let columns = operation.fields.compactMap(\.column)
      act(.createTable(table: created, columns: columns))
      for index in operation.indexes { act(.addIndex(table: created, name: index)) }
      for constraint in operation.constraints {
        act(
          .addConstraint(
            table: created, name: constraint, hasIndex: operation.constraintHasIndex))
      }
      if managed { tablesByApp[app, default: []].insert(created) }
      modelTables.insert(created)
      if operation.changesState {
        var fieldColumns: [String: String?] = [:]
        for field in operation.fields { fieldColumns[field.name] = field.column }
        models[Self.key(app, model)] = Model(
          table: created, explicitTable: operation.table != nil, columns: fieldColumns,
          managed: managed)
      }
    case .deleteModel:
      act(.dropTable(table: table))
      if operation.changesState, let model { models[Self.key(app, model)] = nil }
    case .renameModel:
      guard let old = operation.oldName, let new = operation.newName else { break }
      let existing = models[Self.key(app, old)]
      let renamed =
        existing?.explicitTable == true ? (existing?.table ?? table) : "\(app)_\(new)"
      if renamed != table { act(.renameTable(from: table, to: renamed)) }
      if managed { tablesByApp[app, default: []].insert(renamed) }
      modelTables.insert(renamed)
      if operation.changesState {
        models[Self.key(app, old)] = nil
        models[Self.key(app, new)] = Model(
          table: renamed, explicitTable: existing?.explicitTable ?? false,
          columns: existing?.columns ?? [:], managed: managed)
      }
    case .alterModelTable:
      guard let model else { break }
      let renamed = operation.table ?? "\(app)_\(model)"
      if renamed != table { act(.renameTable(from: table, to: renamed)) }
      if managed { tablesByApp[app, default: []].insert(renamed) }
      modelTables.insert(renamed)
      if operation.changesState {
        models[
          Self.key(app, model), default: Model(table: table, explicitTable: false, columns: [:])
        ]
        .table = renamed
        models[Self.key(app, model)]?.explicitTable = operation.table != nil
      }
    case .addField, .alterField:
      guard let model, let field = operation.fields.first else { break }
      if let column = field.column {
        if operation.kind == .addField {
          act(.addColumn(table: table, column: column))
        } else if let current = self.column(app, model, field.name) {
          act(.alterColumn(table: table, column: current))
        }
      }
      if operation.changesState {
        models[Self.key(app, model)]?.columns[field.name] = field.column
      }
    case .removeField:
      guard let name = operation.name else { break }
      if let column = column(app, model, name) {
        act(.dropColumn(table: table, column: column))
      }
      if operation.changesState, let model {
        models[Self.key(app, model)]?.columns[name] = nil
      }
    case .renameField:
      guard let old = operation.oldName, let new = operation.newName else { break }
      let oldColumn = column(app, model, old)
      var newColumn = oldColumn
      if oldColumn == old {
        newColumn = new
      } else if oldColumn == old + "_id" {
        newColumn = new + "_id"
      }
      if let oldColumn, let newColumn, oldColumn != newColumn {
        act(.renameColumn(table: table, from: oldColumn, to: newColumn))
      }
      if operation.changesState, let model {
        models[Self.key(app, model)]?.columns[old] = nil
        models[Self.key(app, model)]?.columns[new] = newColumn
      }
    case .addIndex:
      if let name = operation.name { act(.addIndex(table: table, name: name)) }
    case .removeIndex:
      if let name = operation.name { act(.dropIndex(name: name)) }
    case .renameIndex:
      if let old = operation.oldName, let new = operation.newName {
        act(.renameIndex(table: table, from: old, to: new))
      }
    case .addConstraint:
      if let name = operation.name {
        act(.addConstraint(table: table, name: name, hasIndex: operation.constraintHasIndex))
      }
    case .removeConstraint:
      if let name = operation.name { act(.dropConstraint(table: table, name: name)) }
    case .runSQL:
      if operation.touchesDatabase {
        actions += operation.sql.flatMap { SQLEffects.actions(of: $0, operation: described) }
      }
    case .createExtension:
      // Django runs `CREATE EXTENSION IF NOT EXISTS`: it fails only where the server lacks it.
      if let name = operation.name { act(.createExtension(name: name)) }
    case .runPython, .other:
      break
    }
    return actions
  }

  /// `RenameIndex(model_name="tenantdomain", old_name="…", new_name="…")`, for findings.
  static func describe(_ operation: MigrationOperation) -> String {
    var arguments: [String] = []
    func add(_ label: String, _ value: String?) {
      if let value { arguments.append("\(label)=\(Python.string(value))") }
    }
    switch operation.kind {
    case .createModel, .deleteModel, .alterModelTable:
      add("name", operation.model)
      add("db_table", operation.table)
    case .renameModel:
      add("old_name", operation.oldName)
      add("new_name", operation.newName)
    case .renameField, .renameIndex:
      add("model_name", operation.model)
      add("old_name", operation.oldName)
      add("new_name", operation.newName)
    case .runSQL:
      let first = operation.sql.first.map { String($0.split(separator: "\n").first ?? "") }
      add("sql", first.map { $0.count > 60 ? String($0.prefix(60)) + "…" : $0 })
    case .createExtension:
      add("name", operation.name)
    case .runPython, .other:
      break
    default:
      add("model_name", operation.model)
      add("name", operation.name)
    }
    let prefix = operation.touchesDatabase ? "" : "state only: "
    return "\(prefix)\(operation.operationName)(\(arguments.joined(separator: ", ")))"
  }
}
