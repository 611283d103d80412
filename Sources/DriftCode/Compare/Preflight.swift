import DriftModel
import Foundation

/// A schema as pending migrations would find it, updated as each action runs.
///
/// Starts from a snapshot's schema; every action is checked against the current state and then
/// applied (as if it had succeeded), so a later migration sees what an earlier one created.
struct SchemaSimulation {
  private struct TableState {
    /// `nil` when the table was created by SQL envdrift does not parse column by column.
    var columns: Set<String>?
    var constraints: Set<String>
  }

  private var tables: [String: TableState] = [:]
  /// Every name in the schema's relation namespace: tables, indexes, sequences, views.
  private var relations: Set<String> = []
  private var indexes: Set<String> = []
  /// The extensions the server can install (`pg_available_extensions`); `nil` when unknown.
  private var availableExtensions: Set<String>?

  init(schema: SchemaNames?, availableExtensions: Set<String>? = nil) {
    self.availableExtensions = availableExtensions
    guard let schema else { return }
    for (name, relation) in schema.relations {
      relations.insert(name)
      if relation.kind == .table {
        tables[name] = TableState(
          columns: Set(relation.columns), constraints: Set(relation.constraints))
      }
      for index in relation.indexes {
        relations.insert(index)
        indexes.insert(index)
      }
    }
  }

  /// A reason the action fails here, if it does; the action is then applied either way.
  mutating func run(_ action: DatabaseAction) -> Problem? {
    let problem = action.guarded ? nil : check(action.change)
    apply(action.change)
    return problem
  }

  /// Why an action fails, in PostgreSQL's words, with the name of the error.
  struct Problem: Hashable {
    /// `relation "x" does not exist`.
    var message: String
    /// `UndefinedTable`, `DuplicateTable`, … as psycopg names them.
    var error: String
    /// The table involved, when there is one.
    var table: String?
  }

  private func missingTable(_ table: String) -> Problem? {
    tables[table] == nil
      ? Problem(
        message: "relation \"\(table)\" does not exist", error: "UndefinedTable", table: table)
      : nil
  }

  private func check(_ change: DatabaseAction.Change) -> Problem? {
    switch change {
    case .createTable(let table, _):
      if relations.contains(table) {
        return Problem(
          message: "relation \"\(table)\" already exists", error: "DuplicateTable", table: table)
      }
    case .dropTable(let table):
      if tables[table] == nil {
        return Problem(
          message: "table \"\(table)\" does not exist", error: "UndefinedTable", table: table)
      }
    case .renameTable(let from, let to):
      if let problem = missingTable(from) { return problem }
      if relations.contains(to) {
        return Problem(
          message: "relation \"\(to)\" already exists", error: "DuplicateTable", table: from)
      }
    case .addColumn(let table, let column):
      if let problem = missingTable(table) { return problem }
      if tables[table]?.columns?.contains(column) == true {
        return Problem(
          message: "column \"\(column)\" of relation \"\(table)\" already exists",
          error: "DuplicateColumn", table: table)
      }
    case .dropColumn(let table, let column), .alterColumn(let table, let column):
      if let problem = missingTable(table) { return problem }
      if let columns = tables[table]?.columns, !columns.contains(column) {
        return Problem(
          message: "column \"\(column)\" of relation \"\(table)\" does not exist",
          error: "UndefinedColumn", table: table)
      }
    case .renameColumn(let table, let from, let to):
      if let problem = missingTable(table) { return problem }
      if let columns = tables[table]?.columns {
        if !columns.contains(from) {
          return Problem(
            message: "column \"\(from)\" of relation \"\(table)\" does not exist",
            error: "UndefinedColumn", table: table)
        }
        if columns.contains(to) {
          return Problem(
            message: "column \"\(to)\" of relation \"\(table)\" already exists",
            error: "DuplicateColumn", table: table)
        }
      }
    case .addIndex(let table, let name):
      if relations.contains(name) {
        return Problem(
          message: "relation \"\(name)\" already exists", error: "DuplicateTable", table: table)
      }
      if let problem = missingTable(table) { return problem }
    case .dropIndex(let name):
      if !indexes.contains(name) {
        return Problem(
          message: "index \"\(name)\" does not exist", error: "UndefinedObject", table: nil)
      }
    case .renameIndex(let table, let from, let to):
      if !indexes.contains(from) {
        return Problem(
          message: "relation \"\(from)\" does not exist", error: "UndefinedTable", table: table)
      }
      if relations.contains(to) {
        return Problem(
          message: "relation \"\(to)\" already exists", error: "DuplicateTable", table: table)
      }
    case .addConstraint(let table, let name, let hasIndex):
      if let problem = missingTable(table) { return problem }
      if tables[table]?.constraints.contains(name) == true {
        return Problem(
          message: "constraint \"\(name)\" for relation \"\(table)\" already exists",
          error: "DuplicateObject", table: table)
      }
      if hasIndex, relations.contains(name) {
        return Problem(
          message: "relation \"\(name)\" already exists", error: "DuplicateTable", table: table)
      }
    case .dropConstraint(let table, let name):
      if let problem = missingTable(table) { return problem }
      if tables[table]?.constraints.contains(name) == false {
        return Problem(
          message: "constraint \"\(name)\" of relation \"\(table)\" does not exist",
          error: "UndefinedObject", table: table)
      }
    case .createExtension(let name):
      if let availableExtensions, !availableExtensions.contains(name) {
        return Problem(
          message:
            "extension \"\(name)\" is not available: could not open extension control file"
            + " (the server has no package for it)",
          error: "UndefinedFile", table: nil)
      }
    }
    return nil
  }

  private mutating func apply(_ change: DatabaseAction.Change) {
    switch change {
    case .createTable(let table, let columns):
      if tables[table] == nil {
        tables[table] = TableState(columns: columns.map(Set.init), constraints: [])
      }
      relations.insert(table)
    case .dropTable(let table):
      tables[table] = nil
      relations.remove(table)
    case .renameTable(let from, let to):
      tables[to] = tables.removeValue(forKey: from) ?? TableState(columns: nil, constraints: [])
      relations.remove(from)
      relations.insert(to)
    case .addColumn(let table, let column):
      tables[table]?.columns?.insert(column)
    case .dropColumn(let table, let column):
      tables[table]?.columns?.remove(column)
    case .alterColumn:
      break
    case .renameColumn(let table, let from, let to):
      tables[table]?.columns?.remove(from)
      tables[table]?.columns?.insert(to)
    case .addIndex(_, let name):
      relations.insert(name)
      indexes.insert(name)
    case .dropIndex(let name):
      relations.remove(name)
      indexes.remove(name)
    case .renameIndex(_, let from, let to):
      guard indexes.contains(from) else { return }
      indexes.remove(from)
      relations.remove(from)
      indexes.insert(to)
      relations.insert(to)
    case .addConstraint(let table, let name, let hasIndex):
      tables[table]?.constraints.insert(name)
      if hasIndex {
        relations.insert(name)
        indexes.insert(name)
      }
    case .dropConstraint(let table, let name):
      tables[table]?.constraints.remove(name)
    case .createExtension:
      break
    }
  }
}

/// The idempotent pattern that makes a failing operation safe, as the seeds' fixes do.
enum SafePattern {
  /// A `SeparateDatabaseAndState` that runs guarded SQL and keeps the operation for Django's
  /// state; for a `RunSQL`, the guarded statement itself.
  static func suggestion(for action: DatabaseAction, problem: SchemaSimulation.Problem) -> String {
    if case .createExtension(let name) = action.change {
      return "install the package that provides \(name) on this server (Debian: postgresql-contrib"
        + " for the contrib extensions), or have the provider allow it, before the migration runs"
    }
    guard let sql = guardedSQL(action.change) else {
      return "apply the migration that creates \(problem.table ?? "the table") first, or check"
        + " information_schema.columns in a RunPython before changing the column"
    }
    if action.operation.hasPrefix("RunSQL") || action.operation.hasPrefix("state only") {
      return "make the statement idempotent: \(sql)"
    }
    var original = action.operation
    let abbreviated = ["CreateModel", "AddField", "AlterField", "AddIndex", "AddConstraint"]
    if abbreviated.contains(where: original.hasPrefix), original.hasSuffix(")") {
      original = String(original.dropLast()) + ", …)"
    }
    return """
      migrations.SeparateDatabaseAndState(
          database_operations=[
              migrations.RunSQL(\(Python.string(sql)), reverse_sql=migrations.RunSQL.noop),
          ],
          state_operations=[
              migrations.\(original),
          ],
      )
      """
  }

  /// `to_regclass` of a name as the server would parse it, quoted where it needs to be.
  private static func regclass(_ name: String) -> String {
    "to_regclass(\(SQL.literal(SQL.quoteIdent(name))))"
  }

  private static func guardedSQL(_ change: DatabaseAction.Change) -> String? {
    let quote = SQL.identifier
    let literal = SQL.literal
    switch change {
    case .createTable(let table, _):
      return "CREATE TABLE IF NOT EXISTS \(quote(table)) (…)"
    case .dropTable(let table):
      return "DROP TABLE IF EXISTS \(quote(table))"
    case .renameTable(let from, let to):
      return "DO "
        + SQL.dollarQuoted(
          " BEGIN IF \(regclass(from)) IS NOT NULL AND \(regclass(to)) IS NULL"
            + " THEN ALTER TABLE \(quote(from)) RENAME TO \(quote(to)); END IF; END ")
    case .addColumn(let table, let column):
      return "ALTER TABLE \(quote(table)) ADD COLUMN IF NOT EXISTS \(quote(column)) …"
    case .dropColumn(let table, let column):
      return "ALTER TABLE \(quote(table)) DROP COLUMN IF EXISTS \(quote(column))"
    case .alterColumn, .renameColumn:
      return nil
    case .addIndex(let table, let name):
      return "CREATE INDEX IF NOT EXISTS \(quote(name)) ON \(quote(table)) (…)"
    case .dropIndex(let name):
      return "DROP INDEX IF EXISTS \(quote(name))"
    case .renameIndex(_, let from, let to):
      return "DO "
        + SQL.dollarQuoted(
          " BEGIN IF \(regclass(from)) IS NOT NULL AND \(regclass(to)) IS NULL"
            + " THEN ALTER INDEX \(quote(from)) RENAME TO \(quote(to)); END IF; END ")
    case .addConstraint(let table, let name, _):
      return "DO "
        + SQL.dollarQuoted(
          " BEGIN IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = \(literal(name))"
            + " AND conrelid = \(regclass(table))) THEN ALTER TABLE \(quote(table))"
            + " ADD CONSTRAINT \(quote(name)) …; END IF; END ")
    case .dropConstraint(let table, let name):
      return "ALTER TABLE \(quote(table)) DROP CONSTRAINT IF EXISTS \(quote(name))"
    case .createExtension:
      return nil
    }
  }
}
