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
    #expect(Self.errors.count == 3)
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
    #expect(nothing.error.contains("it explains: relation, index"))
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
