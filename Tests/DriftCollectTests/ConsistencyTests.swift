import DriftModel
import Foundation
import PostgresClient
import TestSupport
import Testing

@testable import DriftCollect

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
    let migrator = try BackgroundPSQL(database: database.name, script: script)
    defer { migrator.stop() }

    let collector = SnapshotCollector()
    var snapshots = 0
    var sawPartialProgress = false
    var changing = 0
    while migrator.isRunning || snapshots < 3 {
      let snapshot: Snapshot
      do {
        snapshot = try collector.collect(
          name: "db",
          connectionString: ConnectionString(database.conninfo)
        )
      } catch is CatalogChangingError {
        // Migrations committed back to back: saying so is right, mixing them is not.
        changing += 1
        if changing > 1_000 { break }
        continue
      }
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
    #expect(migrator.wait() == 0)
    #expect(snapshots >= 3)
    if !sawPartialProgress {
      print("consistency: the migrations finished before a snapshot caught them half way")
    }
  }
}

/// Definitions, not only names: while another session renames columns and indexes, replaces a
/// view and drops and creates tables in a loop, every snapshot shows one moment of that loop, or
/// says the environment is changing; never a mix, never an internal error.
@Suite("Snapshots under concurrent DDL", .enabled(if: TestPostgres.isAvailable))
struct ConcurrentDDLTests {
  static let steps = 80

  /// A snapshot; the previous one's connection may still be closing on the server, which
  /// a role allowed one connection meets as "too many connections": that is waited out.
  static func collect(_ collector: SnapshotCollector, _ conninfo: String) throws -> Snapshot {
    var attempt = 0
    while true {
      do {
        return try collector.collect(name: "db", connectionString: ConnectionString(conninfo))
      } catch let error as PostgresError
        where error.message.contains("too many connections") && attempt < 50
      {
        attempt += 1
        Thread.sleep(forTimeInterval: 0.02)
      }
    }
  }

  /// How the snapshots of ``everySnapshotIsOneMomentOrChangingNeverAMix(_:)`` are taken.
  enum Connections: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// The usual three: the reads, the indexes, the moment kept.
    case three
    /// A role allowed a single connection: no second one reads the indexes and no third keeps
    /// the moment, so the opening fingerprint is taken before the first statement.
    case one
    /// The third connection's kept transaction is ended from outside again and again (as a
    /// server's idle timeout or a pooler would): those snapshots are taken again the old way.
    case keptMomentLost

    var testDescription: String { rawValue }
  }

  @Test(arguments: Connections.allCases)
  func everySnapshotIsOneMomentOrChangingNeverAMix(_ connections: Connections) throws {
    let oneConnection = connections == .one
    var setup = """
      CREATE TABLE django_migrations (id serial PRIMARY KEY, app text NOT NULL,
        name text NOT NULL, applied timestamptz NOT NULL DEFAULT now());
      CREATE TABLE t (c_0 integer CONSTRAINT t_check CHECK (c_0 > 0));
      CREATE INDEX t_idx_0 ON t (c_0);
      CREATE VIEW v_0 AS SELECT c_0 FROM t;

      """
    for step in 1...Self.steps { setup += "CREATE TABLE drop_\(step) (id integer);\n" }
    let role = "consistency_one_\(UUID().uuidString.prefix(6).lowercased())"
    if oneConnection {
      setup += "CREATE ROLE \(role) LOGIN CONNECTION LIMIT 1;\n"
      setup += "GRANT SELECT ON django_migrations TO \(role);\n"
    }
    let database = try TestPostgres.createDatabase("concurrent_ddl", sql: setup)
    defer {
      database.drop()
      if oneConnection {
        _ = try? TestPostgres.runPSQL(
          database: "postgres", arguments: ["-c", "DROP ROLE IF EXISTS \(role)"])
      }
    }
    let conninfo = database.conninfo + (oneConnection ? " user=\(role)" : "")
    var script = ""
    for step in 1...Self.steps {
      script += """
        BEGIN;
        ALTER TABLE t RENAME COLUMN c_\(step - 1) TO c_\(step);
        ALTER INDEX t_idx_\(step - 1) RENAME TO t_idx_\(step);
        DROP VIEW v_\(step - 1);
        CREATE VIEW v_\(step) AS SELECT c_\(step) FROM t;
        DROP TABLE drop_\(step);
        CREATE TABLE made_\(step) (id integer);
        INSERT INTO django_migrations (app, name) VALUES ('app', '\(step)');
        COMMIT;
        SELECT pg_sleep(0.1);

        """
    }
    let migrator = try BackgroundPSQL(database: database.name, script: script)
    defer { migrator.stop() }
    let killing = ManagedFlag()
    let killed = Counter()
    if connections == .keptMomentLost {
      let name = database.name
      Thread.detachNewThread {
        guard let killer = try? Connection(ConnectionString("dbname=\(name)")) else { return }
        while !killing.isDone {
          let ended = try? killer.query(
            """
            SELECT count(pg_catalog.pg_terminate_backend(pid)) FROM pg_catalog.pg_stat_activity
            WHERE datname = pg_catalog.current_database() AND application_name = 'envdrift'
              AND state = 'idle in transaction'
            """
          ).rows.first?[0]
          for _ in 0..<(Int(ended.flatMap { $0 } ?? "0") ?? 0) { killed.increment() }
          Thread.sleep(forTimeInterval: 0.01)
        }
      }
    }
    defer { killing.finish() }

    let collector = SnapshotCollector()
    var consistent = 0
    var changing = 0
    var locked = 0
    var moments = Set<Int>()
    for _ in 0..<(oneConnection ? 100 : 200) {
      let snapshot: Snapshot
      do {
        snapshot = try Self.collect(collector, conninfo)
      } catch let error as CatalogChangingError {
        #expect(error.attempts == SnapshotCollector.maximumAttempts)
        changing += 1
        continue
      } catch {
        Issue.record("a snapshot failed: \(error)")
        break
      }
      consistent += 1
      let step = snapshot.migrationTables.flatMap(\.rows).count
      moments.insert(step)
      let publicSchema = try #require(snapshot.schema(named: "public"))
      let table = try #require(publicSchema.table(named: "t"))
      let column = "c_\(step)"
      // A relation the next migration held locked when the snapshot began is not deparsed: it
      // is marked unreadable instead, and its definitions are absent, never of another moment.
      let unread = Set(
        snapshot.unreadable.filter { $0.isRelation && $0.schema == "public" }.map(\.object))
      if !unread.isEmpty { locked += 1 }
      #expect(table.columns.map(\.name) == [column], "step \(step)")
      if !unread.contains("t") {
        #expect(
          table.indexes.map { "\($0.name) \($0.definition)" } == [
            "t_idx_\(step) USING btree (\(column))"
          ],
          "step \(step): \(table.indexes)")
        #expect(
          table.constraints.filter { $0.kind == .check }.map(\.definition)
            == ["CHECK ((\(column) > 0))"], "step \(step): \(table.constraints)")
      }
      #expect(publicSchema.views.map(\.name) == ["v_\(step)"], "step \(step)")
      if unread.contains("v_\(step)") {
        #expect(publicSchema.views.first?.definition.isEmpty == true, "step \(step)")
      } else {
        #expect(
          publicSchema.views.first?.definition.contains(column) == true,
          "step \(step): \(publicSchema.views.map(\.definition)), unread \(unread.sorted())")
      }
      let names = Set(publicSchema.tables.map(\.name))
      let dropped = Set(names.filter { $0.hasPrefix("drop_") })
      let made = Set(names.filter { $0.hasPrefix("made_") })
      #expect(
        dropped == Set(((step + 1)..<(Self.steps + 1)).map { "drop_\($0)" }), "step \(step)")
      #expect(made == Set(step >= 1 ? (1...step).map { "made_\($0)" } : []), "step \(step)")
    }
    killing.finish()
    #expect(migrator.wait() == 0)
    #expect(consistent + changing == (oneConnection ? 100 : 200))
    if connections == .keptMomentLost { #expect(killed.value > 0, "no kept moment was ended") }
    // Between two steps the catalogs rest for a tenth of a second: most snapshots fit in one
    // such pause, so they are taken at many moments of the loop, not only before and after it.
    #expect(moments.count >= 5, "\(moments.sorted())")
    print(
      "concurrent DDL (\(connections.rawValue)): \(consistent) consistent snapshots at"
        + " \(moments.count) moments (\(locked) with a relation the next migration held"
        + " locked), \(changing) changing, \(killed.value) kept moments ended")
  }
}

/// Busy applications are not DDL: other sessions' temporary tables and `TRUNCATE`s, which
/// write catalog rows all day, never make a snapshot be taken again.
@Suite("Snapshots beside a busy application", .enabled(if: TestPostgres.isAvailable))
struct BusyApplicationTests {
  @Test func temporaryTablesAndTruncatesElsewhereNeverMakeASnapshotChanging() throws {
    let database = try TestPostgres.createDatabase(
      "busy", sql: "CREATE TABLE staging (id integer); CREATE VIEW v AS SELECT id FROM staging;")
    defer { database.drop() }
    var script = ""
    for step in 1...4_000 {
      script += """
        CREATE TEMP TABLE scratch_\(step) (id integer PRIMARY KEY, note text DEFAULT 'x');
        TRUNCATE staging;
        DROP TABLE scratch_\(step);

        """
    }
    let application = try BackgroundPSQL(database: database.name, script: script)
    defer { application.stop() }
    var taken = 0
    while application.isRunning && taken < 40 {
      #expect(throws: Never.self) {
        _ = try SnapshotCollector().collect(
          name: "db", connectionString: ConnectionString(database.conninfo))
      }
      taken += 1
    }
    #expect(taken >= 5)
  }
}

@Suite("The collector's session", .enabled(if: TestPostgres.isAvailable))
struct CollectorSessionTests {
  /// Every statement after the session settings runs read-only, and waits for a lock no longer
  /// than the catalog lock timeout.
  @Test func writesAfterTheSessionSettingsFailWith25006() throws {
    let database = try TestPostgres.createDatabase(
      "collector_session", sql: "CREATE TABLE t (x int);")
    defer { database.drop() }
    // A name of its own keeps this deliberate write out of envdrift's sessions in the server log.
    let options = ConnectionOptions(lockTimeoutMilliseconds: 5_000, applicationName: "client-test")
    let connection = try database.connect(options: options)
    try connection.query(CatalogQueries.session, [String(options.catalogLockTimeoutMilliseconds)])
    let error = try #require(throws: PostgresError.self) {
      try connection.query("INSERT INTO public.t VALUES (1)")
    }
    #expect(error.sqlState == "25006")
    #expect(try connection.query("SHOW lock_timeout").rows == [["200ms"]])
    #expect(try database.scalar("SELECT count(*) FROM t") == "0")
  }
}
