import DriftModel
import Foundation
import PostgresClient

/// Reads every migration-history table of a database in one statement.
///
/// The tables are found first (with whether this role may read them); the readable ones are read
/// with a single `UNION ALL` over names quoted by `PQescapeIdentifier`, so a database with 1,000
/// tenant schemas costs two round trips, not 1,000. Each branch ends in `OFFSET 0`, which keeps
/// the planner from pulling the branches up into one flat append: pulled up, planning took time
/// quadratic in the number of tables (1.1 s for 1,000, against 0.17 s this way).
enum MigrationHistoryReader {
  /// One row of the migration-history read: one branch per table, all alike.
  struct HistoryRow {
    /// The row's values in select-list order; `nil` is SQL NULL.
    let raw: [String?]

    /// The table's place among those read; negative for the Rails environment of table `-1 - n`.
    var table: Int? { raw[0].flatMap { Int($0) } }
    /// A Django row's app.
    var app: String? { raw[1] }
    /// A Django row's name.
    var name: String? { raw[2] }
    /// A Django row's time, in UTC.
    var appliedAt: String? { raw[3] }
    /// Any other table's row as JSON.
    var json: String? { raw[4] }
  }

  static func read(_ connection: Connection) throws -> ([MigrationTable], [UnreadableObject]) {
    var tables: [MigrationTable] = []
    var unreadable: [UnreadableObject] = []
    var branches: [String] = []
    var metadata: [String: String] = [:]
    for row in try connection.query(CatalogQueries.migrationTables).rows.map(
      CatalogQueries.MigrationTableRow.init(raw:))
    {
      let schema = row.schema ?? ""
      let name = row.name ?? ""
      if name == "ar_internal_metadata" {
        if row.readable {
          metadata[schema] =
            try connection.quoteIdentifier(schema) + "." + connection.quoteIdentifier(name)
        }
        continue
      }
      guard let framework = MigrationTable.Framework.allCases.first(where: { $0.tableName == name })
      else { continue }
      guard row.readable, row.hasExpectedColumns else {
        // A table of that name without Django's columns is not read as one, so that it cannot
        // make the whole environment unreadable.
        let reason =
          row.readable
          ? "\(name) has no app, name and applied (timestamp) columns: not Django's"
          : "permission denied for table \(name)"
        tables.append(
          MigrationTable(schema: schema, name: name, framework: framework, unreadableReason: reason)
        )
        unreadable.append(UnreadableObject(schema: schema, object: name, reason: reason))
        continue
      }
      let qualified =
        try connection.quoteIdentifier(schema) + "." + connection.quoteIdentifier(name)
      let key = tables.count
      switch framework {
      case .django:
        branches.append(
          """
          (SELECT \(key), t.app::text, t.name::text, pg_catalog.to_char(t.applied::timestamptz
            AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), NULL::text FROM \(qualified) t
           OFFSET 0)
          """
        )
      default:
        branches.append(
          "(SELECT \(key), NULL::text, NULL::text, NULL::text, pg_catalog.to_jsonb(t)::text"
            + " FROM \(qualified) t OFFSET 0)"
        )
      }
      tables.append(MigrationTable(schema: schema, name: name, framework: framework))
    }
    // Rails' environment, read beside each schema_migrations (any table shape: the key is taken
    // from the row as JSON, so a table of that name without a `key` column reads as nothing).
    for (key, table) in tables.enumerated()
    where table.framework == .schemaMigrations && table.unreadableReason == nil {
      guard let qualified = metadata[table.schema] else { continue }
      branches.append(
        "(SELECT \(-1 - key), NULL::text, NULL::text, NULL::text, pg_catalog.to_jsonb(t)::text"
          + " FROM \(qualified) t WHERE pg_catalog.to_jsonb(t) ->> 'key' = 'environment'"
          + " OFFSET 0)")
    }
    guard !branches.isEmpty else { return (tables, unreadable) }
    let result = try connection.query(branches.joined(separator: "\nUNION ALL\n"))
    var rowsByTable: [Int: [MigrationRow]] = [:]
    var flywayRows: [Int: [FlywayRow]] = [:]
    for row in result.rows.map(HistoryRow.init(raw:)) {
      guard let key = row.table else { continue }
      if key < 0 {
        let object = JSONRow(row.json ?? "{}")
        if tables.indices.contains(-1 - key) {
          tables[-1 - key].environmentName = object.text("value")
        }
        continue
      }
      let framework = tables[key].framework
      if framework == .django {
        rowsByTable[key, default: []].append(
          MigrationRow(app: row.app ?? "", name: row.name ?? "", appliedAt: row.appliedAt))
        continue
      }
      let object = JSONRow(row.json ?? "{}")
      switch framework {
      case .flyway:
        flywayRows[key, default: []].append(FlywayRow(object))
      case .alembic:
        rowsByTable[key, default: []].append(
          MigrationRow(app: "alembic", name: object.text("version_num") ?? ""))
      case .schemaMigrations, .golangMigrate:
        // golang-migrate's table has a `dirty` column; Rails' has only `version`.
        if object.has("dirty") { tables[key].framework = .golangMigrate }
        rowsByTable[key, default: []].append(
          MigrationRow(
            app: "schema_migrations", name: object.text("version") ?? "",
            success: !(object.flag("dirty") ?? false)))
      case .django:
        break
      }
    }
    for (key, rows) in flywayRows { rowsByTable[key] = FlywayRow.effective(rows) }
    for (key, rows) in rowsByTable {
      tables[key].rows = rows.sorted { ($0.app, $0.name) < ($1.app, $1.name) }
    }
    for key in tables.indices where tables[key].framework == .golangMigrate {
      tables[key].environmentName = nil
    }
    return (tables, unreadable)
  }

  /// Turns `2026-11-20T03:00:00.123456+00:00` (to_jsonb's form, UTC session) into ISO seconds.
  static func normalizeTimestamp(_ text: String) -> String {
    guard text.count >= 19 else { return text }
    return String(text.prefix(19)) + "Z"
  }
}

/// One row of a migration table as `to_jsonb` gives it.
struct JSONRow {
  private let object: [String: Any]

  init(_ json: String) {
    object =
      (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]) ?? [:]
  }

  /// Whether the row has the column, whatever its value.
  func has(_ key: String) -> Bool { object[key] != nil }

  /// A text or number column as text.
  func text(_ key: String) -> String? {
    switch object[key] {
    case let value as String: value
    case let value as NSNumber: value.stringValue
    default: nil
    }
  }

  /// A boolean column.
  func flag(_ key: String) -> Bool? { (object[key] as? NSNumber)?.boolValue }
}

/// A row of `flyway_schema_history`, and the history it adds up to.
///
/// The table is a log: a repeatable migration gets a row each time its checksum changes, an undo
/// (`UNDO_SQL`, Flyway Teams) takes its version back, and `flyway repair` marks removed rows
/// `DELETE` in recent versions. What a database holds is the last word on each version (or each
/// repeatable's description), in `installed_rank` order.
struct FlywayRow {
  var rank: Int
  var version: String?
  var description: String
  var type: String
  var checksum: String?
  var installedOn: String?
  var success: Bool

  init(_ row: JSONRow) {
    rank = row.text("installed_rank").flatMap { Int($0) } ?? 0
    version = row.text("version")
    description = row.text("description") ?? ""
    type = row.text("type") ?? ""
    checksum = row.text("checksum")
    installedOn = row.text("installed_on").map(MigrationHistoryReader.normalizeTimestamp)
    success = row.flag("success") ?? true
  }

  /// The migrations in effect: per version (or repeatable description), the last row by
  /// `installed_rank`, without the versions undone or deleted since.
  static func effective(_ rows: [FlywayRow]) -> [MigrationRow] {
    var current: [String: FlywayRow] = [:]
    for row in rows.sorted(by: { $0.rank < $1.rank }) {
      let key = row.version ?? "R \(row.description)"
      let type = row.type.uppercased()
      if type.hasPrefix("UNDO_") || type == "DELETE" {
        if row.success { current[key] = nil }
        continue
      }
      current[key] = row
    }
    return current.map { key, row in
      MigrationRow(
        app: "flyway", name: key, appliedAt: row.installedOn, description: row.description,
        checksum: row.checksum, success: row.success)
    }
  }
}
