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
    #expect(lines.contains("dev: 8 schemas need migrating, 6 operations will fail"))
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
      let git = Process()
      git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      git.arguments = ["git"] + arguments
      git.currentDirectoryURL = repository
      try git.run()
      git.waitUntilExit()
      try #require(git.terminationStatus == 0)
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
