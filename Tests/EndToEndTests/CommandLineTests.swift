import Foundation
import TestSupport
import Testing

@Suite("The envdrift binary, end to end", .enabled(if: TestPostgres.isAvailable), .serialized)
struct CommandLineTests {
  static let seed = Result { try SeedDatabases.make() }

  @Test func comparingTheSeedIncidentWritesAReportAndExitsOne() throws {
    let databases = try Self.seed.get()
    let directory = try Envdrift.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try Envdrift.run(
      [
        "compare", "dev=dbname=\(databases.dev.name)", "uat=dbname=\(databases.uat.name)",
        "prod=dbname=\(databases.prod.name)",
      ],
      in: directory
    )
    #expect(result.status == 1, "\(result.error)")
    #expect(result.error.isEmpty)
    #expect(result.output.contains("dev: drifted"))
    #expect(result.output.contains("prod: baseline"))
    let files = Envdrift.files(in: directory.appendingPathComponent("reports"))
    #expect(files.count == 1)
    let name = try #require(files.first)
    #expect(name.hasSuffix("-dev-uat-prod.md"))
    #expect(result.output.contains("report written to reports/\(name)"))
    let report = try String(
      contentsOf: directory.appendingPathComponent("reports/\(name)"), encoding: .utf8)
    #expect(report.contains("tenants_ten_domain_6df599_idx"))
    #expect(report.contains("→ `tenants_ten_domain_f3abe6_idx`"))

    let again = try Envdrift.run(
      [
        "compare", "dev=dbname=\(databases.dev.name)", "prod=dbname=\(databases.prod.name)",
        "--quiet",
      ],
      in: directory
    )
    #expect(again.status == 1)
    #expect(again.output.isEmpty)
    #expect(Envdrift.files(in: directory.appendingPathComponent("reports")).count == 2)
  }

  @Test func aDatabaseComparedWithItselfExitsZero() throws {
    let databases = try Self.seed.get()
    let result = try Envdrift.run(
      [
        "compare", "a=dbname=\(databases.dev.name)", "b=dbname=\(databases.dev.name)", "--output",
        "-",
      ]
    )
    #expect(result.status == 0, "\(result.error)")
    #expect(result.output.contains("**No drift**"))
    let same = try Envdrift.run([
      "compare", "a=dbname=\(databases.uat.name)", "b=dbname=\(databases.uat.name)", "--output",
      "-",
    ])
    #expect(same.status == 1, "uat's own tenant schemas differ among themselves")
    #expect(same.output.contains("compared with the reference schema"))
  }

  @Test func jsonFindingsFollowTheContract() throws {
    let databases = try Self.seed.get()
    let result = try Envdrift.run(
      [
        "compare", "dev=dbname=\(databases.dev.name)", "prod=dbname=\(databases.prod.name)",
        "--format", "json",
      ]
    )
    #expect(result.status == 1)
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
    #expect(object["baseline"] as? String == "prod")
    #expect(object["formatVersion"] as? Int == 1)
    let environments = try #require(object["environments"] as? [[String: Any]])
    #expect(environments.map { $0["name"] as? String } == ["dev", "prod"])
    #expect(environments.first?["source"] as? String == "postgresql:///\(databases.dev.name)")
    let findings = try #require(object["findings"] as? [[String: Any]])
    let rename = try #require(findings.first { $0["kind"] as? String == "index.renamed" })
    #expect(rename["name"] as? String == "tenants_ten_domain_6df599_idx")
    #expect(rename["renamedTo"] as? String == "tenants_ten_domain_f3abe6_idx")
    #expect(rename["table"] as? String == "tenants_domain")
    #expect(rename["scope"] as? String == "environments")
    let missing = try #require(
      findings.first { ($0["name"] as? String)?.hasPrefix("tenants.0006") == true })
    #expect(missing["kind"] as? String == "migration.missing")
    #expect(missing["severity"] as? String == "error")
  }

  @Test func failOnDecidesWhetherDriftFailsTheRun() throws {
    let databases = try Self.seed.get()
    let arguments = [
      "compare", "dev=dbname=\(databases.dev.name)", "prod=dbname=\(databases.prod.name)",
      "--output", "-",
    ]
    #expect(try Envdrift.run(arguments + ["--fail-on", "never"]).status == 0)
    #expect(try Envdrift.run(arguments + ["--fail-on", "error"]).status == 1)
    #expect(try Envdrift.run(arguments + ["--fail-on", "drift"]).status == 1)
  }

  @Test func anUnreachableEnvironmentIsMarkedAndExitsThree() throws {
    let databases = try Self.seed.get()
    let directory = try Envdrift.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let report = directory.appendingPathComponent("report.md")
    let result = try Envdrift.run(
      [
        "compare", "dev=dbname=\(databases.dev.name)",
        "uat=host=127.0.0.1 port=1 connect_timeout=2",
        "prod=dbname=\(databases.prod.name)", "--output", report.path,
      ]
    )
    #expect(result.status == 3, "\(result.error)")
    #expect(result.output.contains("uat: unreachable"))
    let text = try String(contentsOf: report, encoding: .utf8)
    #expect(text.contains("⚠️ **uat** — unreachable"))
    #expect(text.contains("❌ **dev** — drifted"))
  }

  @Test func tenantsComparesTheSchemasOfOneEnvironment() throws {
    let databases = try Self.seed.get()
    let result = try Envdrift.run([
      "tenants", "prod=dbname=\(databases.prod.name)", "--output", "-",
    ])
    #expect(result.status == 1, "\(result.error)")
    #expect(result.output.contains("compared with the reference schema `acme`"))
    #expect(result.output.contains("missing in 1 of 3 tenant schemas: `demo`"))
    let chosen = try Envdrift.run([
      "tenants", "prod=dbname=\(databases.prod.name)", "--reference", "demo", "--format", "json",
    ])
    #expect(chosen.output.contains("\"reference\" : \"demo\""))
  }

  @Test func aSnapshotFileStandsInForTheLiveDatabase() throws {
    let databases = try Self.seed.get()
    let directory = try Envdrift.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("prod.json")
    let snapshot = try Envdrift.run([
      "snapshot", "prod=dbname=\(databases.prod.name)", "--output", file.path,
    ])
    #expect(snapshot.status == 0, "\(snapshot.error)")
    #expect(snapshot.output.contains("4 schemas"))
    let compared = try Envdrift.run([
      "compare", "then=\(file.path)", "now=dbname=\(databases.prod.name)", "--format", "json",
    ])
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(compared.output.utf8)) as? [String: Any])
    let findings = Envdrift.schemaFindings(
      try #require(document["findings"] as? [[String: Any]]))
    #expect(findings.filter { $0["scope"] as? String == "environments" }.isEmpty)
    #expect(compared.status == 1, "prod's demo tenant still differs from the other tenants")

    let saved = directory.appendingPathComponent("history")
    let nightly = try Envdrift.run(
      [
        "compare", "dev=dbname=\(databases.dev.name)", "prod=dbname=\(databases.prod.name)",
        "--output", "-", "--save-snapshot", saved.path,
      ]
    )
    #expect(nightly.status == 1)
    #expect(Envdrift.files(in: saved).filter { $0.hasSuffix(".json") }.count == 2)
  }

  @Test func anExistingReportIsNeverOverwrittenWithoutForce() throws {
    let databases = try Self.seed.get()
    let directory = try Envdrift.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let report = directory.appendingPathComponent("report.md")
    try "keep me".write(to: report, atomically: true, encoding: .utf8)
    let arguments = [
      "compare", "dev=dbname=\(databases.dev.name)", "prod=dbname=\(databases.prod.name)",
      "--output", report.path,
    ]
    let refused = try Envdrift.run(arguments)
    #expect(refused.status == 2)
    #expect(refused.error.contains("already exists: pass --force"))
    #expect(try String(contentsOf: report, encoding: .utf8) == "keep me")
    #expect(try Envdrift.run(arguments + ["--force"]).status == 1)
    #expect(try String(contentsOf: report, encoding: .utf8).hasPrefix("# Environment drift"))
    #expect(Envdrift.files(in: directory) == ["report.md"])
  }

  @Test func noPasswordEverReachesAnyOutput() throws {
    let databases = try Self.seed.get()
    let secret = "Sup3r-Secret-\(UUID().uuidString.prefix(8))"
    let port = TestPostgres.port
    let directory = try Envdrift.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let sources = [
      "uri=postgresql://postgres:\(secret)@127.0.0.1:\(port)/\(databases.prod.name)",
      "kv=host=127.0.0.1 port=\(port) user=postgres password=\(secret) dbname=\(databases.dev.name)",
      "bad=host=127.0.0.1 port=\(port) password \(secret)",
      "env=host=127.0.0.1 port=\(port) user=postgres dbname=\(databases.uat.name)",
    ]
    var outputs: [String] = []
    for format in ["markdown", "github", "json"] {
      let file = directory.appendingPathComponent("report.\(format)")
      let result = try Envdrift.run(
        ["compare"] + sources + [
          "--format", format, "--output", file.path, "--save-snapshot",
          directory.appendingPathComponent("snapshots-\(format)").path,
        ],
        environment: ["PGPASSWORD": secret]
      )
      #expect(result.status == 3, "the malformed source is unreachable: \(result.error)")
      outputs += [result.output, result.error, try String(contentsOf: file, encoding: .utf8)]
    }
    let wrong = try Envdrift.run(
      [
        "compare", "a=postgresql://postgres:\(secret)@127.0.0.1:\(port)/postgres",
        "b=dbname=postgres", "--output", "-",
      ],
      removing: ["PGPASSWORD"]
    )
    #expect(wrong.status == 3)
    #expect(wrong.output.contains("password authentication failed"))
    outputs += [wrong.output, wrong.error]
    let snapshot = try Envdrift.run([
      "snapshot", "kv=host=127.0.0.1 port=\(port) user=postgres password=\(secret) dbname=postgres",
    ])
    #expect(snapshot.status == 3)
    #expect(snapshot.error.contains("password authentication failed"))
    outputs += [snapshot.output, snapshot.error]
    for file in Envdrift.files(in: directory) where file.hasSuffix(".json") {
      outputs.append(
        try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8))
    }
    #expect(outputs.count > 10)
    for text in outputs {
      #expect(!text.contains(secret))
    }
  }

  @Test func aConfigurationFileDrivesTheRunAndAcceptsKnownDrift() throws {
    let databases = try Self.seed.get()
    let directory = try Envdrift.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let initialized = try Envdrift.run(["init"], in: directory)
    #expect(initialized.status == 0)
    #expect(
      try String(contentsOf: directory.appendingPathComponent("envdrift.yml"), encoding: .utf8)
        .contains("url_env"))
    #expect(try Envdrift.run(["init"], in: directory).status == 2)

    let config = """
      baseline: prod
      environments:
        dev:
          url_env: DEV_URL
        prod:
          url: dbname=\(databases.prod.name)
          statement_timeout: 20
      schemas:
        exclude: [demo]
      ignore:
        - rule: "migration:*"
          reason: migrations are compared by the deploy pipeline
        - rule: "index:*"
          until: 2020-01-01
      output:
        format: json
        path: "out-{envs}.{format}"
      fail_on: error
      """
    try config.write(
      to: directory.appendingPathComponent("envdrift.yml"), atomically: true, encoding: .utf8)
    let result = try Envdrift.run(
      ["compare", "--config", "envdrift.yml", "--force"],
      in: directory,
      environment: ["DEV_URL": "dbname=\(databases.dev.name)"]
    )
    #expect(result.status == 1, "\(result.error)")
    let data = try Data(contentsOf: directory.appendingPathComponent("out-dev-prod.json"))
    let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let findings = try #require(document["findings"] as? [[String: Any]])
    #expect(!findings.contains { ($0["kind"] as? String)?.hasPrefix("migration.") == true })
    #expect(!findings.contains { $0["schema"] as? String == "demo" })
    #expect(findings.contains { $0["kind"] as? String == "index.renamed" })
    #expect((document["acceptedCount"] as? Int ?? 0) > 0)
    let causes = try #require(document["causes"] as? [[String: Any]])
    #expect(
      causes.contains { ($0["message"] as? String)?.contains("expired on 2020-01-01") == true })

    let broken = try Envdrift.run(["compare", "--config", "envdrift.yml"], in: directory)
    #expect(broken.status == 2)
    #expect(
      broken.error.contains(
        "envdrift.yml:4:14: environment variable DEV_URL (url_env of dev) is not set"))
  }

  @Test func sinceComparesAnEnvironmentWithItsNewestSavedSnapshot() throws {
    let databases = try Self.seed.get()
    let directory = try Envdrift.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let history = directory.appendingPathComponent("history").path
    let source = "uat=dbname=\(databases.uat.name)"
    let first = try Envdrift.run(["snapshot", source, "--output", "-"])
    try FileManager.default.createDirectory(
      atPath: history + "/uat", withIntermediateDirectories: true)
    try first.output.write(
      toFile: history + "/uat/2026-11-20T030000Z.json", atomically: true, encoding: .utf8)
    let unchanged = try Envdrift.run(["compare", source, "--since", history, "--output", "-"])
    #expect(unchanged.status == 0, "\(unchanged.output)")
    #expect(unchanged.output.contains("uat-previous"))

    let changed = try TestPostgres.createDatabase("e2e_since")
    defer { changed.drop() }
    try TestPostgres.runPSQL(
      database: changed.name,
      arguments: [
        "-f",
        TestFixtures.repositoryRoot.appendingPathComponent("examples/seed-incident/uat.sql").path,
      ]
    )
    try changed.load("CREATE INDEX late_idx ON acme.finance_payment (paid_at);")
    let drifted = try Envdrift.run([
      "compare", "uat=dbname=\(changed.name)", "--since", history, "--format", "json",
    ])
    #expect(drifted.status == 1)
    #expect(drifted.output.contains("late_idx"))
    let two = try Envdrift.run(["compare", source, "prod=dbname=x", "--since", history])
    #expect(two.status == 2)
    #expect(two.error.contains("--since compares one environment"))
  }

  /// Runs envdrift on a pseudo-terminal (util-linux `script`), as a person at a shell would.
  static func onTerminal(_ arguments: [String], environment: [String: String] = [:]) throws
    -> String
  {
    let command = ([Envdrift.binary.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
    var merged = ProcessInfo.processInfo.environment
    merged.removeValue(forKey: "NO_COLOR")
    merged["TERM"] = "xterm"
    for (key, value) in environment { merged[key] = value }
    return try Subprocess.run(
      URL(fileURLWithPath: "/usr/bin/script"), ["-qec", command, "/dev/null"],
      environment: merged
    ).output
  }

  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
  func progressAndColourAppearOnlyOnATerminalAndNeverWithNoColor() throws {
    let databases = try Self.seed.get()
    let directory = try Envdrift.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let arguments = [
      "compare", "dev=dbname=\(databases.dev.name)", "prod=dbname=\(databases.prod.name)",
      "--output", directory.appendingPathComponent("r.md").path, "--force",
    ]
    let terminal = try Self.onTerminal(arguments)
    #expect(terminal.contains("envdrift: dev: reading"))
    #expect(terminal.contains("envdrift: prod: read in"))
    #expect(terminal.contains("\u{1B}[31mdrifted\u{1B}[0m"))
    let plain = try Self.onTerminal(arguments, environment: ["NO_COLOR": "1"])
    #expect(plain.contains("dev: drifted"))
    #expect(!plain.contains("\u{1B}["))
    let quiet = try Self.onTerminal(arguments + ["--quiet"])
    #expect(!quiet.contains("envdrift: dev: reading"))
    #expect(!quiet.contains("drifted"))
    let piped = try Envdrift.run(arguments)
    #expect(piped.error.isEmpty)
    #expect(!piped.output.contains("\u{1B}["))
  }

  @Test func helpAndVersionExitZero() throws {
    let help = try Envdrift.run(["--help"])
    #expect(help.status == 0)
    #expect(help.output.contains("Exit codes: 0 no drift, 1 drift found"))
    let compareHelp = try Envdrift.run(["compare", "--help"])
    #expect(compareHelp.output.contains("--baseline"))
    let version = try Envdrift.run(["--version"])
    #expect(version.status == 0)
    #expect(version.output.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
  }
}
