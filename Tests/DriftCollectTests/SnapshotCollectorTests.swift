import DriftCollect
import DriftCompare
import DriftModel
import Foundation
import PostgresClient
import TestSupport
import Testing

@Suite("Collecting snapshots from PostgreSQL", .enabled(if: TestPostgres.isAvailable))
struct SnapshotCollectorTests {
  static let fixedTime = Date(timeIntervalSince1970: 1_763_935_200)

  static func snapshot(_ database: TestDatabase, name: String = "env") throws -> Snapshot {
    try SnapshotCollector().collect(
      name: name,
      source: database.name,
      connection: database.connect(),
      now: fixedTime
    )
  }

  static func seed(_ environment: String) throws -> TestDatabase {
    let directory = TestFixtures.repositoryRoot.appendingPathComponent("examples/seed-incident")
    let database = try TestPostgres.createDatabase("collect_\(environment)")
    try TestPostgres.runPSQL(
      database: database.name,
      arguments: ["-f", directory.appendingPathComponent("\(environment).sql").path]
    )
    return database
  }

  @Test func aDjangoTenantsDatabaseIsReadPerTenantSchema() throws {
    let database = try Self.seed("prod")
    defer { database.drop() }
    let snapshot = try Self.snapshot(database, name: "prod")

    #expect(snapshot.environment.name == "prod")
    #expect(snapshot.environment.database == database.name)
    #expect(snapshot.environment.collectedAt == "2025-11-23T22:00:00Z")
    #expect(snapshot.environment.envdriftVersion == EnvdriftVersion.current)
    #expect(snapshot.schemas.map(\.name) == ["acme", "demo", "globex", "public"])
    #expect(
      snapshot.tenantRegistry
        == TenantRegistry(table: "public.tenants_client", schemas: ["acme", "demo", "globex"]))
    #expect(snapshot.migrationTables.map(\.schema) == ["acme", "demo", "globex", "public"])

    let publicRows = try #require(snapshot.migrationTables.first { $0.schema == "public" }?.rows)
    #expect(publicRows.count == 9)
    let domain = try #require(publicRows.first { $0.qualifiedName == "tenants.0005_client_domain" })
    #expect(domain.appliedAt == "2025-11-20T12:00:00Z")
    let demoRows = try #require(snapshot.migrationTables.first { $0.schema == "demo" }?.rows)
    #expect(!demoRows.contains { $0.app == "finance" })
    #expect(snapshot.schema(named: "demo")?.table(named: "finance_invoice") == nil)

    let domainTable = try #require(snapshot.schema(named: "public")?.table(named: "tenants_domain"))
    let index = try #require(
      domainTable.indexes.first { $0.name == "tenants_ten_domain_6df599_idx" })
    #expect(index.definition == "USING btree (domain, is_primary)")
    let foreignKey = try #require(
      domainTable.constraints.first { $0.name == "tenants_domain_tenant_id_fk" })
    #expect(foreignKey.kind == .foreignKey)
    #expect(
      foreignKey.definition
        == "FOREIGN KEY (tenant_id) REFERENCES public.tenants_client(id) DEFERRABLE INITIALLY DEFERRED"
    )
    let column = try #require(domainTable.columns.first { $0.name == "domain" })
    #expect(column.type == "character varying(253)")
    #expect(column.notNull)
    let invoice = try #require(snapshot.schema(named: "acme")?.table(named: "finance_invoice"))
    #expect(
      invoice.columns.first { $0.name == "id" }?.defaultValue
        == "nextval('acme.finance_invoice_id_seq'::regclass)")
  }

  @Test func aDatabaseComparedWithItsOwnSnapshotFileHasNoDrift() throws {
    let database = try Self.seed("dev")
    defer { database.drop() }
    let live = try Self.snapshot(database, name: "dev")
    let data = try SnapshotFile.encode(live)
    let loaded = try SnapshotFile.decode(data, path: "dev.json")
    #expect(loaded == live.asWritten)
    #expect(try SnapshotFile.encode(loaded) == data)

    var file = loaded
    file.environment.name = "file"
    let comparison = Comparer().compare(
      [CollectedEnvironment(snapshot: file), CollectedEnvironment(snapshot: live)],
      baseline: "dev",
      generatedAt: ""
    )
    #expect(comparison.findings.isEmpty)
  }

  @Test func theSameIndexUnderTwoNamesHasTheSameDefinition() throws {
    let database = try TestPostgres.createDatabase(
      "collect_index",
      sql: """
        CREATE SCHEMA a; CREATE SCHEMA "B b";
        CREATE TABLE a.t (x int, y text); CREATE TABLE "B b".t (x int, y text);
        CREATE UNIQUE INDEX one ON a.t (x) WHERE y IS NOT NULL;
        CREATE UNIQUE INDEX "Other Name" ON "B b".t (x) WHERE y IS NOT NULL;
        """
    )
    defer { database.drop() }
    let snapshot = try Self.snapshot(database)
    let first = try #require(snapshot.schema(named: "a")?.table(named: "t")?.indexes.first)
    let second = try #require(snapshot.schema(named: "B b")?.table(named: "t")?.indexes.first)
    #expect(first.definition == "UNIQUE USING btree (x) WHERE (y IS NOT NULL)")
    #expect(first.definition == second.definition)
    #expect(first.predicate == "(y IS NOT NULL)")
    #expect(first.isUnique && !first.isPrimary && first.isValid)
  }

  @Test func hostileIdentifiersRoundTripExactly() throws {
    let long = String(repeating: "x", count: 63)
    let names = [
      "we|ird`name", "<img src=x onerror=alert(1)>", "*bold* _it_", "new\nline", "Ünïcødé 🐘",
      "select", long, "quo\"te",
    ]
    var sql = "CREATE SCHEMA \"sch|ema\";\n"
    for (offset, name) in names.enumerated() {
      let quoted = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
      sql += "CREATE TABLE \"sch|ema\".\(quoted) (\(quoted) int, c\(offset) text);\n"
      sql += "CREATE INDEX \(quoted.dropLast())_i\" ON \"sch|ema\".\(quoted) (\(quoted));\n"
        .replacingOccurrences(of: long + "_i", with: String(long.dropLast(2)) + "_i")
    }
    let database = try TestPostgres.createDatabase("collect_hostile", sql: sql)
    defer { database.drop() }
    let snapshot = try Self.snapshot(database)
    let schema = try #require(snapshot.schema(named: "sch|ema"))
    #expect(Set(schema.tables.map(\.name)) == Set(names))
    for table in schema.tables {
      #expect(table.columns.contains { $0.name == table.name })
      #expect(table.indexes.count == 1)
    }
    let loaded = try SnapshotFile.decode(SnapshotFile.encode(snapshot), path: "x.json")
    #expect(loaded == snapshot.asWritten)
  }

  @Test func aMigrationTableTheRoleCannotReadIsRecordedAndTheRestCompletes() throws {
    let role = "envdrift_limited_\(UUID().uuidString.prefix(6).lowercased())"
    let database = try Self.seed("prod")
    defer {
      database.drop()
      _ = try? TestPostgres.runPSQL(
        database: "postgres", arguments: ["-c", "DROP ROLE IF EXISTS \(role)"])
    }
    try database.load(
      """
      CREATE ROLE \(role) LOGIN;
      GRANT USAGE ON SCHEMA acme, demo, globex TO \(role);
      GRANT SELECT ON ALL TABLES IN SCHEMA public, acme, globex TO \(role);
      """
    )
    let connection = try Connection(ConnectionString("dbname=\(database.name) user=\(role)"))
    let snapshot = try SnapshotCollector().collect(
      name: "prod", source: database.name, connection: connection)
    let demo = try #require(snapshot.migrationTables.first { $0.schema == "demo" })
    #expect(demo.unreadableReason == "permission denied for table django_migrations")
    #expect(demo.rows.isEmpty)
    #expect(
      snapshot.unreadable == [
        UnreadableObject(
          schema: "demo", object: "django_migrations",
          reason: "permission denied for table django_migrations")
      ])
    #expect(snapshot.migrationTables.first { $0.schema == "acme" }?.rows.isEmpty == false)
    #expect(snapshot.schema(named: "public")?.table(named: "tenants_domain") != nil)
  }

  @Test func aDatabaseWithoutMigrationTablesIsFine() throws {
    let database = try TestPostgres.createDatabase(
      "collect_plain", sql: "CREATE TABLE t (id int PRIMARY KEY);")
    defer { database.drop() }
    let snapshot = try Self.snapshot(database)
    #expect(snapshot.migrationTables.isEmpty)
    #expect(snapshot.tenantRegistry == nil)
    #expect(snapshot.schema(named: "public")?.tables.map(\.name) == ["t"])
  }

  @Test func otherFrameworksMigrationTablesAreReadWithTheirOwnMeaning() throws {
    let database = try TestPostgres.createDatabase(
      "collect_frameworks",
      sql: """
        CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50),
          description varchar(200), type varchar(20), script varchar(1000), checksum int,
          installed_by varchar(100), installed_on timestamp DEFAULT now(), execution_time int,
          success boolean);
        -- Inserted out of rank order: the log is read by installed_rank, not by storage order.
        INSERT INTO flyway_schema_history VALUES
          (6, NULL, 'views', 'SQL', 'R__views.sql', 222, 'me', '2025-01-06 00:00:00', 1, true),
          (1, '1', 'init', 'SQL', 'V1__init.sql', 12345, 'me', '2025-01-02 03:04:05', 10, true),
          (2, '2', 'broken', 'SQL', 'V2__broken.sql', -5, 'me', '2025-01-03 03:04:05', 10, false),
          (3, NULL, 'views', 'SQL', 'R__views.sql', 111, 'me', '2025-01-04 00:00:00', 1, true),
          (4, '3', 'extra', 'SQL', 'V3__extra.sql', 7, 'me', '2025-01-05 00:00:00', 1, true),
          (5, '3', 'extra', 'UNDO_SQL', 'U3__extra.sql', 8, 'me', '2025-01-05 01:00:00', 1, true);
        CREATE SCHEMA py; CREATE TABLE py.alembic_version (version_num varchar(32) PRIMARY KEY);
        INSERT INTO py.alembic_version VALUES ('ae1027a6acf');
        CREATE SCHEMA go; CREATE TABLE go.schema_migrations (version bigint PRIMARY KEY, dirty boolean);
        INSERT INTO go.schema_migrations VALUES (20250101120000, true);
        CREATE SCHEMA rails;
        CREATE TABLE rails.schema_migrations (version varchar PRIMARY KEY);
        INSERT INTO rails.schema_migrations VALUES ('20250101000000'), ('20250102000000');
        CREATE TABLE rails.ar_internal_metadata (key varchar PRIMARY KEY, value varchar,
          created_at timestamp(6) NOT NULL DEFAULT now(), updated_at timestamp(6) NOT NULL DEFAULT now());
        INSERT INTO rails.ar_internal_metadata (key, value)
          VALUES ('environment', 'production'), ('schema_sha1', 'abc');
        -- A table of that name in another shape is no Rails metadata, and breaks nothing.
        CREATE TABLE go.ar_internal_metadata (id int);
        """
    )
    defer { database.drop() }
    let snapshot = try Self.snapshot(database)
    let flyway = try #require(snapshot.migrationTables.first { $0.framework == .flyway })
    #expect(
      flyway.rows.map { "\($0.name) \($0.checksum ?? "-") \($0.success)" } == [
        "1 12345 true", "2 -5 false", "R views 222 true",
      ],
      "the repeatable's last run counts, and version 3 was undone")
    #expect(flyway.rows[0].appliedAt == "2025-01-02T03:04:05Z")
    #expect(
      snapshot.migrationTables.first { $0.framework == .alembic }?.rows.map(\.name) == [
        "ae1027a6acf"
      ])
    let golang = try #require(snapshot.migrationTables.first { $0.framework == .golangMigrate })
    #expect(golang.schema == "go")
    #expect(golang.rows.map(\.name) == ["20250101120000"])
    #expect(golang.rows.first?.success == false)
    #expect(golang.environmentName == nil)
    let rails = try #require(snapshot.migrationTables.first { $0.framework == .schemaMigrations })
    #expect(rails.schema == "rails")
    #expect(rails.rows.map(\.name) == ["20250101000000", "20250102000000"])
    #expect(rails.environmentName == "production")
    let file = try SnapshotFile.decode(SnapshotFile.encode(snapshot), path: "frameworks.json")
    #expect(file == snapshot.asWritten, "the new fields survive a snapshot file")
  }

  @Test func aRangeTypesImplicitConstructorsAreItsDefinitionNotFunctionsOfTheirOwn() throws {
    let narrow = try TestPostgres.createDatabase(
      "collect_range_a", sql: "CREATE TYPE public.span AS RANGE (subtype = integer);")
    defer { narrow.drop() }
    let wide = try TestPostgres.createDatabase(
      "collect_range_b", sql: "CREATE TYPE public.span AS RANGE (subtype = bigint);")
    defer { wide.drop() }
    let left = try Self.snapshot(narrow, name: "a")
    let right = try Self.snapshot(wide, name: "b")
    #expect(left.schema(named: "public")?.functions.isEmpty == true)
    let comparison = Comparer().compare(
      [CollectedEnvironment(snapshot: left), CollectedEnvironment(snapshot: right)],
      baseline: "b", generatedAt: "2026-11-21T03:00:00Z")
    #expect(
      comparison.findings.map { "\($0.kind) \($0.name)" } == ["type.changed span"],
      "one finding for the changed subtype, none for the constructors that follow it")
    let same = Comparer().compare(
      [CollectedEnvironment(snapshot: left), CollectedEnvironment(snapshot: left)],
      baseline: "a", generatedAt: "2026-11-21T03:00:00Z")
    #expect(same.findings.isEmpty)
  }

  /// What each major has that the others lack is read where it exists: NOT NULL constraint rows
  /// and virtual generated columns from 18, and every extension's default version.
  @Test func eachMajorsOwnCatalogContentIsRead() throws {
    let probe = try TestPostgres.createDatabase("collect_major")
    defer { probe.drop() }
    let major = try Int(probe.scalar("SHOW server_version_num")).map { $0 / 10_000 } ?? 0
    var sql = "CREATE TABLE t (a integer NOT NULL, s integer GENERATED ALWAYS AS (a * 2) STORED);"
    if major >= 18 {
      sql += "ALTER TABLE t ADD COLUMN v integer GENERATED ALWAYS AS (a * 3) VIRTUAL;"
    }
    try probe.load(sql)
    let snapshot = try Self.snapshot(probe)
    #expect(snapshot.environment.major == major)
    let table = try #require(snapshot.schemas.first { $0.name == "public" }?.table(named: "t"))
    let stored = try #require(table.columns.first { $0.name == "s" })
    #expect(stored.generatedStorage == nil)
    #expect(stored.summary == "integer GENERATED ALWAYS AS ((a * 2)) STORED")
    let notNullRows = table.constraints.filter { $0.kind == .notNull }.map(\.name)
    #expect(notNullRows == (major >= 18 ? ["t_a_not_null"] : []))
    if major >= 18 {
      let virtual = try #require(table.columns.first { $0.name == "v" })
      #expect(virtual.generatedStorage == .virtual)
      #expect(virtual.summary == "integer GENERATED ALWAYS AS ((a * 3)) VIRTUAL")
    }
    let plpgsql = snapshot.extensions.first { $0.name == "plpgsql" }
    #expect(plpgsql?.defaultVersion == "1.0")
  }

  @Test func extensionObjectsBelongToTheExtensionNotTheSchema() throws {
    let sql = "CREATE EXTENSION citext; CREATE EXTENSION pg_trgm;"
    if let missing = try TestPostgres.lacks(for: sql) {
      print("skipped: this PostgreSQL build lacks \(missing)")
      return
    }
    let database = try TestPostgres.createDatabase("collect_extension", sql: sql)
    defer { database.drop() }
    let snapshot = try Self.snapshot(database)
    #expect(Set(snapshot.extensions.map(\.name)).isSuperset(of: ["citext", "pg_trgm", "plpgsql"]))
    let publicSchema = try #require(snapshot.schema(named: "public"))
    #expect(publicSchema.functions.isEmpty)
    #expect(publicSchema.types.isEmpty)
  }

  @Test func everyObjectKindIsCaptured() throws {
    let database = try TestPostgres.createDatabase(
      "collect_kinds",
      sql: """
        CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
        CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
        CREATE TABLE items (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, qty positive,
          m mood DEFAULT 'ok', double_qty int GENERATED ALWAYS AS (qty * 2) STORED,
          name text COLLATE "C");
        COMMENT ON TABLE items IS 'things';
        CREATE VIEW item_names AS SELECT name FROM items;
        CREATE MATERIALIZED VIEW item_counts AS SELECT count(*) AS n FROM items;
        CREATE SEQUENCE counter START 5 INCREMENT 2;
        CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
        CREATE TRIGGER items_touch BEFORE UPDATE ON items FOR EACH ROW EXECUTE FUNCTION touch();
        ALTER TABLE items ENABLE ROW LEVEL SECURITY;
        CREATE POLICY mine ON items FOR SELECT USING (qty > 1);
        CREATE TABLE events (at date NOT NULL) PARTITION BY RANGE (at);
        CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
        CREATE UNLOGGED TABLE scratch (x int);
        CREATE TABLE parent (a int); CREATE TABLE child (b int) INHERITS (parent);
        CREATE COLLATION german (provider = libc, locale = 'C');
        """
    )
    defer { database.drop() }
    let schema = try #require(try Self.snapshot(database).schema(named: "public"))
    let items = try #require(schema.table(named: "items"))
    #expect(items.comment == "things")
    #expect(items.rowSecurity)
    #expect(items.columns.first { $0.name == "id" }?.identity == "always")
    #expect(items.columns.first { $0.name == "double_qty" }?.generated == "((qty)::integer * 2)")
    #expect(items.columns.first { $0.name == "name" }?.collation == "pg_catalog.\"C\"")
    #expect(items.columns.first { $0.name == "m" }?.type == "public.mood")
    #expect(items.triggers.map(\.name) == ["items_touch"])
    #expect(
      items.policies.first?.summary
        == "PERMISSIVE FOR SELECT TO public USING (((qty)::integer > 1))")
    #expect(schema.types.first { $0.name == "mood" }?.definition == "'sad', 'ok', 'happy'")
    #expect(schema.types.first { $0.name == "positive" }?.kind == .domain)
    #expect(schema.views.map(\.name) == ["item_counts", "item_names"])
    #expect(schema.views.first { $0.name == "item_names" }?.dependsOn == ["public.items"])
    #expect(schema.sequences.first { $0.name == "counter" }?.start == "5")
    #expect(schema.functions.map(\.signature) == ["touch()"])
    #expect(schema.table(named: "events")?.kind == .partitioned)
    #expect(schema.table(named: "events_2025")?.partitionOf == "public.events")
    #expect(schema.table(named: "scratch")?.unlogged == true)
    #expect(schema.table(named: "child")?.inherits == ["public.parent"])
    #expect(schema.collations.map(\.name) == ["german"])
  }
}

@Suite struct SnapshotFileTests {
  static func richSnapshot() -> Snapshot {
    let hostile = "we\"ird\\ <name>\n\t\u{1}ü🐘"
    var table = Table(
      name: hostile,
      kind: .partitioned,
      unlogged: true,
      owner: "o",
      rowSecurity: true,
      partitionKey: "RANGE (a)",
      inherits: ["p.q"],
      comment: "c",
      columns: [
        Column(name: hostile, position: 1, type: "text", defaultValue: "'x'::text", collation: "C")
      ],
      indexes: [
        Index(name: "i", definition: "USING btree (a)", predicate: "(a > 0)", constraint: "k")
      ],
      constraints: [
        Constraint(name: "k", kind: .unique, definition: "UNIQUE (a)", deferrable: true)
      ],
      triggers: [Trigger(name: "t", definition: "CREATE TRIGGER t …")],
      policies: [Policy(name: "p", command: "ALL", using: "true")],
      privileges: [Privilege(grantee: "PUBLIC", privileges: ["SELECT"])]
    )
    table.partitionBound = "FOR VALUES FROM (1) TO (2)"
    return Snapshot(
      environment: EnvironmentInfo(
        name: "e", source: "s", serverVersion: "15", serverVersionNumber: 150_000),
      schemas: [
        Schema(
          name: "s",
          owner: "o",
          comment: hostile,
          tables: [table],
          views: [View(name: "v", materialized: true, definition: "SELECT 1", dependsOn: ["s.t"])],
          sequences: [SequenceDefinition(name: "q", ownedBy: "t.a")],
          types: [TypeDefinition(name: "e", kind: .enum, definition: "'a'")],
          functions: [FunctionDefinition(name: "f", arguments: "integer", comment: "x")],
          collations: [
            Collation(
              name: "c", provider: "icu", collate: "und", ctype: "und", deterministic: false)
          ]
        ),
        Schema(name: "empty"),
      ],
      extensions: [Extension(name: "citext", version: "1.6", schema: "public")],
      migrationTables: [
        MigrationTable(
          schema: "s",
          rows: [
            MigrationRow(
              app: "a", name: "0001", appliedAt: "2025-01-01T00:00:00Z", checksum: "1",
              success: false)
          ]),
        MigrationTable(schema: "t", unreadableReason: "permission denied"),
      ],
      tenantRegistry: TenantRegistry(table: "public.c", schemas: ["s"]),
      unreadable: [
        UnreadableObject(schema: "t", object: "django_migrations", reason: "permission denied")
      ]
    )
  }

  @Test func theFastWriterSaysExactlyWhatJSONEncoderWouldSay() throws {
    let snapshot = Self.richSnapshot()
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let reference =
      try JSONSerialization.jsonObject(with: encoder.encode(snapshot)) as? NSDictionary
    let written = try SnapshotFile.encode(snapshot)
    let parsed = try JSONSerialization.jsonObject(with: written) as? NSDictionary
    #expect(parsed == reference)
    #expect(
      try SnapshotFile.decode(written, path: "x.json")
        == {
          var sorted = snapshot
          sorted.sort()
          return sorted
        }())
    let text = String(decoding: written, as: UTF8.self)
    #expect(text.hasPrefix("{\n  \"environment\": {\n    \"collectedAt\": \"\","))
    #expect(text.hasSuffix("}\n"))
  }

  /// A snapshot with every optional value present, so that every key of the model's
  /// `Codable` form is written.
  static func everyFieldSnapshot() -> Snapshot {
    var snapshot = richSnapshot()
    snapshot.extensions[0].defaultVersion = "1.8"
    snapshot.unreadable[0].kind = .relation
    snapshot.migrationTables[0].environmentName = "production"
    snapshot.migrationTables[0].rows[0].description = "add users"
    snapshot.schemas[0].tables[0].columns.append(
      Column(
        name: "g", position: 2, type: "integer", identity: "a", generated: "(1 + 1)",
        generatedStorage: .virtual, comment: "c"))
    snapshot.schemas[0].tables[0].indexes[0].comment = "c"
    snapshot.schemas[0].tables[0].policies[0].withCheck = "false"
    snapshot.schemas[0].views[0].comment = "c"
    snapshot.schemas[0].types[0].comment = "c"
    return snapshot
  }

  @Test func everyKeyTheModelEncodesIsDeclaredInTheFormatAndReadBack() throws {
    let snapshot = Self.everyFieldSnapshot()
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let reference =
      try JSONSerialization.jsonObject(with: encoder.encode(snapshot)) as? NSDictionary
    let written = try SnapshotFile.encode(snapshot)
    #expect(try JSONSerialization.jsonObject(with: written) as? NSDictionary == reference)
    let read = try #require(SnapshotFile.fastDecode(written))
    #expect(read == (try SnapshotFile.decodeWithFoundation(written, path: "x.json")))
    var sorted = snapshot
    sorted.sort()
    #expect(read == sorted)
  }

  @Test(arguments: ["dev", "uat", "prod"])
  func theStreamingReaderReadsRealFilesAsJSONDecoderDoes(environment: String) throws {
    let file = TestFixtures.repositoryRoot.appendingPathComponent(
      "Tests/DriftReportTests/Golden/\(environment).snapshot.json")
    let data = try Data(contentsOf: file)
    let fast = try #require(SnapshotFile.fastDecode(data))
    #expect(fast == (try SnapshotFile.decodeWithFoundation(data, path: "x.json")))
    #expect(try SnapshotFile.read(path: file.path) == fast)
  }

  @Test func theStreamingReaderReadsAnyLayoutEscapesAndUnknownKeysAsJSONDecoderDoes() throws {
    let written = try SnapshotFile.encode(Self.richSnapshot())
    var extra = try #require(try JSONSerialization.jsonObject(with: written) as? [String: Any])
    extra["addedByAnotherTool"] = ["nested": [1, 2.5, -3e2, true, NSNull(), "x\u{1F418}/"]]
    for options: JSONSerialization.WritingOptions in [
      [], [.prettyPrinted], [.withoutEscapingSlashes],
    ] {
      let data = try JSONSerialization.data(withJSONObject: extra, options: options)
      let fast = try #require(SnapshotFile.fastDecode(data))
      #expect(fast == (try SnapshotFile.decodeWithFoundation(data, path: "x.json")))
    }
    let escaped = Data(
      String(decoding: written, as: UTF8.self)
        .replacingOccurrences(
          of: #""name": "empty""#, with: #""name": "e\u006dp\/ty \ud83d\udc18""#
        )
        .utf8)
    let fast = try #require(SnapshotFile.fastDecode(escaped))
    #expect(fast.schemas.contains { $0.name == "emp/ty 🐘" })
    #expect(fast == (try SnapshotFile.decodeWithFoundation(escaped, path: "x.json")))
  }

  @Test(arguments: [
    #"{"formatVersion": 1, "formatVersion": 1}"#, #"{"formatVersion": 1.0}"#,
    #"{"formatVersion": 01}"#, "\u{FEFF}{}", #"{"formatVersion": 1} x"#,
  ])
  func theStreamingReaderLeavesDoubtfulInputToJSONDecoder(text: String) {
    #expect(SnapshotFile.fastDecode(Data(text.utf8)) == nil)
  }

  @Test func aFileOfAFutureFormatIsRefusedWithAnUpgradeHint() {
    let data = Data(#"{"formatVersion": 99, "environment": {}}"#.utf8)
    #expect(throws: SnapshotFileError.unsupportedVersion(path: "f.json", version: 99)) {
      try SnapshotFile.decode(data, path: "f.json")
    }
    #expect(
      SnapshotFileError.unsupportedVersion(path: "f.json", version: 99).description.contains(
        "upgrade envdrift"))
  }

  @Test(arguments: ["", "{", "[1, 2", "not json", "{\"formatVersion\": 1"])
  func truncatedOrInvalidJSONIsNotJSON(text: String) {
    #expect(throws: SnapshotFileError.notJSON(path: "f.json")) {
      try SnapshotFile.decode(Data(text.utf8), path: "f.json")
    }
  }

  @Test func jsonThatIsNotASnapshotSaysWhatIsWrong() throws {
    let error = try #require(throws: SnapshotFileError.self) {
      try SnapshotFile.decode(Data(#"{"formatVersion": 1, "schemas": []}"#.utf8), path: "f.json")
    }
    #expect(error.description.contains("is not an envdrift snapshot"))
    #expect(error.description.contains("environment"))
  }

  @Test func aMissingFileIsReported() {
    #expect(
      throws: SnapshotFileError.unreadable(
        path: "/no/such/file.json", reason: "no such file or directory")
    ) {
      try SnapshotFile.read(path: "/no/such/file.json")
    }
  }
}

extension Snapshot {
  /// The snapshot as a file keeps it: without the cluster's identity, which is never written.
  var asWritten: Snapshot {
    var written = self
    written.database?.cluster = nil
    return written
  }
}
