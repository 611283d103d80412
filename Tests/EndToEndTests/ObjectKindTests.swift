import Foundation
import TestSupport
import Testing

/// Kinds of object and properties that were once invisible: a pair of databases that differ in
/// just one gives exactly that finding.
@Suite("Every kind of object", .enabled(if: TestPostgres.isAvailable), .serialized)
struct ObjectKindTests {
  /// What both databases hold.
  static let objects = """
    CREATE TABLE invoices (id int PRIMARY KEY, due_on date, note text);
    CREATE VIEW open_invoices AS SELECT id FROM invoices;
    CREATE MATERIALIZED VIEW invoice_days AS SELECT due_on FROM invoices;
    CREATE INDEX invoice_days_idx ON invoice_days (due_on);
    CREATE FUNCTION audit() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;
    CREATE AGGREGATE total(integer) (sfunc = int4pl, stype = integer, initcond = '0');
    CREATE TYPE floatrange AS RANGE (subtype = float8);
    CREATE TABLE parent (a int);
    CREATE TABLE child () INHERITS (parent);
    CREATE FOREIGN DATA WRAPPER kinds_fdw;
    CREATE SERVER kinds_remote FOREIGN DATA WRAPPER kinds_fdw
      OPTIONS (host 'db-a', fetch_size '100');
    CREATE USER MAPPING FOR CURRENT_USER SERVER kinds_remote
      OPTIONS (user 'app', password 'kinds-mapping-secret');
    CREATE FOREIGN TABLE remote_invoices (id int) SERVER kinds_remote
      OPTIONS (table_name 'invoices');
    """

  /// The statement only the second database runs, and the finding it must give.
  static let cases: [(statement: String, kind: String, name: String, severity: String)] = [
    ("ALTER TABLE invoices SET (fillfactor = 70)", "table.changed", "invoices", "info"),
    ("ALTER TABLE invoices REPLICA IDENTITY FULL", "table.changed", "invoices", "info"),
    (
      "ALTER VIEW open_invoices SET (security_barrier = true)", "view.changed", "open_invoices",
      "warning"
    ),
    (
      "ALTER TABLE invoices ALTER COLUMN due_on SET STATISTICS 500", "column.changed", "due_on",
      "info"
    ),
    (
      "ALTER TABLE invoices ALTER COLUMN note SET STORAGE EXTERNAL", "column.changed", "note",
      "info"
    ),
    (
      "ALTER TABLE invoices ALTER COLUMN note SET COMPRESSION pglz", "column.changed", "note",
      "info"
    ),
    (
      "CREATE RULE keep AS ON DELETE TO invoices DO INSTEAD NOTHING", "rule.missing", "keep",
      "warning"
    ),
    (
      "CREATE STATISTICS invoice_stats (ndistinct) ON id, due_on FROM invoices",
      "statistics.missing", "invoice_stats", "warning"
    ),
    (
      "CREATE EVENT TRIGGER audit_ddl ON ddl_command_end EXECUTE FUNCTION audit()",
      "event_trigger.missing", "audit_ddl", "warning"
    ),
    (
      "CREATE OR REPLACE AGGREGATE total(integer) (sfunc = int4pl, stype = integer, initcond = '1')",
      "function.changed", "total(integer)", "warning"
    ),
    (
      "DROP TYPE floatrange; CREATE TYPE floatrange AS RANGE (subtype = float8,"
        + " subtype_diff = float8mi)", "type.changed", "floatrange", "error"
    ),
    (
      "DROP TABLE child; CREATE TABLE child (a int) INHERITS (parent)", "column.changed", "a",
      "error"
    ),
    (
      "CREATE PUBLICATION invoices_pub FOR TABLE invoices", "publication.missing", "invoices_pub",
      "warning"
    ),
    (
      "COMMENT ON INDEX invoice_days_idx IS 'by day'", "index.changed", "invoice_days_idx",
      "info"
    ),
    (
      "CREATE FOREIGN DATA WRAPPER other_fdw", "foreign_data_wrapper.missing", "other_fdw",
      "warning"
    ),
    (
      "ALTER SERVER kinds_remote OPTIONS (SET fetch_size '500')", "foreign_server.changed",
      "kinds_remote", "warning"
    ),
    (
      "CREATE USER MAPPING FOR PUBLIC SERVER kinds_remote", "user_mapping.missing", "PUBLIC",
      "warning"
    ),
    (
      "ALTER FOREIGN TABLE remote_invoices OPTIONS (SET table_name 'bills')", "table.changed",
      "remote_invoices", "warning"
    ),
    (
      "DO $$ BEGIN EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC',"
        + " current_database()); END $$", "privilege.changed", "PUBLIC", "info"
    ),
  ]

  static func findings(_ a: TestDatabase, _ b: TestDatabase) throws -> [[String: Any]] {
    try Envdrift.findings(comparing: "dbname=\(a.name)", with: "dbname=\(b.name)")
  }

  /// The findings of comparing `a` with `b` as `kind name` lines.
  static func lines(_ a: TestDatabase, _ b: TestDatabase) throws -> [String] {
    try findings(a, b).map { "\($0["kind"] ?? "") \($0["name"] ?? "")" }
  }

  /// Creates tablespace `quoted` (an SQL identifier) inside the server's own directory, which
  /// needs no directory of the test's; returns what drops it again.
  static func createInPlaceTablespace(_ quoted: String) throws -> () -> Void {
    try TestPostgres.runPSQL(
      database: "postgres",
      arguments: [
        "-c", "SET allow_in_place_tablespaces = on", "-c",
        "CREATE TABLESPACE \(quoted) LOCATION ''",
      ])
    return {
      _ = try? TestPostgres.runPSQL(
        database: "postgres", arguments: ["-c", "DROP TABLESPACE IF EXISTS \(quoted)"])
    }
  }

  /// `database`'s snapshot file as `envdrift snapshot` writes it, and what it said on stderr.
  static func snapshotText(_ database: TestDatabase) throws -> String {
    let snapshot = try Envdrift.run(["snapshot", "b=dbname=\(database.name)", "--output", "-"])
    #expect(snapshot.status == 0, "\(snapshot.error)")
    return snapshot.output + snapshot.error
  }

  @Test func eachDifferenceIsOneFindingOfItsKindAndAnIdenticalPairHasNone() throws {
    let base = try TestPostgres.createDatabase("kinds_base", sql: Self.objects)
    defer { base.drop() }
    #expect(try Self.findings(base, base).isEmpty)
    for (statement, kind, name, severity) in Self.cases {
      let other = try TestPostgres.createDatabase(
        "kinds_other", sql: Self.objects + statement + ";")
      defer { other.drop() }
      let found = try Self.findings(base, other)
      let lines = found.map {
        "\($0["kind"] ?? "") \($0["name"] ?? "") \($0["severity"] ?? "") \($0["aspect"] ?? "")"
      }
      #expect(found.count == 1, "\(statement): \(lines)")
      #expect(found.first?["kind"] as? String == kind, "\(statement): \(lines)")
      #expect(found.first?["name"] as? String == name, "\(statement): \(lines)")
      #expect(found.first?["severity"] as? String == severity, "\(statement): \(lines)")
    }
  }

  @Test func aSubscriptionIsComparedAndItsConnectionStringNeverRead() throws {
    let secret = "sub-secret-\(UUID().uuidString.prefix(8))"
    let base = try TestPostgres.createDatabase("kinds_sub_a", sql: Self.objects)
    let other = try TestPostgres.createDatabase("kinds_sub_b", sql: Self.objects)
    defer {
      _ = try? other.load("DROP SUBSCRIPTION IF EXISTS invoices_sub;")
      base.drop()
      other.drop()
    }
    try other.load(
      """
      CREATE SUBSCRIPTION invoices_sub
        CONNECTION 'host=127.0.0.1 port=1 dbname=nowhere password=\(secret)'
        PUBLICATION invoices_pub WITH (connect = false, slot_name = NONE);
      """)
    #expect(try Self.lines(base, other) == ["subscription.missing invoices_sub"])
    let snapshot = try Self.snapshotText(other)
    #expect(snapshot.contains("invoices_sub"))
    #expect(!snapshot.contains(secret))
    // The user mapping's password is kept as a redacted name; no other password is.
    #expect(
      !snapshot.replacingOccurrences(of: "password=(redacted)", with: "").contains("password"))
  }

  @Test func aServersAddressAndAMappingsPasswordAreNeitherDriftNorKept() throws {
    let secret = "kinds-other-secret-\(UUID().uuidString.prefix(8))"
    let base = try TestPostgres.createDatabase("kinds_fdw_a", sql: Self.objects)
    let other = try TestPostgres.createDatabase(
      "kinds_fdw_b",
      sql: Self.objects + """
        ALTER SERVER kinds_remote OPTIONS (SET host 'db-b', ADD dsn 'host=x password=\(secret)');
        ALTER USER MAPPING FOR CURRENT_USER SERVER kinds_remote
          OPTIONS (SET password '\(secret)');
        """)
    defer {
      base.drop()
      other.drop()
    }
    // The added `dsn` option is a difference; its value, and the address, are not.
    #expect(try Self.lines(base, other) == ["foreign_server.changed kinds_remote"])
    let snapshot = try Self.snapshotText(other)
    #expect(snapshot.contains("\"password=(redacted)\""))
    #expect(snapshot.contains("\"host=db-b\""))
    #expect(!snapshot.contains(secret))
    #expect(!snapshot.contains("kinds-mapping-secret"))
  }

  @Test func aRoleThatMayNotSeeAMappingsOptionsSaysSoAndItsSnapshotCompletes() throws {
    let role = "kinds_minimal_\(UUID().uuidString.prefix(6).lowercased())"
    try TestPostgres.runPSQL(database: "postgres", arguments: ["-c", "CREATE ROLE \(role) LOGIN"])
    let base = try TestPostgres.createDatabase("kinds_minimal", sql: Self.objects)
    defer {
      base.drop()
      _ = try? TestPostgres.runPSQL(
        database: "postgres", arguments: ["-c", "DROP ROLE IF EXISTS \(role)"])
    }
    let result = try Envdrift.run([
      "compare", "owner=dbname=\(base.name)", "minimal=dbname=\(base.name) user=\(role)",
      "--format", "json", "--output", "-",
    ])
    #expect(result.status == 1, "\(result.error)")
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
    let findings = document["findings"] as? [[String: Any]] ?? []
    let mappings = findings.filter { $0["kind"] as? String == "user_mapping.changed" }
    #expect(mappings.count == 1, "\(findings)")
    let values = mappings.first?["values"] as? [String: Any]
    #expect(values?["minimal"] as? String == "options not readable by the connecting role")
    #expect(values?["owner"] as? String == "OPTIONS (password=(redacted), user=app)")
  }

  @Test func aTableMovedToAnotherTablespaceIsAStorageChange() throws {
    let tablespace = "kinds_space_\(UUID().uuidString.prefix(6).lowercased())"
    let dropTablespace = try Self.createInPlaceTablespace(tablespace)
    let base = try TestPostgres.createDatabase("kinds_space_a", sql: Self.objects)
    let other = try TestPostgres.createDatabase(
      "kinds_space_b",
      sql: Self.objects + "ALTER TABLE invoices SET TABLESPACE \(tablespace);")
    defer {
      base.drop()
      other.drop()
      dropTablespace()
    }
    let found = try Self.findings(base, other)
    #expect(
      found.map { "\($0["kind"] ?? "") \($0["name"] ?? "") \($0["aspect"] ?? "")" } == [
        "table.changed invoices storage"
      ])
  }

  @Test func anIndexInAnotherTablespaceIsAStorageChangeThatTheFixMovesBack() throws {
    let tablespace = "kinds_index space \(UUID().uuidString.prefix(6).lowercased())"
    let quoted = "\"\(tablespace)\""
    let dropTablespace = try Self.createInPlaceTablespace(quoted)
    let moved = try TestPostgres.createDatabase(
      "kinds_index_space_a",
      sql: Self.objects + "CREATE INDEX invoices_due_on ON invoices (due_on) TABLESPACE \(quoted);")
    let other = try TestPostgres.createDatabase(
      "kinds_index_space_b",
      sql: Self.objects + "CREATE INDEX invoices_due_on ON invoices (due_on);")
    defer {
      moved.drop()
      other.drop()
      dropTablespace()
    }
    let found = try Self.findings(moved, other)
    #expect(
      found.map { "\($0["kind"] ?? "") \($0["name"] ?? "") \($0["aspect"] ?? "")" } == [
        "index.changed invoices_due_on storage"
      ])
    let values = found.first?["values"] as? [String: Any]
    #expect(values?["a"] as? String == "TABLESPACE \(tablespace)")
    // The tablespace survives the snapshot file: the file compares clean with its database.
    let file = FileManager.default.temporaryDirectory.appendingPathComponent(
      "envdrift-index-space-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: file) }
    let written = try Envdrift.run(["snapshot", "a=dbname=\(moved.name)", "--output", file.path])
    #expect(written.status == 0, "\(written.error)")
    #expect(
      try String(contentsOf: file, encoding: .utf8).contains(#""tablespace": "\#(tablespace)""#))
    #expect(
      Envdrift.schemaFindings(
        try Envdrift.findings(comparing: file.path, with: "dbname=\(moved.name)")
      ).isEmpty)
    #expect(values?["b"] is NSNull || values?["b"] == nil, "\(values ?? [:])")
    let fix = try #require(found.first?["fix"] as? String)
    #expect(fix.contains("ALTER INDEX IF EXISTS public.invoices_due_on SET TABLESPACE \(quoted);"))
    // With the default tablespace as the reference, the fix moves it back into the target
    // database's default tablespace, by name.
    let back = try Self.findings(other, moved)
    #expect(back.map { "\($0["kind"] ?? "") \($0["aspect"] ?? "")" } == ["index.changed storage"])
    let backFix = try #require(back.first?["fix"] as? String)
    #expect(
      backFix.contains("ALTER INDEX IF EXISTS public.invoices_due_on SET TABLESPACE pg_default;"))

    try TestPostgres.runPSQL(database: other.name, arguments: ["-c", fix])
    #expect(try Self.findings(moved, other).isEmpty)
    let copy = try TestPostgres.createDatabase(
      "kinds_index_space_c",
      sql: Self.objects + "CREATE INDEX invoices_due_on ON invoices (due_on);")
    defer { copy.drop() }
    try TestPostgres.runPSQL(database: moved.name, arguments: ["-c", backFix])
    #expect(try Self.findings(copy, moved).isEmpty)
  }

  @Test func tenantsWithTheSameRuleOnTheirOwnTablesAgreeAndOneWithoutDiffers() throws {
    func tenant(_ name: String, rule: Bool) -> String {
      """
      CREATE SCHEMA \(name);
      CREATE TABLE \(name).django_migrations (
        id serial PRIMARY KEY, app varchar(255), name varchar(255), applied timestamptz);
      CREATE TABLE \(name).invoices (id int, due_on date);
      CREATE STATISTICS \(name).invoice_stats (ndistinct) ON id, due_on FROM \(name).invoices;
      \(rule ? "CREATE RULE keep AS ON DELETE TO \(name).invoices DO INSTEAD NOTHING;" : "")
      """
    }
    let database = try TestPostgres.createDatabase(
      "kinds_tenants",
      sql: tenant("acme", rule: true) + tenant("globex", rule: true) + tenant("demo", rule: false))
    defer { database.drop() }
    let result = try Envdrift.run([
      "tenants", "prod=dbname=\(database.name)", "--reference", "acme", "--format", "json",
      "--output", "-",
    ])
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any],
      "\(result.error)")
    let findings = document["findings"] as? [[String: Any]] ?? []
    let lines = findings.map {
      "\($0["kind"] ?? "") \($0["schema"] ?? "") \($0["name"] ?? "")"
    }
    #expect(lines == ["rule.missing demo keep"], "\(lines)")
  }
}
