import Foundation
import TestSupport
import Testing

@Suite("envdrift verify and compare with code", .enabled(if: TestPostgres.isAvailable))
struct VerifyTests {
  static let fixture = TestFixtures.repositoryRoot.appendingPathComponent(
    "Tests/Fixtures/django-project")
  static let backend = fixture.appendingPathComponent("backend").path
  static let rename =
    "tenants.0004_rename_tenants_ten_domain_6df599_idx_tenants_ten_domain_f3abe6_idx"

  struct Databases: Sendable {
    var scenarios: TestDatabase
    var migrated: TestDatabase
  }

  static let databases = Result { () throws -> Databases in
    func load(_ script: String) throws -> TestDatabase {
      let database = try TestPostgres.createDatabase("verify_\(script)")
      try TestPostgres.runPSQL(
        database: database.name,
        arguments: ["-f", fixture.appendingPathComponent("\(script).sql").path]
      )
      return database
    }
    return Databases(scenarios: try load("scenarios"), migrated: try load("migrated"))
  }

  @Test func verifyListsEverySchemaThatNeedsMigratingAndExitsOne() throws {
    let databases = try Self.databases.get()
    let result = try Envdrift.run([
      "verify", Self.backend, "dev=dbname=\(databases.scenarios.name)",
      "prod=dbname=\(databases.migrated.name)",
    ])
    #expect(result.status == 1, "\(result.error)")
    let lines = result.output.split(separator: "\n").map(String.init)
    #expect(lines.first == "code \(Self.backend): 7 migrations in 2 apps")
    #expect(
      lines.contains(
        "dev: 8 schemas need migrating, 6 operations will fail, 2 migrations are recorded as"
          + " applied without their effect"))
    #expect(
      lines.contains(
        "  gone: applied, effect absent: finance.0001_initial: column finance_invoice.legacy_code"
          + " is absent"),
      "the column 0003 would remove was dropped by hand while 0001 is recorded")
    #expect(
      lines.contains(
        "  public: will fail: \(Self.rename) RenameIndex(model_name=\"tenantdomain\","
          + " old_name=\"tenants_ten_domain_6df599_idx\", new_name=\"tenants_ten_domain_f3abe6_idx\")"
          + " → UndefinedTable: relation \"tenants_ten_domain_6df599_idx\" does not exist"))
    #expect(
      lines.contains(
        "  demo: pending: finance.0001_initial, finance.0002_invoice_due,"
          + " finance.0003_remove_invoice_legacy, tenants.0003_client_domain, \(Self.rename)"))
    #expect(lines.contains("  ghosty: applied, not in the code: finance.0004_invoice_currency"))
    #expect(lines.contains("prod: every migration in the code is applied"))
    #expect(result.error.isEmpty)
  }

  @Test func verifyExitsZeroWhenEverythingIsApplied() throws {
    let databases = try Self.databases.get()
    let result = try Envdrift.run([
      "verify", Self.backend, "prod=dbname=\(databases.migrated.name)", "--format", "json",
    ])
    #expect(result.status == 0, "\(result.output)\(result.error)")
    let document =
      try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
    #expect((document?["findings"] as? [Any])?.isEmpty == true)
    #expect((document?["code"] as? [String: Any])?["migrations"] as? Int == 7)
  }

  @Test func verifyOfAnUnreachableEnvironmentExitsThree() throws {
    let result = try Envdrift.run([
      "verify", Self.backend, "prod=host=127.0.0.1 port=1 dbname=x connect_timeout=2",
    ])
    #expect(result.status == 3)
    #expect(result.output.contains("prod: unreachable: "))
  }

  @Test(arguments: [
    (["verify", "/nonexistent/backend", "prod=dbname=x"], "is not a directory"),
    (["verify", "Tests/Fixtures/migra", "prod=dbname=x"], "no Django migration files"),
    (
      ["verify", "git:no-such-ref:backend", "prod=dbname=x"],
      "git could not read git:no-such-ref:backend"
    ),
    (["verify", "Tests/Fixtures/django-project/backend"], "needs at least one environment"),
    (
      [
        "compare", "a=Tests/Fixtures/django-project/backend",
        "b=git:HEAD:Tests/Fixtures/django-project/backend",
      ], "are both code"
    ),
    (
      [
        "compare", "code=Tests/Fixtures/django-project/backend", "prod=x.json", "--baseline",
        "code",
      ], "is the code"
    ),
  ])
  func badCodeSourcesGiveOneLineAndExitTwo(arguments: [String], message: String) throws {
    let result = try Envdrift.run(arguments, in: TestFixtures.repositoryRoot)
    #expect(result.status == 2, "\(arguments)")
    let lines = result.error.split(separator: "\n").filter {
      !$0.hasPrefix("Usage:") && !$0.hasPrefix("  See")
    }
    #expect(lines.count == 1, "\(result.error)")
    #expect(result.error.contains(message), "\(result.error)")
  }

  @Test func compareWithCodeReportsHazardsFirstInMarkdownAndJSON() throws {
    let databases = try Self.databases.get()
    let directory = try Envdrift.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let report = directory.appendingPathComponent("report.md").path
    let arguments = [
      "compare", "code=\(Self.backend)", "dev=dbname=\(databases.scenarios.name)",
      "prod=dbname=\(databases.migrated.name)", "--now", "2026-11-21T03:00:00Z",
    ]
    let markdown = try Envdrift.run(arguments + ["--output", report])
    #expect(markdown.status == 1)
    let text = try String(contentsOfFile: report, encoding: .utf8)
    #expect(text.contains("📄 **code** — code at `\(Self.backend)`: 7 migrations in 2 apps"))
    #expect(text.contains("## Code versus database: code (`\(Self.backend)`)"))
    let causes = try #require(text.components(separatedBy: "## Likely causes").last)
    #expect(
      causes.split(separator: "\n").dropFirst().first?.hasPrefix("1. 🔴 dev: applying `") == true)
    #expect(text.contains("state_operations=["))
    #expect(!text.contains("-- migration.hazard"), "Python patterns stay out of the SQL fixes")

    let json = try Envdrift.run(arguments + ["--format", "json"])
    let document = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
    let findings = try #require(document?["findings"] as? [[String: Any]])
    let hazard = try #require(
      findings.first {
        $0["kind"] as? String == "migration.hazard" && $0["schema"] as? String == "public"
      })
    #expect(hazard["name"] as? String == Self.rename)
    #expect(hazard["environment"] as? String == "dev")
    #expect(hazard["severity"] as? String == "error")
    #expect((hazard["values"] as? [String: Any])?["code"] as? String != nil)
    #expect(!findings.contains { $0["environment"] as? String == "prod" })
  }

  @Test func aMigrationRecordedAsAppliedWhoseColumnIsGoneFailsVerifyAndExplainsCompare() throws {
    let databases = try Self.databases.get()
    let faked = try TestPostgres.createDatabase("verify_faked")
    defer { faked.drop() }
    try TestPostgres.runPSQL(
      database: faked.name,
      arguments: ["-f", Self.fixture.appendingPathComponent("migrated.sql").path])
    try faked.load(
      "ALTER TABLE acme.finance_invoice DROP COLUMN due; CREATE TABLE acme.scratch (x int);")
    let verify = try Envdrift.run(["verify", Self.backend, "prod=dbname=\(faked.name)"])
    #expect(verify.status == 1, "\(verify.output)\(verify.error)")
    let lines = verify.output.split(separator: "\n").map(String.init)
    #expect(lines.contains("prod: 1 migration is recorded as applied without its effect"))
    #expect(
      lines.contains(
        "  acme: applied, effect absent: finance.0002_invoice_due: column finance_invoice.due is"
          + " absent"))
    #expect(lines.contains("  acme: made by no migration: table scratch"))
    #expect(!verify.output.contains("every migration in the code is applied"))

    let json = try Envdrift.run([
      "verify", Self.backend, "prod=dbname=\(faked.name)", "--format", "json",
    ])
    let document = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
    let findings = try #require(document?["findings"] as? [[String: Any]])
    #expect(
      findings.map { "\($0["kind"] ?? "") \($0["severity"] ?? "") \($0["name"] ?? "")" } == [
        "table.unexplained info scratch", "migration.unfulfilled error finance.0002_invoice_due",
      ])

    let compare = try Envdrift.run([
      "compare", "code=\(Self.backend)", "dev=dbname=\(databases.migrated.name)",
      "prod=dbname=\(faked.name)", "--baseline", "dev", "--format", "json",
    ])
    #expect(compare.status == 1)
    let compared =
      try JSONSerialization.jsonObject(with: Data(compare.output.utf8)) as? [String: Any]
    let missing = try #require(
      (compared?["findings"] as? [[String: Any]])?.first {
        $0["kind"] as? String == "column.missing" && $0["name"] as? String == "due"
      })
    #expect(missing["migration"] as? String == "finance.0002_invoice_due")
    #expect((missing["cause"] as? String)?.contains("is recorded as applied in prod") == true)
  }

  @Test func aGitRefIsACodeSourceReadAsCommitted() throws {
    let databases = try Self.databases.get()
    let repository = try Envdrift.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: repository) }
    try FileManager.default.copyItem(
      at: URL(fileURLWithPath: Self.backend), to: repository.appendingPathComponent("backend"))
    for arguments in [
      ["init", "-q", "-b", "main"], ["add", "."],
      [
        "-c", "user.name=envdrift", "-c", "user.email=envdrift@example.com", "commit", "-q", "-m",
        "m",
      ],
    ] {
      let git = try Subprocess.run("git", arguments, directory: repository)
      try #require(git.status == 0, "\(git.error)")
    }
    let migration = repository.appendingPathComponent(
      "backend/apps/tenants/migrations/"
        + "0004_rename_tenants_ten_domain_6df599_idx_tenants_ten_domain_f3abe6_idx.py")
    try FileManager.default.removeItem(at: migration)
    let committed = try Envdrift.run(
      ["verify", "git:main:backend", "prod=dbname=\(databases.migrated.name)"], in: repository)
    #expect(committed.status == 0, "\(committed.error)")
    #expect(committed.output.hasPrefix("code git:main:backend: 7 migrations in 2 apps"))
    let workingTree = try Envdrift.run(
      ["verify", "backend", "prod=dbname=\(databases.migrated.name)"], in: repository)
    #expect(workingTree.status == 0, "a ghost row alone does not block a deployment")
    #expect(workingTree.output.contains("  public: applied, not in the code: \(Self.rename)"))
    #expect(workingTree.output.hasPrefix("code backend: 6 migrations in 2 apps"))
  }
}

/// What envdrift could not read is never reported as fine, and a name that names nothing is an
/// error rather than a clean result.
@Suite("Unread and unknown names", .serialized, .enabled(if: TestPostgres.isAvailable))
struct UnreadAndUnknownTests {
  @Test func aTenantWhoseMigrationTableCannotBeReadIsNotVerified() throws {
    let migrated = try TestPostgres.createDatabase("verify_unread")
    defer { migrated.drop() }
    try TestPostgres.runPSQL(
      database: migrated.name,
      arguments: ["-f", VerifyTests.fixture.appendingPathComponent("migrated.sql").path])
    let role = "verifier_\(UUID().uuidString.prefix(6).lowercased())"
    let password = "v-\(UUID().uuidString)"
    let hidden = try migrated.scalar(
      """
      SELECT min(table_schema) FROM information_schema.tables
      WHERE table_name = 'django_migrations' AND table_schema <> 'public'
      """)
    try migrated.load(
      """
      CREATE ROLE \(role) LOGIN PASSWORD '\(password)';
      DO $$ DECLARE s text; BEGIN
        FOR s IN SELECT nspname FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname <> 'information_schema' LOOP
          EXECUTE format('GRANT USAGE ON SCHEMA %I TO \(role)', s);
          EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO \(role)', s);
        END LOOP;
      END $$;
      REVOKE SELECT ON \(hidden).django_migrations FROM \(role);
      DELETE FROM \(hidden).django_migrations
        WHERE id = (SELECT max(id) FROM \(hidden).django_migrations);
      """)
    defer {
      _ = try? TestPostgres.runPSQL(
        database: "postgres", arguments: ["-c", "DROP ROLE IF EXISTS \(role)"])
    }
    let source = "host=127.0.0.1 port=\(TestPostgres.port) user=\(role) dbname=\(migrated.name)"
    let verify = try Envdrift.run(
      ["verify", VerifyTests.backend, "prod=\(source)"], environment: ["PGPASSWORD": password])
    #expect(verify.status == 3, "\(verify.output)\(verify.error)")
    let lines = verify.output.split(separator: "\n").map(String.init)
    #expect(
      lines.contains(
        "prod: not verified: 1 migration table could not be read; every migration in the code is"
          + " applied in the schemas that were read"), "\(lines)")
    #expect(
      lines.contains {
        $0.hasPrefix("  \(hidden): not verified: cannot read django_migrations: permission denied")
      }, "\(lines)")
    #expect(!verify.output.contains("prod: every migration in the code is applied"))

    // Excluded, the schema is not asked for: everything read is applied.
    let excluded = try Envdrift.run(
      ["verify", VerifyTests.backend, "prod=\(source)", "--exclude-schema", hidden],
      environment: ["PGPASSWORD": password])
    #expect(excluded.status == 0, "\(excluded.output)")

    // compare and tenants say so in every format.
    let json = try Envdrift.run(
      ["tenants", "prod=\(source)", "--format", "json", "--output", "-"],
      environment: ["PGPASSWORD": password])
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
    let environment = (document["environments"] as? [[String: Any]])?.first
    let unreadable = environment?["unreadable"] as? [[String: Any]]
    #expect(unreadable?.first?["schema"] as? String == hidden)
    let summary = try Envdrift.run(
      [
        "tenants", "prod=\(source)", "--output",
        FileManager.default.temporaryDirectory
          .appendingPathComponent("unread-\(UUID()).md").path,
      ],
      environment: ["PGPASSWORD": password])
    #expect(
      summary.output.contains("1 migration table could not be read (\(hidden)): not compared"),
      "\(summary.output)")
  }

  @Test func aTableNamedDjangoMigrationsWithoutItsColumnsIsOneUnreadableTable() throws {
    let database = try TestPostgres.createDatabase(
      "odd_migrations",
      sql: """
        CREATE TABLE public.django_migrations (id serial, app text NOT NULL, name text NOT NULL,
          applied timestamptz NOT NULL);
        CREATE SCHEMA odd; CREATE TABLE odd.django_migrations (id integer, applied text);
        """)
    defer { database.drop() }
    let result = try Envdrift.run([
      "compare", "a=dbname=\(database.name)", "b=dbname=\(database.name)", "--format", "json",
      "--output", "-",
    ])
    #expect(result.status == 0, "\(result.error)")
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
    let environment = (document["environments"] as? [[String: Any]])?.first
    let unreadable = environment?["unreadable"] as? [[String: Any]]
    #expect(unreadable?.count == 1)
    #expect(unreadable?.first?["schema"] as? String == "odd")
    #expect(
      (unreadable?.first?["reason"] as? String)?.hasPrefix("django_migrations has no app, name")
        == true)
  }

  @Test func aReferenceOrSchemaThatNamesNothingIsAnErrorWithTheClosestNames() throws {
    let database = try TestPostgres.createDatabase(
      "names",
      sql: (1...3).map {
        "CREATE SCHEMA t\($0); CREATE TABLE t\($0).django_migrations"
          + " (id serial, app text NOT NULL, name text NOT NULL, applied timestamptz NOT NULL);"
      }.joined(separator: "\n"))
    defer { database.drop() }
    let reference = try Envdrift.run([
      "tenants", "prod=dbname=\(database.name)", "--reference", "T1",
    ])
    #expect(reference.status == 2)
    #expect(
      reference.error
        == "envdrift: --reference T1 names no schema of prod, so no tenant could be compared with"
        + " it; did you mean t1, t2 or t3?\n")
    let schema = try Envdrift.run([
      "compare", "a=dbname=\(database.name)", "b=dbname=\(database.name)", "--schema", "tenant_*",
    ])
    #expect(schema.status == 2)
    #expect(
      schema.error
        == "envdrift: --schema tenant_* matches no schema of any environment that was read\n")
    let close = try Envdrift.run([
      "verify", VerifyTests.backend, "a=dbname=\(database.name)", "--schema", "t4",
    ])
    #expect(close.status == 2)
    #expect(close.error.hasSuffix("; did you mean t1, t2 or t3?\n"), "\(close.error)")
    let baseline = try Envdrift.run([
      "compare", "dev=dbname=x", "prod=dbname=y", "--baseline", "prd",
    ])
    #expect(baseline.error.contains("(dev, prod); did you mean prod?"), "\(baseline.error)")
  }
}
