import DriftCollect
import DriftModel
import Foundation
import PostgresClient
import TestSupport
import Testing

@Suite("Snapshots stay consistent while migrations run", .enabled(if: TestPostgres.isAvailable))
struct ConsistencyTests {
  /// Checks every snapshot taken while another session commits migrations.
  ///
  /// Each migration (a table, its index, an index rename and its django_migrations row) commits
  /// in one transaction; every snapshot must show it entirely or not at all, indexes included,
  /// which a second connection reads.
  @Test func aSnapshotNeverMixesBeforeAndAfterAMigration() throws {
    let database = try TestPostgres.createDatabase(
      "consistency",
      sql: """
        CREATE TABLE django_migrations (id serial PRIMARY KEY, app text NOT NULL, name text NOT NULL,
          applied timestamptz NOT NULL DEFAULT now());
        CREATE TABLE app_renamed (id int PRIMARY KEY, v text);
        CREATE INDEX app_renamed_step_0 ON app_renamed (v);
        """
    )
    defer { database.drop() }
    var script = ""
    for step in 1...300 {
      script += """
        BEGIN;
        CREATE TABLE app_model\(step) (id int PRIMARY KEY, v text);
        CREATE INDEX app_model\(step)_v_idx ON app_model\(step) (v);
        ALTER INDEX app_renamed_step_\(step - 1) RENAME TO app_renamed_step_\(step);
        INSERT INTO django_migrations (app, name) VALUES ('app', '\(String(format: "%04d", step))_model');
        COMMIT;

        """
    }
    let migrator = Process()
    migrator.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    migrator.arguments = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", database.name]
    let input = Pipe()
    migrator.standardInput = input
    migrator.standardOutput = FileHandle.nullDevice
    try migrator.run()
    let data = Data(script.utf8)
    let writer = Thread {
      input.fileHandleForWriting.write(data)
      try? input.fileHandleForWriting.close()
    }
    writer.start()

    let collector = SnapshotCollector()
    var snapshots = 0
    var sawPartialProgress = false
    while migrator.isRunning || snapshots < 3 {
      let snapshot = try collector.collect(
        name: "db",
        connectionString: ConnectionString(database.conninfo)
      )
      snapshots += 1
      let rows = Set(snapshot.migrationTables.flatMap(\.rows).map(\.name))
      let tables = try #require(snapshot.schema(named: "public")).tables
      let models = tables.filter { $0.name.hasPrefix("app_model") }
      let renamed = tables.first { $0.name == "app_renamed" }?.indexes.map(\.name).filter {
        $0.contains("step")
      }
      #expect(renamed == ["app_renamed_step_\(rows.count)"], "index names from another moment")
      #expect(rows.count == models.count, "rows and tables disagree in snapshot \(snapshots)")
      for table in models {
        let step = Int(table.name.dropFirst("app_model".count)) ?? 0
        #expect(rows.contains(String(format: "%04d_model", step)))
        #expect(
          table.indexes.map(\.name).contains("\(table.name)_v_idx"),
          "index read outside the snapshot")
      }
      if !rows.isEmpty, rows.count < 300 { sawPartialProgress = true }
      if snapshots > 200 { break }
    }
    migrator.waitUntilExit()
    #expect(migrator.terminationStatus == 0)
    #expect(snapshots >= 3)
    if !sawPartialProgress {
      print("consistency: the migrations finished before a snapshot caught them half way")
    }
  }
}
