import Foundation
import TestSupport
import Testing

/// `envdrift explain` on the seed incident's databases and on the Django fixture.
@Suite("envdrift explain", .enabled(if: TestPostgres.isAvailable), .serialized)
struct ExplainCommandTests {
  static let seed = Result { try SeedDatabases.make() }
  static let examples = TestFixtures.repositoryRoot.appendingPathComponent(
    "reports/examples/explain")
  static let golden = TestFixtures.repositoryRoot.appendingPathComponent(
    "Tests/DriftReportTests/Golden")

  /// The seed errors, each with its golden answers (`reports/examples/explain/errors.txt`).
  static let errors: [(name: String, message: String)] = {
    let text =
      (try? String(
        contentsOf: examples.appendingPathComponent("errors.txt"), encoding: .utf8)) ?? ""
    return text.split(separator: "\n").compactMap { line in
      let parts = line.split(separator: "|", maxSplits: 1).map(String.init)
      return parts.count == 2 ? (parts[0], parts[1]) : nil
    }
  }()

  @Test func everySeedErrorIsAnsweredAsItsGoldenFileLiveAndFromSnapshotFiles() throws {
    let databases = try Self.seed.get()
    #expect(Self.errors.count == 7)
    for (name, message) in Self.errors {
      for (format, ext) in [("text", "txt"), ("markdown", "md"), ("json", "json")] {
        let expected = try String(
          contentsOf: Self.examples.appendingPathComponent("\(name).\(ext)"), encoding: .utf8)
        let live = try Envdrift.run([
          "explain", message, "dev=dbname=\(databases.dev.name)",
          "uat=dbname=\(databases.uat.name)", "prod=dbname=\(databases.prod.name)", "--format",
          format,
        ])
        #expect(live.status == 0, "\(name) \(format): \(live.error)")
        #expect(
          live.output == expected,
          "\(name).\(ext) differs; run scripts/update-examples if the change is intended")
        let files = try Envdrift.run([
          "explain", message, "dev=\(Self.golden.appendingPathComponent("dev.snapshot.json").path)",
          "uat=\(Self.golden.appendingPathComponent("uat.snapshot.json").path)",
          "prod=\(Self.golden.appendingPathComponent("prod.snapshot.json").path)", "--format",
          format,
        ])
        #expect(files.output == live.output, "\(name) \(format): live and file answers differ")
      }
    }
  }

  @Test func theAnswersSayWhatHappenedInTheSeedIncident() throws {
    func read(_ file: String) throws -> String {
      try String(contentsOf: Self.examples.appendingPathComponent(file), encoding: .utf8)
    }
    let renamed = try read("renamed-index.txt")
    #expect(
      renamed.hasPrefix("What failed: UndefinedTable: relation tenants_ten_domain_6df599_idx"))
    #expect(
      renamed.contains("renames tenants_ten_domain_6df599_idx to tenants_ten_domain_f3abe6_idx"))
    #expect(
      renamed.contains(
        "ALTER INDEX tenants_ten_domain_6df599_idx RENAME TO tenants_ten_domain_f3abe6_idx"))
    let duplicate = try read("duplicate-table.txt")
    #expect(duplicate.contains("is not recorded there"))
    let missing = try read("missing-tenant-table.txt")
    #expect(missing.contains("migrate_schemas --schema=demo"))
  }

  @Test func aWholeTracebackFromStandardInputIsAnswered() throws {
    let databases = try Self.seed.get()
    let traceback = """
      Operations to perform:
        Apply all migrations: finance, tenants
      Traceback (most recent call last):
        File "manage.py", line 22, in <module>
      psycopg2.errors.UndefinedTable: relation "finance_invoice" does not exist
      LINE 1: SELECT "finance_invoice"."id" FROM "finance_invoice"

      django.db.utils.ProgrammingError: relation "finance_invoice" does not exist
      [django_tenants] SET search_path = 'demo','public'
      """
    let result = try Envdrift.run(
      ["explain", "-", "prod=dbname=\(databases.prod.name)", "--format", "json"],
      input: traceback)
    #expect(result.status == 0, "\(result.error)")
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
    let items = try #require(document["explanations"] as? [[String: Any]])
    #expect(items.count == 1)
    let explanation = try #require(items.first?["explanation"] as? [String: Any])
    let error = try #require(explanation["error"] as? [String: Any])
    #expect(error["schema"] as? String == "demo")
    let places = try #require(explanation["places"] as? [[String: Any]])
    #expect(places.first?["absent"] as? [String] == ["demo"])
  }

  @Test func anInconsistentHistoryIsTracedToTheSchemasThatRecordIt() throws {
    let fixture = TestFixtures.repositoryRoot.appendingPathComponent(
      "Tests/Fixtures/django-project")
    let database = try TestPostgres.createDatabase("explain_history")
    defer { database.drop() }
    try TestPostgres.runPSQL(
      database: database.name,
      arguments: ["-f", fixture.appendingPathComponent("scenarios.sql").path])
    let result = try Envdrift.run([
      "explain",
      "django.db.migrations.exceptions.InconsistentMigrationHistory: Migration"
        + " finance.0002_invoice_due is applied before its dependency finance.0001_initial on"
        + " database 'default'.",
      "dev=dbname=\(database.name)", "code=\(fixture.appendingPathComponent("backend").path)",
    ])
    #expect(result.status == 0, "\(result.error)")
    #expect(
      result.output.contains(
        "in dev (broken) finance.0002_invoice_due is recorded without finance.0001_initial"))
    #expect(result.output.contains("python manage.py migrate finance 0001_initial"))
  }

  @Test func textWithoutAnErrorItUnderstandsExitsTwoAndAnUnreachableEnvironmentThree() throws {
    let databases = try Self.seed.get()
    let nothing = try Envdrift.run([
      "explain", "all tests passed", "prod=dbname=\(databases.prod.name)",
    ])
    #expect(nothing.status == 2)
    #expect(nothing.error.split(separator: "\n").count == 1)
    #expect(nothing.error.contains("it explains: relation, table, view"))
    let unreachable = try Envdrift.run([
      "explain", "relation \"tenants_domain\" already exists",
      "prod=dbname=\(databases.prod.name)", "gone=host=127.0.0.1 port=1 dbname=x connect_timeout=2",
    ])
    #expect(unreachable.status == 3)
    #expect(unreachable.output.contains("gone could not be read"))
  }

  @Test func functionsTypesAndRolesAreLookedUpInEveryEnvironment() throws {
    let role = "explain_role_\(UUID().uuidString.prefix(6).lowercased())"
    let with = try TestPostgres.createDatabase(
      "explain_with",
      sql: """
        CREATE FUNCTION public.total_of(integer) RETURNS integer LANGUAGE sql AS 'SELECT 1';
        CREATE TYPE public.mood AS ENUM ('ok');
        CREATE ROLE \(role);
        """)
    defer {
      with.drop()
      _ = try? TestPostgres.runPSQL(
        database: "postgres", arguments: ["-c", "DROP ROLE IF EXISTS \(role)"])
    }
    let without = try TestPostgres.createDatabase("explain_without", sql: "")
    defer { without.drop() }
    for (message, noun) in [
      ("ERROR:  function public.total_of(integer) does not exist", "function"),
      ("ERROR:  type \"mood\" does not exist", "type"),
    ] {
      let result = try Envdrift.run([
        "explain", message, "a=dbname=\(with.name)", "b=dbname=\(without.name)",
      ])
      #expect(result.status == 0, "\(result.error)")
      #expect(result.output.hasPrefix("What failed: "), "\(noun)")
      #expect(result.output.contains("  a  has "), "\(result.output)")
      #expect(result.output.contains(": public; lacks it: —"), "\(noun): \(result.output)")
      #expect(result.output.contains(": —; lacks it: public"), "\(noun): \(result.output)")
    }
    // Roles belong to the cluster: both databases of this one see it.
    let roleAnswer = try Envdrift.run([
      "explain", "FATAL:  role \"\(role)\" does not exist", "a=dbname=\(with.name)",
      "b=dbname=\(without.name)",
    ])
    #expect(roleAnswer.status == 0)
    #expect(roleAnswer.output.contains("a  has \(role): yes; lacks it: —"), "\(roleAnswer.output)")
    #expect(roleAnswer.output.contains("b  has \(role): yes; lacks it: —"))
  }

  @Test func hostileNamesStayInertInEveryFormat() throws {
    let name = "<img src=x onerror=alert(1)>|@admin `x` \u{202E}gnp.exe"
    let quoted = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    let with = try TestPostgres.createDatabase(
      "explain_hostile_a", sql: "CREATE TABLE public.\(quoted) (id int);")
    defer { with.drop() }
    let without = try TestPostgres.createDatabase("explain_hostile_b", sql: "")
    defer { without.drop() }
    let message = "ERROR:  relation \(quoted) does not exist"
    let arguments = ["explain", message, "a=dbname=\(with.name)", "b=dbname=\(without.name)"]
    let markdown = try Envdrift.run(arguments + ["--format", "markdown"])
    #expect(markdown.status == 0, "\(markdown.error)")
    #expect(markdown.output.contains("\\u202E"), "the bidi character is shown, not applied")
    try HostileNameTests.expectInertMarkdown(markdown.output, name: "explain markdown")
    let text = try Envdrift.run(arguments)
    #expect(text.status == 0)
    #expect(HostileNameTests.hiddenCharacters(in: text.output).isEmpty)
    let json = try Envdrift.run(arguments + ["--format", "json"])
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
    let item = try #require((document["explanations"] as? [[String: Any]])?.first)
    let error = try #require((item["explanation"] as? [String: Any])?["error"] as? [String: Any])
    #expect(error["name"] as? String == name, "JSON keeps the name exactly")
  }
}

/// `envdrift explain` on privilege errors: a pair of databases differing in one grant or one
/// owner gives that difference alone, and the statements it suggests remove it.
@Suite("envdrift explain: privileges", .enabled(if: TestPostgres.isAvailable), .serialized)
struct ExplainPrivilegeTests {
  /// The kinds of object a grant can differ on, each with its message, its objects and the
  /// grant the first database has and the second lacks.
  static let kinds:
    [(message: String, objects: String, grant: String, privilege: String, kind: String)] = [
      (
        "permission denied for table invoices", "CREATE TABLE invoices (id int, due_on date);",
        "GRANT SELECT, INSERT ON invoices TO", "INSERT,SELECT", "table"
      ),
      (
        "permission denied for view open_invoices",
        "CREATE TABLE invoices (id int); CREATE VIEW open_invoices AS SELECT id FROM invoices;",
        "GRANT SELECT ON open_invoices TO", "SELECT", "view"
      ),
      (
        "permission denied for sequence invoice_no", "CREATE SEQUENCE invoice_no;",
        "GRANT USAGE ON SEQUENCE invoice_no TO", "USAGE", "sequence"
      ),
      (
        "permission denied for function total_of",
        "CREATE FUNCTION total_of(integer) RETURNS integer LANGUAGE sql AS 'SELECT 1';"
          + " REVOKE EXECUTE ON FUNCTION total_of(integer) FROM PUBLIC;",
        "GRANT EXECUTE ON FUNCTION total_of(integer) TO", "EXECUTE", "function"
      ),
      (
        "permission denied for schema billing", "CREATE SCHEMA billing;",
        "GRANT USAGE ON SCHEMA billing TO", "USAGE", "schema"
      ),
      (
        "permission denied for column \"due_on\" of relation \"invoices\"",
        "CREATE TABLE invoices (id int, due_on date);", "GRANT UPDATE (due_on) ON invoices TO",
        "UPDATE (due_on)", "column"
      ),
      (
        "permission denied for type mood", "CREATE TYPE mood AS ENUM ('ok');",
        "GRANT USAGE ON TYPE mood TO", "USAGE", "type"
      ),
      (
        "permission denied for foreign server remote",
        "CREATE FOREIGN DATA WRAPPER explain_fdw;"
          + " CREATE SERVER remote FOREIGN DATA WRAPPER explain_fdw;",
        "GRANT USAGE ON FOREIGN SERVER remote TO", "USAGE", "foreign server"
      ),
      (
        "permission denied for foreign-data wrapper explain_fdw",
        "CREATE FOREIGN DATA WRAPPER explain_fdw;",
        "GRANT USAGE ON FOREIGN DATA WRAPPER explain_fdw TO", "USAGE", "foreign-data wrapper"
      ),
      (
        "permission denied for language plpgsql", "REVOKE USAGE ON LANGUAGE plpgsql FROM PUBLIC;",
        "GRANT USAGE ON LANGUAGE plpgsql TO", "USAGE", "language"
      ),
    ]

  static func json(_ output: String) throws -> [String: Any] {
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
    let items = try #require(document["explanations"] as? [[String: Any]])
    return try #require(items.first)
  }

  @Test func eachKindOfGrantGivesExactlyItsDifferenceAndTheSuggestedGrantRemovesIt() throws {
    // A role name that needs quoting everywhere it is written.
    let role = "explain \"app\" --\(UUID().uuidString.prefix(6).lowercased())"
    let quotedRole = "\"" + role.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    try TestPostgres.runPSQL(
      database: "postgres", arguments: ["-c", "CREATE ROLE \(quotedRole)"])
    defer {
      _ = try? TestPostgres.runPSQL(
        database: "postgres", arguments: ["-c", "DROP ROLE IF EXISTS \(quotedRole)"])
    }
    for kind in Self.kinds {
      let granting = try TestPostgres.createDatabase(
        "explain_grant_a", sql: kind.objects + " \(kind.grant) \(quotedRole);")
      defer { granting.drop() }
      let lacking = try TestPostgres.createDatabase("explain_grant_b", sql: kind.objects)
      defer { lacking.drop() }
      func explain(_ a: TestDatabase, _ b: TestDatabase) throws -> [String: Any] {
        let result = try Envdrift.run([
          "explain", "ERROR:  " + kind.message, "a=dbname=\(a.name)", "b=dbname=\(b.name)",
          "--format", "json",
        ])
        #expect(result.status == 0, "\(kind.kind): \(result.error)")
        return try Self.json(result.output)
      }
      let item = try explain(granting, lacking)
      let explanation = try #require(item["explanation"] as? [String: Any])
      let missing = try #require(explanation["missingGrants"] as? [[String: Any]])
      #expect(missing.count == 1, "\(kind.kind): \(missing)")
      #expect(missing.first?["environment"] as? String == "b", "\(kind.kind)")
      #expect(missing.first?["grantee"] as? String == role, "\(kind.kind)")
      #expect(
        (missing.first?["privileges"] as? [String])?.joined(separator: ",") == kind.privilege,
        "\(kind.kind)")
      #expect(explanation["expectedOwner"] == nil, "\(kind.kind)")
      let sql = try #require(item["sql"] as? String, "\(kind.kind)")
      try TestPostgres.runPSQL(
        database: lacking.name, arguments: ["-v", "ON_ERROR_STOP=1"], input: sql)
      let after = try #require(try explain(granting, lacking)["explanation"] as? [String: Any])
      #expect((after["missingGrants"] as? [Any])?.isEmpty == true, "\(kind.kind): \(sql)")
      let same = try #require(try explain(granting, granting)["explanation"] as? [String: Any])
      #expect((same["missingGrants"] as? [Any])?.isEmpty == true, "\(kind.kind)")
    }
  }

  @Test func aDatabaseGrantIsComparedBetweenEachEnvironmentsOwnDatabase() throws {
    let role = "explain_db_\(UUID().uuidString.prefix(6).lowercased())"
    try TestPostgres.runPSQL(database: "postgres", arguments: ["-c", "CREATE ROLE \(role)"])
    let granting = try TestPostgres.createDatabase("explain_db_a")
    let lacking = try TestPostgres.createDatabase("explain_db_b")
    defer {
      granting.drop()
      lacking.drop()
      _ = try? TestPostgres.runPSQL(
        database: "postgres", arguments: ["-c", "DROP ROLE IF EXISTS \(role)"])
    }
    try granting.load("GRANT CREATE ON DATABASE \(granting.name) TO \(role);")
    let result = try Envdrift.run([
      "explain", "FATAL:  permission denied for database \(lacking.name)",
      "a=dbname=\(granting.name)", "b=dbname=\(lacking.name)", "--format", "json",
    ])
    #expect(result.status == 0, "\(result.error)")
    let item = try Self.json(result.output)
    let explanation = try #require(item["explanation"] as? [String: Any])
    let missing = try #require(explanation["missingGrants"] as? [[String: Any]])
    #expect(missing.count == 1)
    #expect(missing.first?["schemas"] as? [String] == [lacking.name])
    #expect(
      item["sql"] as? String == "-- in b\nGRANT CREATE ON DATABASE \(lacking.name) TO \(role);")
  }

  @Test func aDifferentOwnerIsOneFactAndTheSuggestedOwnerChangeRemovesIt() throws {
    let role = "explain_root_\(UUID().uuidString.prefix(6).lowercased())"
    try TestPostgres.runPSQL(database: "postgres", arguments: ["-c", "CREATE ROLE \(role)"])
    let sql = """
      CREATE TABLE domains (id int, domain text);
      CREATE INDEX domains_domain_idx ON domains (domain);
      """
    let dev = try TestPostgres.createDatabase("explain_owner_a", sql: sql)
    let uat = try TestPostgres.createDatabase("explain_owner_b", sql: sql)
    let prod = try TestPostgres.createDatabase(
      "explain_owner_c", sql: sql + "ALTER TABLE domains OWNER TO \(role);")
    defer {
      for database in [dev, uat, prod] { database.drop() }
      _ = try? TestPostgres.runPSQL(
        database: "postgres", arguments: ["-c", "DROP ROLE IF EXISTS \(role)"])
    }
    func explain() throws -> (text: String, json: [String: Any]) {
      var outputs: [String] = []
      for format in ["text", "json"] {
        let result = try Envdrift.run([
          "explain", "ERROR:  must be owner of index domains_domain_idx",
          "dev=dbname=\(dev.name)", "uat=dbname=\(uat.name)", "prod=dbname=\(prod.name)",
          "--format", format,
        ])
        #expect(result.status == 0, "\(result.error)")
        outputs.append(result.output)
      }
      return (outputs[0], try Self.json(outputs[1]))
    }
    let before = try explain()
    let explanation = try #require(before.json["explanation"] as? [String: Any])
    #expect(explanation["expectedOwner"] as? String == "postgres")
    #expect((explanation["missingGrants"] as? [Any])?.isEmpty == true)
    #expect(
      before.text.contains(
        "in prod (public) domains_domain_idx's table domains is owned by \(role), elsewhere by"
          + " postgres"))
    let fix = try #require(before.json["sql"] as? String)
    #expect(fix == "-- in prod (public)\nALTER TABLE public.domains OWNER TO postgres;")
    try TestPostgres.runPSQL(database: prod.name, arguments: ["-v", "ON_ERROR_STOP=1"], input: fix)
    let after = try #require(try explain().json["explanation"] as? [String: Any])
    #expect(after["expectedOwner"] == nil)
  }
}

/// `envdrift explain` finds an object renamed where no migration says so, by its definition.
@Suite("envdrift explain: renames by definition", .enabled(if: TestPostgres.isAvailable))
struct ExplainSameDefinitionTests {
  @Test func anIndexAConstraintAndATableRenamedByHandAreFoundAndTheirFixesAlignTheNames() throws {
    let old = try TestPostgres.createDatabase(
      "explain_rename_a",
      sql: """
        CREATE TABLE domains (id int, domain text, is_primary bool);
        CREATE INDEX dom_6df599_idx ON domains (domain, is_primary);
        CREATE INDEX dom_id_idx ON domains (id);
        ALTER TABLE domains ADD CONSTRAINT dom_positive CHECK (id > 0);
        CREATE TABLE customer (id int, name text, email text);
        """)
    defer { old.drop() }
    let new = try TestPostgres.createDatabase(
      "explain_rename_b",
      sql: """
        CREATE TABLE domains (id int, domain text, is_primary bool);
        CREATE INDEX dom_f3abe6_idx ON domains (domain, is_primary);
        CREATE INDEX dom_id_idx ON domains (id);
        ALTER TABLE domains ADD CONSTRAINT dom_id_positive CHECK (id > 0);
        CREATE TABLE client (id int, name text, email text);
        """)
    defer { new.drop() }
    for (message, renamed) in [
      ("relation \"dom_6df599_idx\" does not exist", "dom_f3abe6_idx"),
      ("constraint \"dom_positive\" of relation \"domains\" does not exist", "dom_id_positive"),
      ("relation \"customer\" does not exist", "client"),
    ] {
      func explain() throws -> [String: Any] {
        let result = try Envdrift.run([
          "explain", "ERROR:  " + message, "old=dbname=\(old.name)", "new=dbname=\(new.name)",
          "--format", "json",
        ])
        #expect(result.status == 0, "\(result.error)")
        return try ExplainPrivilegeTests.json(result.output)
      }
      let item = try explain()
      let explanation = try #require(item["explanation"] as? [String: Any])
      #expect(explanation["renamedTo"] as? String == renamed, "\(message)")
      #expect(explanation["sameDefinition"] != nil, "\(message)")
      let sql = try #require(item["sql"] as? String)
      try TestPostgres.runPSQL(
        database: old.name, arguments: ["-v", "ON_ERROR_STOP=1"], input: sql)
      // Run twice: the statement is idempotent.
      try TestPostgres.runPSQL(
        database: old.name, arguments: ["-v", "ON_ERROR_STOP=1"], input: sql)
      let after = try #require(try explain()["explanation"] as? [String: Any])
      let places = try #require(after["places"] as? [[String: Any]])
      #expect(places.allSatisfy { ($0["present"] as? [String])?.isEmpty == true }, "\(message)")
      #expect(after["renamedTo"] == nil, "\(message)")
    }
  }
}

/// `envdrift explain` on Django's `InconsistentMigrationHistory`: the whole chain.
@Suite("envdrift explain: dependency chains", .enabled(if: TestPostgres.isAvailable))
struct ExplainChainTests {
  @Test func theDependencysOwnMissingDependenciesAreListedInOrderWithOrWithoutTheCode() throws {
    /// A database whose `django_migrations` records `rows` (app, name), applied in order.
    func history(_ prefix: String, _ rows: [(String, String)]) throws -> TestDatabase {
      let values = rows.enumerated().map { index, row in
        "('\(row.0)', '\(row.1)', '2025-10-01 09:00:00+00'::timestamptz + interval '\(index) hour')"
      }
      return try TestPostgres.createDatabase(
        prefix,
        sql: """
          CREATE TABLE django_migrations (
            id serial PRIMARY KEY, app varchar(255), name varchar(255), applied timestamptz);
          INSERT INTO django_migrations (app, name, applied) VALUES
          \(values.joined(separator: ",\n"));
          """)
    }
    let database = try history(
      "explain_chain",
      [("tenants", "0001_initial"), ("finance", "0003_remove_invoice_legacy")])
    defer { database.drop() }
    let complete = try history(
      "explain_chain_ok",
      [
        ("tenants", "0001_initial"), ("finance", "0001_initial"), ("finance", "0002_invoice_due"),
        ("finance", "0003_remove_invoice_legacy"),
      ])
    defer { complete.drop() }
    let code = TestFixtures.repositoryRoot.appendingPathComponent(
      "Tests/Fixtures/django-project/backend")
    let message =
      "django.db.migrations.exceptions.InconsistentMigrationHistory: Migration"
      + " finance.0003_remove_invoice_legacy is applied before its dependency"
      + " finance.0002_invoice_due on database 'default'."
    for extra in [["code=\(code.path)"], []] {
      let result = try Envdrift.run(
        ["explain", message, "broken=dbname=\(database.name)", "ok=dbname=\(complete.name)"]
          + extra + ["--format", "json"])
      #expect(result.status == 0, "\(result.error)")
      let item = try ExplainPrivilegeTests.json(result.output)
      let explanation = try #require(item["explanation"] as? [String: Any])
      let migrations = try #require(explanation["migrations"] as? [[String: Any]])
      #expect(
        migrations.map { "\($0["effect"] ?? "")=\($0["name"] ?? "")" } == [
          "named=finance.0003_remove_invoice_legacy", "dependency=finance.0002_invoice_due",
          "ancestor=finance.0001_initial",
        ], "\(extra)")
      let why = try #require(item["why"] as? [String])
      #expect(
        why.contains(
          "the chain to apply, in order: finance.0001_initial → finance.0002_invoice_due →"
            + " finance.0003_remove_invoice_legacy"), "\(why)")
    }
  }
}
