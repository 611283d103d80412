import DriftModel

/// Migrations a framework itself records as failed: a Flyway row with `success = false`, a
/// golang-migrate version left `dirty`.
///
/// Each is an error in its own environment whatever the others hold: the framework will not run
/// another migration there until the row is repaired, so two environments failed alike are not
/// "in sync".
enum FailedMigrations {
  static func findings(in snapshots: [Snapshot], filter: SchemaFilter) -> [Finding] {
    var findings: [Finding] = []
    for snapshot in snapshots {
      let environment = snapshot.environment.name
      for table in snapshot.migrationTables
      where table.unreadableReason == nil && filter.includes(table.schema) {
        for row in table.rows where !row.success {
          findings.append(finding(row, table: table, environment: environment))
        }
      }
    }
    return findings
  }

  private static func finding(_ row: MigrationRow, table: MigrationTable, environment: String)
    -> Finding
  {
    let state = table.framework == .golangMigrate ? "dirty" : "failed"
    return Finding(
      kind: FindingKind(.migration, .failed),
      schema: table.schema,
      table: table.name,
      name: row.qualifiedName,
      values: [environment: state + (row.appliedAt.map { " \($0)" } ?? "")],
      severity: .error,
      statement: .failedMigration(
        framework: table.framework, version: row.name, description: row.description,
        environment: environment, schema: table.schema),
      environment: environment,
      migration: row.qualifiedName
    )
  }
}
