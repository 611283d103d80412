import Foundation
import TestSupport
import Testing

/// envdrift never stands in a migration's way: a relation another session holds locked is
/// marked and left out, and DDL never waits behind envdrift longer than one catalog statement.
@Suite("Lock interference", .serialized, .enabled(if: TestPostgres.isAvailable))
struct LockInterferenceTests {
  static let schema = """
    CREATE TABLE orders (id bigint PRIMARY KEY, total numeric DEFAULT 0 CHECK (total >= 0));
    CREATE INDEX orders_total ON orders (total) WHERE total > 0;
    CREATE VIEW order_totals AS SELECT id, total FROM orders;
    CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);
    CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
    CREATE TABLE customers (id bigint PRIMARY KEY, name text);
    """

  /// A migration's transaction: `ALTER TABLE` on a table a view reads and on a partitioned
  /// table, held open for `seconds`.
  static func migration(seconds: Int) -> String {
    """
    BEGIN;
    ALTER TABLE orders ADD COLUMN note text;
    LOCK TABLE events IN ACCESS EXCLUSIVE MODE;
    SELECT pg_sleep(\(seconds));
    ROLLBACK;
    """
  }

  @Test func aLockedTableItsViewAndAPartitionedTableAreMarkedAndTheRestCompared() throws {
    let busy = try TestPostgres.createDatabase(
      "locks_busy", sql: Self.schema + "ALTER TABLE customers ADD COLUMN email text;")
    defer { busy.drop() }
    let quiet = try TestPostgres.createDatabase("locks_quiet", sql: Self.schema)
    defer { quiet.drop() }
    let migration = try BackgroundPSQL(database: busy.name, script: Self.migration(seconds: 10))
    defer { migration.stop() }
    try Self.waitForLock(on: busy, relation: "events")

    let started = Date()
    let result = try Envdrift.run([
      "compare", "busy=dbname=\(busy.name)", "quiet=dbname=\(quiet.name)", "--baseline", "quiet",
      "--format", "json", "--lock-timeout", "10",
    ])
    let elapsed = Date().timeIntervalSince(started)
    #expect(migration.isRunning, "the migration still holds its locks")
    #expect(result.status == 1, "\(result.error)")
    #expect(elapsed < 5, "envdrift waited \(elapsed) s for the migration's locks")
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
    let findings = try #require(document["findings"] as? [[String: Any]])
    #expect(
      findings.map { "\($0["kind"] ?? "") \($0["table"] ?? "-") \($0["name"] ?? "")" } == [
        "column.missing customers email"
      ], "only the real difference: nothing about the relations that could not be read")
    let environments = try #require(document["environments"] as? [[String: Any]])
    let busyStatus = try #require(environments.first { $0["name"] as? String == "busy" })
    #expect(busyStatus["status"] as? String == "drifted")
    let unreadable = try #require(busyStatus["unreadable"] as? [[String: Any]])
    #expect(
      unreadable.map { "\($0["kind"] ?? "") \($0["object"] ?? "")" }.sorted() == [
        "relation events", "relation events_2026", "relation order_totals", "relation orders",
      ])
    let view = unreadable.first { $0["object"] as? String == "order_totals" }
    #expect((view?["reason"] as? String)?.hasPrefix("it reads public.orders") == true)

    let markdown = try Envdrift.run([
      "compare", "busy=dbname=\(busy.name)", "quiet=dbname=\(quiet.name)", "--baseline", "quiet",
      "--output", "-",
    ])
    #expect(markdown.output.contains("🔒 4 relations locked by DDL in progress, not compared"))
    let text = try Envdrift.run([
      "compare", "busy=dbname=\(busy.name)", "quiet=dbname=\(quiet.name)", "--baseline", "quiet",
      "--output", "/dev/null", "--force",
    ])
    #expect(text.output.contains("4 relations locked by DDL in progress"))

    let tenants = try Envdrift.run([
      "tenants", "busy=dbname=\(busy.name)", "--format", "json",
    ])
    #expect(tenants.status != 3, "\(tenants.error)")
  }

  /// Waits until the background session holds its lock on `relation`.
  static func waitForLock(on database: TestDatabase, relation: String) throws {
    for _ in 0..<100 {
      let held = try database.scalar(
        """
        SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
        WHERE c.relname = '\(relation)' AND l.mode = 'AccessExclusiveLock' AND l.granted
        """)
      if held != "0" { return }
      Thread.sleep(forTimeInterval: 0.1)
    }
    Issue.record("the background session never took its lock on \(relation)")
  }
}
