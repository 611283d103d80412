import DriftCompare
import DriftModel
import DriftReport
import DriftRunner
import Foundation
import TestSupport
import Testing

/// How a compare request merges with the configuration file, and a planned run over snapshot
/// files, end to end without a database.
@Suite("Planning a comparison")
struct CompareRequestTests {
  static let golden = TestFixtures.repositoryRoot.appendingPathComponent(
    "Tests/DriftReportTests/Golden")

  static func snapshot(_ name: String) -> SourceArgument {
    .environment(
      EnvironmentSpec(
        name: name,
        source: .snapshotFile(golden.appendingPathComponent("\(name).snapshot.json").path)))
  }

  /// A directory of its own for one test, removed by `body`'s caller.
  static func directory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "envdrift-request-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  static let date = Date(timeIntervalSince1970: 1_764_460_800)  // 2025-11-30

  /// A configuration file naming prod, with every setting the command line can override.
  static func configuration(in directory: URL) throws -> String {
    let path = directory.appendingPathComponent("envdrift.yml").path
    let text = """
      baseline: prod
      environments:
        prod:
          snapshot: \(golden.appendingPathComponent("prod.snapshot.json").path)
      schemas:
        include: ["public"]
        exclude: ["*_archive"]
      ignore:
        - rule: "privilege:*"
      output:
        format: json
        path: "reports/{date}.json"
      fail_on: error
      """
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test func theFilesSettingsApplyWhereTheCommandLineGivesNone() throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var request = CompareRequest()
    request.configurationPath = try Self.configuration(in: directory)
    request.environments = [Self.snapshot("dev")]
    let plan = try request.plan(collector: EnvironmentCollector(), date: Self.date)
    #expect(plan.sources.names == ["prod", "dev"])
    #expect(plan.baseline == "prod")
    #expect(plan.run.output.format == .json)
    #expect(plan.run.output.path == nil)
    #expect(plan.run.output.pathPattern == "reports/{date}.json")
    #expect(plan.run.failOn == .error)
    #expect(plan.run.filter == SchemaFilter(include: ["public"], exclude: ["*_archive"]))
    #expect(plan.run.acceptance.rules.map(\.text) == ["privilege:*"])
    #expect(plan.run.command == "envdrift compare --config \(request.configurationPath ?? "")")
    #expect(plan.run.compareTenants)
  }

  @Test func theCommandLineWinsAndItsExcludesAddToTheFiles() throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var request = CompareRequest()
    request.configurationPath = try Self.configuration(in: directory)
    request.environments = [Self.snapshot("dev")]
    request.baseline = "dev"
    request.format = .github
    request.output = "comment.md"
    request.failOn = .never
    request.schemas = ["acme"]
    request.excludedSchemas = ["tmp_*"]
    let plan = try request.plan(collector: EnvironmentCollector(), date: Self.date)
    #expect(plan.baseline == "dev")
    #expect(plan.run.output.format == .github)
    #expect(plan.run.output.path == "comment.md")
    #expect(plan.run.output.pathPattern == nil)
    #expect(plan.run.failOn == .never)
    #expect(plan.run.filter == SchemaFilter(include: ["acme"], exclude: ["*_archive", "tmp_*"]))
  }

  @Test func sinceComparesTheOneEnvironmentWithItsNewestSavedSnapshot() throws {
    let directory = try Self.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let saved = directory.appendingPathComponent("prod")
    try FileManager.default.createDirectory(at: saved, withIntermediateDirectories: true)
    for name in ["2026-11-20T030000Z.json", "2026-11-21T030000Z.json", ".2026-11-22.json"] {
      try Data("{}".utf8).write(to: saved.appendingPathComponent(name))
    }
    var request = CompareRequest()
    request.environments = [Self.snapshot("prod")]
    request.since = directory.path
    let plan = try request.plan(collector: EnvironmentCollector(), date: Self.date)
    #expect(plan.sources.names == ["prod-previous", "prod"])
    #expect(
      plan.sources.environments.first?.source
        == .snapshotFile(saved.appendingPathComponent("2026-11-21T030000Z.json").path))
    #expect(plan.baseline == "prod")
    #expect(!plan.run.compareTenants)
    #expect(plan.run.command == "envdrift compare prod")

    request.environments.append(Self.snapshot("dev"))
    #expect(throws: CompareRequestError.self) {
      try request.plan(collector: EnvironmentCollector(), date: Self.date)
    }
    request.environments = [Self.snapshot("uat")]
    do {
      _ = try request.plan(collector: EnvironmentCollector(), date: Self.date)
      Issue.record("no saved snapshots for uat, yet planned")
    } catch {
      #expect(error.description.hasPrefix("no saved snapshots for uat in "), "\(error)")
    }
  }

  @Test func aMissingConfigurationFileIsAnErrorNamingIt() {
    var request = CompareRequest()
    request.configurationPath = "/nonexistent/envdrift.yml"
    do {
      _ = try request.plan(collector: EnvironmentCollector(), date: Self.date)
      Issue.record("planned without its configuration file")
    } catch {
      guard case .configuration(let error) = error else {
        Issue.record("\(error)")
        return
      }
      #expect(error.path == "/nonexistent/envdrift.yml")
    }
  }

  @Test func aPlannedRunOverSnapshotFilesReportsTheSeedIncidentsDrift() async throws {
    var request = CompareRequest()
    request.environments = ["dev", "uat", "prod"].map(Self.snapshot)
    request.format = .json
    request.output = "-"
    let plan = try request.plan(collector: EnvironmentCollector(now: Self.date), date: Self.date)
    let result = try await plan.run.compare(plan.sources, baseline: plan.baseline)
    #expect(result.outcome == .drift)
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
    #expect(document["baseline"] as? String == "prod")
    let findings = document["findings"] as? [[String: Any]] ?? []
    #expect(findings.contains { $0["kind"] as? String == "index.renamed" })
    #expect(result.comparison.findings.count == findings.count)
    // --fail-on never keeps the report and clears the exit code.
    request.failOn = .never
    let lenient = try request.plan(collector: EnvironmentCollector(now: Self.date), date: Self.date)
    #expect(
      try await lenient.run.compare(lenient.sources, baseline: lenient.baseline).outcome
        == .clean)
  }
}
