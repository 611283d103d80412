import DriftModel

/// What the migrations a schema records as applied should have left in it, and what of that is
/// absent (`migration.unfulfilled`) or present without any migration making it (`*.unexplained`).
///
/// The applied migrations' database actions are replayed in plan order into tables, columns,
/// indexes and constraints, each remembering the migration that last produced it. Only what the
/// code states is expected: `RunPython` and SQL envdrift cannot read produce nothing, and any
/// object whose name such SQL mentions is never flagged, absent or unexplained.
struct ExpectedSchema {
  /// The migration and operation that produced an object.
  struct Producer: Hashable {
    var migration: MigrationKey
    var operation: String
  }

  /// An object the replay expects, absent from the real schema.
  struct Absence: Hashable {
    /// `table`, `column`, `index` or `constraint`.
    var object: ObjectKind
    /// The table the object belongs to (the table itself for a table).
    var table: String
    /// The object's name (the column, index or constraint; the table for a table).
    var name: String
    var producer: Producer

    /// `column finance_invoice.due`, for a person.
    var phrase: String {
      switch object {
      case .table: "table \(name)"
      case .column: "column \(table).\(name)"
      case .constraint: "constraint \(name) on \(table)"
      default: "index \(name) on \(table)"
      }
    }
  }

  /// An object present in the schema that no replayed migration produces.
  struct Stray: Hashable {
    var object: ObjectKind
    var table: String
    var name: String
  }

  private struct ExpectedTable {
    var producer: Producer
    /// `nil` when the table was made by SQL whose columns envdrift does not read.
    var columns: [String: Producer]?
  }

  private struct Named {
    var table: String?
    var producer: Producer
  }

  /// PostgreSQL's limit on identifier length, in bytes; longer names are truncated (Django adds
  /// a hash of its own), so they are never compared by name.
  static let maximumNameLength = 63

  private var tables: [String: ExpectedTable] = [:]
  private var indexes: [String: Named] = [:]
  private var constraints: [String: Named] = [:]
  /// Every table any replayed migration produced at some point, for the unexplained check.
  private var everProduced: Set<String> = []
  /// The lower-cased text of every statement the replay could not read.
  private var opaqueSQL: [String] = []

  /// Replays one applied migration.
  mutating func replay(_ step: MigrationPlan.Step) {
    for operation in step.migration.operations where operation.touchesDatabase {
      guard operation.kind == .runSQL else { continue }
      for statement in operation.sql
      where SQLEffects.actions(of: statement, operation: "").count
        != SQLEffects.statements(statement).count
      {
        opaqueSQL.append(statement.lowercased())
      }
    }
    for action in step.actions {
      apply(action.change, Producer(migration: step.migration.key, operation: action.operation))
    }
  }

  private mutating func apply(_ change: DatabaseAction.Change, _ producer: Producer) {
    switch change {
    case .createTable(let table, let columns):
      var known: [String: Producer]?
      if let columns {
        known = Dictionary(columns.map { ($0, producer) }, uniquingKeysWith: { first, _ in first })
      }
      tables[table] = ExpectedTable(producer: producer, columns: known)
      everProduced.insert(table)
    case .dropTable(let table):
      tables[table] = nil
      forgetObjects(of: table)
    case .renameTable(let from, let to):
      let previous = tables.removeValue(forKey: from)
      tables[to] = ExpectedTable(producer: producer, columns: previous?.columns)
      everProduced.insert(to)
      for (name, index) in indexes where index.table == from { indexes[name]?.table = to }
      for (name, constraint) in constraints where constraint.table == from {
        constraints[name]?.table = to
      }
    case .addColumn(let table, let column):
      tables[table]?.columns?[column] = producer
    case .dropColumn(let table, let column):
      tables[table]?.columns?[column] = nil
      // PostgreSQL drops the indexes and constraints that use the column with it; which ones
      // those are is not in the code, so none of the table's are expected any more.
      forgetObjects(of: table)
    case .alterColumn:
      break
    case .renameColumn(let table, let from, let to):
      if tables[table]?.columns?.removeValue(forKey: from) != nil {
        tables[table]?.columns?[to] = producer
      }
    case .addIndex(let table, let name):
      indexes[name] = Named(table: table, producer: producer)
    case .dropIndex(let name):
      indexes[name] = nil
    case .renameIndex(let table, let from, let to):
      let previous = indexes.removeValue(forKey: from)
      indexes[to] = Named(table: previous?.table ?? table, producer: producer)
    case .addConstraint(let table, let name, _):
      constraints[name] = Named(table: table, producer: producer)
    case .dropConstraint(_, let name):
      constraints[name] = nil
    case .createExtension:
      // Extensions belong to the database, not to a schema's expected objects.
      break
    }
  }

  private mutating func forgetObjects(of table: String) {
    indexes = indexes.filter { $0.value.table != table }
    constraints = constraints.filter { $0.value.table != table }
  }

  /// Whether `name` can be checked: short enough to be kept whole, and not named by SQL the
  /// replay could not read.
  private func checkable(_ name: String) -> Bool {
    guard name.utf8.count <= Self.maximumNameLength else { return false }
    let lowered = name.lowercased()
    return !opaqueSQL.contains { $0.contains(lowered) }
  }

  /// What the replay expects and `schema` lacks.
  ///
  /// In a stable order: tables, then each present table's columns, then indexes and
  /// constraints. An absent table hides its own objects.
  func absences(in schema: SchemaNames?) -> [Absence] {
    var relations = Set<String>()
    var indexNames = Set<String>()
    var constraintNames = Set<String>()
    for (name, relation) in schema?.relations ?? [:] where relation.kind != .sequence {
      relations.insert(name)
      indexNames.formUnion(relation.indexes)
      constraintNames.formUnion(relation.constraints)
    }
    func columns(_ table: String) -> [String]? {
      guard let relation = schema?.relations[table], relation.kind == .table else { return nil }
      return relation.columns
    }
    var result: [Absence] = []
    var absentTables = Set<String>()
    for name in tables.keys.sorted() where checkable(name) && !relations.contains(name) {
      guard let table = tables[name] else { continue }
      absentTables.insert(name)
      result.append(Absence(object: .table, table: name, name: name, producer: table.producer))
    }
    for name in tables.keys.sorted() where !absentTables.contains(name) && checkable(name) {
      guard let listed = columns(name), let expected = tables[name]?.columns else { continue }
      let present = Set(listed)
      for column in expected.keys.sorted() where checkable(column) && !present.contains(column) {
        guard let producer = expected[column] else { continue }
        result.append(Absence(object: .column, table: name, name: column, producer: producer))
      }
    }
    for (kind, expected) in [(ObjectKind.index, indexes), (.constraint, constraints)] {
      for name in expected.keys.sorted() where checkable(name) {
        guard let item = expected[name] else { continue }
        let table = item.table ?? ""
        if absentTables.contains(table) || (!table.isEmpty && !checkable(table)) { continue }
        // A unique constraint with a condition or expressions is an index in PostgreSQL, and
        // a unique constraint brings an index of its name: either catalog counts.
        if indexNames.contains(name) || constraintNames.contains(name) { continue }
        result.append(Absence(object: kind, table: table, name: name, producer: item.producer))
      }
    }
    return result
  }

  /// Tables and columns of `schema` that no replayed migration produces, leaving out migration
  /// tables, tables of apps the code does not hold (`auth_…`, `django_…`, third-party apps
  /// recorded in the migration table), and many-to-many tables (`<model table>_<field>`).
  ///
  /// - Parameter codeTables: every table the code's migrations make in any schema; one of them
  ///   in a schema where its app does not run is misplaced, not unexplained.
  func strays(
    in schema: SchemaNames, foreignApps: Set<String>, historyTables: Set<String>,
    codeTables: Set<String>
  ) -> [Stray] {
    var result: [Stray] = []
    let produced = everProduced.union(tables.keys).union(codeTables)
    for name in schema.tableNames {
      guard let table = schema.relations[name], checkable(name), !historyTables.contains(name),
        table.partitionOf == nil
      else {
        continue
      }
      if let expected = tables[name] {
        guard let known = expected.columns else { continue }
        for column in table.columns.sorted()
        where known[column] == nil && checkable(column) {
          result.append(Stray(object: .column, table: name, name: column))
        }
        continue
      }
      if produced.contains(name) { continue }
      if foreignApps.contains(where: { name.hasPrefix($0 + "_") }) { continue }
      if produced.contains(where: { name.hasPrefix($0 + "_") }) { continue }
      result.append(Stray(object: .table, table: name, name: name))
    }
    return result
  }
}
