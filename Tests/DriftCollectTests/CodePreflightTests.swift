import DriftCode
import DriftCollect
import DriftCompare
import DriftModel
import Foundation
import PostgresClient
import TestSupport
import Testing

@Suite(
  "Code versus real databases: each hazard and each safe case",
  .enabled(if: TestPostgres.isAvailable))
struct CodePreflightTests {
  static let fixture = TestFixtures.repositoryRoot.appendingPathComponent(
    "Tests/Fixtures/django-project")

  static func findings(for script: String) throws -> [String] {
    let database = try TestPostgres.createDatabase("code_\(script)")
    defer { database.drop() }
    try TestPostgres.runPSQL(
      database: database.name,
      arguments: ["-f", fixture.appendingPathComponent("\(script).sql").path]
    )
    let snapshot = try SnapshotCollectorTests.snapshot(database, name: "dev")
    let code = try MigrationCodeReader.read(
      .directory(fixture.appendingPathComponent("backend").path))
    return CodeComparer(codeName: "code", code: code).findings(for: snapshot)
      .filter {
        $0.kind.change != .pending || $0.schema == "public" || $0.name.hasPrefix("finance")
      }
      .map {
        "\($0.schema ?? "") \($0.kind.change) \($0.name) \($0.failure ?? $0.kind.change.rawValue)"
      }
      .sorted()
  }

  @Test func theNamesOnlyReadGivesTheSameCodeFindingsAsAFullSnapshot() throws {
    let database = try TestPostgres.createDatabase("code_names")
    defer { database.drop() }
    try TestPostgres.runPSQL(
      database: database.name,
      arguments: ["-f", Self.fixture.appendingPathComponent("migrated.sql").path])
    try database.load(
      """
      CREATE TABLE acme.scratch (x int);
      ALTER TABLE acme.finance_invoice DROP COLUMN due;
      CREATE TABLE public.parted (id int) PARTITION BY RANGE (id);
      CREATE TABLE public.parted_1 PARTITION OF public.parted FOR VALUES FROM (0) TO (10);
      CREATE MATERIALIZED VIEW public.totals AS SELECT 1 AS one;
      CREATE INDEX totals_one ON public.totals (one);
      """)
    let full = try SnapshotCollectorTests.snapshot(database, name: "dev")
    let names = try SnapshotCollector(depth: .names).collect(
      name: "dev", source: database.name, connection: database.connect(),
      now: SnapshotCollectorTests.fixedTime)
    let code = try MigrationCodeReader.read(
      .directory(Self.fixture.appendingPathComponent("backend").path))
    let comparer = CodeComparer(codeName: "code", code: code)
    let fromFull = comparer.findings(for: full)
    #expect(fromFull.contains { $0.kind.change == .unfulfilled })
    #expect(fromFull.contains { $0.kind.change == .unexplained })
    #expect(comparer.findings(for: names) == fromFull)
    #expect(names.tenantSchemas == full.tenantSchemas)
    #expect(names.migrationTables == full.migrationTables)
    #expect(names.schemas.map(\.name) == full.schemas.map(\.name))
    func normalised(_ names: SchemaNames?) -> [String: SchemaNames.Relation] {
      (names?.relations ?? [:]).mapValues { relation in
        var sorted = relation
        sorted.columns.sort()
        sorted.indexes.sort()
        sorted.constraints.sort()
        // Definitions are read only when asked for (explain's renames); a full schema has them.
        sorted.definitions = [:]
        return sorted
      }
    }
    for schema in full.schemas {
      let fromNames = normalised(names.names(of: schema.name))
      #expect(fromNames == normalised(SchemaNames(schema)), "\(schema.name)")
      #expect(!fromNames.isEmpty)
    }
    #expect(normalised(names.names(of: "public"))["parted_1"]?.partitionOf == "public.parted")
    #expect(normalised(names.names(of: "public"))["totals"]?.indexes == ["totals_one"])
  }

  @Test func everyScenarioSchemaGetsExactlyTheFindingsItWasBuiltFor() throws {
    let rename = "tenants.0004_rename_tenants_ten_domain_6df599_idx_tenants_ten_domain_f3abe6_idx"
    #expect(
      try Self.findings(for: "scenarios") == [
        "broken hazard finance.0001_initial DuplicateTable",
        "broken inconsistent finance.0002_invoice_due inconsistent",
        "broken pending finance.0001_initial pending",
        "broken pending finance.0003_remove_invoice_legacy pending",
        "demo pending finance.0001_initial pending",
        "demo pending finance.0002_invoice_due pending",
        "demo pending finance.0003_remove_invoice_legacy pending",
        "dup hazard finance.0001_initial DuplicateTable",
        "dup pending finance.0001_initial pending",
        "dup pending finance.0002_invoice_due pending",
        "dup pending finance.0003_remove_invoice_legacy pending",
        "ghosty ghost finance.0004_invoice_currency ghost",
        "gone hazard finance.0003_remove_invoice_legacy UndefinedColumn",
        "gone hazard finance.0003_remove_invoice_legacy UndefinedObject",
        "gone pending finance.0003_remove_invoice_legacy pending",
        "gone unfulfilled finance.0001_initial unfulfilled",
        "gone unfulfilled finance.0001_initial unfulfilled",
        "idx hazard finance.0002_invoice_due DuplicateTable",
        "idx pending finance.0002_invoice_due pending",
        "idx pending finance.0003_remove_invoice_legacy pending",
        "public hazard \(rename) UndefinedTable",
        "public pending tenants.0003_client_domain pending",
        "public pending \(rename) pending",
        "public unfulfilled tenants.0001_initial unfulfilled",
      ])
  }

  @Test func aFullyMigratedDatabaseHasNoFinding() throws {
    #expect(try Self.findings(for: "migrated") == [])
  }

  /// What verify reads costs a fixed number of statements, however many tenant schemas there are.
  @Test func theStatementsSentDoNotGrowWithTheNumberOfTenants() throws {
    let log = try #require(TestPostgres.serverLog)
    func statements(for script: String) throws -> Int {
      let database = try TestPostgres.createDatabase("count_\(script)")
      defer { database.drop() }
      try TestPostgres.runPSQL(
        database: database.name,
        arguments: ["-f", Self.fixture.appendingPathComponent("\(script).sql").path]
      )
      let application = "envdrift_count_\(script)_\(UInt32.random(in: 0...UInt32.max))"
      let snapshot = try SnapshotCollector(options: ConnectionOptions(applicationName: application))
        .collect(
          name: "dev", connectionString: try ConnectionString(database.conninfo), now: Date())
      #expect(snapshot.tenantSchemas.count == (script == "migrated" ? 1 : 7))
      let text = try String(contentsOfFile: log, encoding: .utf8)
      // The closing catalog checksum runs only when some transaction committed meanwhile
      // (another test's): it depends on the cluster's activity, not on the tenants.
      return text.split(separator: "\n").filter {
        $0.contains(" app=\(application) ")
          && ($0.contains("statement: ") || $0.contains("execute <unnamed>: "))
          && !$0.contains("WITH temporary AS MATERIALIZED")
      }.count
    }
    let one = try statements(for: "migrated")
    let seven = try statements(for: "scenarios")
    #expect(one > 5)
    #expect(one == seven)
  }
}

/// A pending `CreateExtension` is a hazard where the server has no package for the extension.
@Suite("Code versus the server's extensions", .enabled(if: TestPostgres.isAvailable))
struct ExtensionPreflightTests {
  @Test func aPendingExtensionTheServerLacksIsAHazardAndOneItHasIsNot() throws {
    let project = FileManager.default.temporaryDirectory.appendingPathComponent(
      "envdrift-extensions-\(UUID().uuidString)")
    let migrations = project.appendingPathComponent("geo/migrations")
    try FileManager.default.createDirectory(at: migrations, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: project) }
    try "".write(
      to: migrations.appendingPathComponent("__init__.py"), atomically: true, encoding: .utf8)
    try """
    from django.contrib.postgres.operations import CreateExtension
    from django.db import migrations


    class Migration(migrations.Migration):
        initial = True
        dependencies = []
        operations = [
            CreateExtension("envdrift_no_such_extension"),
            CreateExtension("plpgsql"),
        ]
    """.write(
      to: migrations.appendingPathComponent("0001_initial.py"), atomically: true, encoding: .utf8)
    let database = try TestPostgres.createDatabase(
      "code_extensions",
      sql: """
        CREATE TABLE django_migrations (
          id serial PRIMARY KEY, app varchar(255), name varchar(255), applied timestamptz);
        """)
    defer { database.drop() }
    let code = try MigrationCodeReader.read(.directory(project.path))
    #expect(
      code.migrations.first?.operations.map(\.kind) == [.createExtension, .createExtension])
    let names = try SnapshotCollector(depth: .names).collect(
      name: "dev", source: database.name, connection: database.connect(),
      now: SnapshotCollectorTests.fixedTime)
    let full = try SnapshotCollectorTests.snapshot(database, name: "dev")
    for snapshot in [names, full] {
      #expect(snapshot.availableExtensions?.contains("plpgsql") == true)
      let hazards = CodeComparer(codeName: "code", code: code).findings(for: snapshot).filter {
        $0.kind.change == .hazard
      }
      #expect(hazards.count == 1, "\(hazards.map(\.detail))")
      #expect(hazards.first?.detail?.contains("envdrift_no_such_extension") == true)
      #expect(hazards.first?.detail?.contains("plpgsql") == false)
    }
  }

  @Test func djangosNamedExtensionOperationsAreReadAsTheirExtensions() throws {
    let file = """
      from django.contrib.postgres import operations
      from django.db import migrations


      class Migration(migrations.Migration):
          operations = [
              operations.HStoreExtension(),
              operations.TrigramExtension(),
              operations.CITextExtension(),
          ]
      """
    let project = FileManager.default.temporaryDirectory.appendingPathComponent(
      "envdrift-named-extensions-\(UUID().uuidString)")
    let migrations = project.appendingPathComponent("geo/migrations")
    try FileManager.default.createDirectory(at: migrations, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: project) }
    try file.write(
      to: migrations.appendingPathComponent("0001_initial.py"), atomically: true, encoding: .utf8)
    let code = try MigrationCodeReader.read(.directory(project.path))
    let operations = code.migrations.first?.operations ?? []
    #expect(operations.map(\.kind) == [.createExtension, .createExtension, .createExtension])
    #expect(operations.map(\.name) == ["hstore", "pg_trgm", "citext"])
  }
}
