import DriftCode
import DriftCollect
import DriftModel
import DriftRunner
import Foundation
import TestSupport
import Testing

/// `SnapshotRun`, `VerifyRun` and `EnvironmentCollector` on snapshot files and a server that
/// is not there: what each returns, without a database.
@Suite("The runs behind snapshot, verify and every read")
struct RunTests {
  static func golden(_ name: String) -> EnvironmentSpec {
    EnvironmentSpec(
      name: name,
      source: .snapshotFile(
        CompareRequestTests.golden.appendingPathComponent("\(name).snapshot.json").path))
  }

  /// `environments` as a command's sources, in this order.
  static func sources(_ environments: EnvironmentSpec...) throws -> SourceList {
    try SourceList(environments.map(SourceArgument.environment))
  }

  /// A server nobody listens on: refused at once.
  static let down = EnvironmentSpec(
    name: "down", source: .database("host=127.0.0.1 port=1 dbname=app connect_timeout=2"))

  @Test func aSnapshotIsWrittenOnceAndOverwrittenOnlyWithForce() async throws {
    let directory = try CompareRequestTests.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("prod.json").path
    let run = SnapshotRun()
    let written = try await run.run(Self.golden("prod"), path: path, force: false)
    #expect(written.outcome == .clean)
    #expect(written.error == nil)
    #expect(written.output.hasPrefix("prod: 4 schemas, "), "\(written.output)")
    #expect(written.output.hasSuffix("snapshot written to \(path)\n"))
    let original = try SnapshotFile.read(
      path: CompareRequestTests.golden.appendingPathComponent("prod.snapshot.json").path)
    #expect(try SnapshotFile.read(path: path) == original)
    await #expect(throws: RunnerError.outputExists(path: path)) {
      try await run.run(Self.golden("prod"), path: path, force: false)
    }
    #expect(try await run.run(Self.golden("prod"), path: path, force: true).outcome == .clean)
    let standardOutput = try await run.run(Self.golden("prod"), path: "-", force: false)
    #expect(try SnapshotFile.decode(Data(standardOutput.output.utf8), path: "-") == original)
  }

  @Test func anOutputThatCannotBeWrittenIsRefusedBeforeAnyEnvironmentIsRead() async throws {
    let directory = try CompareRequestTests.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let existing = directory.appendingPathComponent("report.md").path
    try Data("kept\n".utf8).write(to: URL(fileURLWithPath: existing))
    let missingDirectory = directory.appendingPathComponent("nowhere/report.md").path
    let lines = Lines()
    var collector = EnvironmentCollector()
    collector.progress = { lines.append($0) }

    await #expect(throws: RunnerError.outputExists(path: existing)) {
      try await SnapshotRun(collector: collector).run(Self.down, path: existing, force: false)
    }
    var run = CompareRun(collector: collector)
    run.output.path = existing
    await #expect(throws: RunnerError.outputExists(path: existing)) {
      try await run.compare(try Self.sources(Self.golden("dev"), Self.down), baseline: nil)
    }
    await #expect(throws: RunnerError.outputExists(path: existing)) {
      try await run.tenants(Self.down, reference: nil)
    }
    run.output.path = directory.path
    await #expect(throws: RunnerError.self) {
      try await run.compare(try Self.sources(Self.golden("dev"), Self.down), baseline: nil)
    }
    run.output.path = missingDirectory
    await #expect(throws: RunnerError.self) {
      try await run.compare(try Self.sources(Self.golden("dev"), Self.down), baseline: nil)
    }
    #expect(lines.all.isEmpty, "an environment was read: \(lines.all)")
    #expect(try String(contentsOfFile: existing, encoding: .utf8) == "kept\n")

    run.output.path = existing
    run.output.force = true
    let forced = try await run.compare(
      try Self.sources(Self.golden("dev"), Self.golden("prod")), baseline: nil)
    #expect(forced.outcome != .usage)
    #expect(try String(contentsOfFile: existing, encoding: .utf8) != "kept\n")
  }

  @Test func aReportIsStampedWithTheRunsTimeAndItsFileDatedByIt() async throws {
    let directory = try CompareRequestTests.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let run = try #require(ISO8601DateFormatter().date(from: "2031-02-03T04:05:06Z"))
    let clock = try #require(ISO8601DateFormatter().date(from: "2026-01-01T00:00:00Z"))
    var compare = CompareRun(collector: EnvironmentCollector(now: clock), now: run)
    compare.output.reportsDirectory = directory.path
    let result = try await compare.compare(
      try Self.sources(Self.golden("dev"), Self.golden("prod")), baseline: nil)
    #expect(result.comparison.generatedAt == "2031-02-03T04:05:06Z")
    let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
    #expect(files == ["2031-02-03-dev-prod.md"], "\(files)")
    // The snapshots are freed before the report renders (it needs the comparison alone), and
    // that is timed apart from the engine.
    #expect(result.timings.map(\.phase) == ["collect", "compare", "free", "render", "write"])

    let verified = try await VerifyRun(format: .json, now: run).verify(
      code: TestFixtures.repositoryRoot.appendingPathComponent(
        "Tests/Fixtures/django-project/backend"
      ).path,
      environments: try Self.sources(Self.golden("prod")))
    #expect(verified.comparison.generatedAt == "2031-02-03T04:05:06Z")
  }

  @Test func aSnapshotOfAnEnvironmentThatCannotBeReadSaysWhyAndExits3() async throws {
    let result = try await SnapshotRun().run(Self.down, path: "-", force: false)
    #expect(result.outcome == .unreachable)
    #expect(result.output.isEmpty)
    #expect(result.error?.hasPrefix("down: ") == true, "\(result.error ?? "")")
  }

  @Test func environmentsComeBackInTheirOrderWithTheUnreachableOneMarked() async throws {
    for concurrency in [1, 4] {
      let lines = Lines()
      var collector = EnvironmentCollector(concurrency: concurrency)
      collector.progress = { lines.append($0) }
      let collected = try await collector.collect([
        Self.golden("dev"), Self.down, Self.golden("prod"),
      ])
      #expect(collected.map(\.name) == ["dev", "down", "prod"])
      #expect(collected.map { $0.snapshot == nil } == [false, true, false])
      #expect(collected[1].error?.isEmpty == false)
      #expect(lines.all.first == "down: reading")
      #expect(lines.all.last?.hasPrefix("down: could not be read in ") == true, "\(lines.all)")
    }
  }

  @Test func aMissingSnapshotFileIsAUsageErrorNotAnUnreachableEnvironment() async {
    let missing = EnvironmentSpec(name: "gone", source: .snapshotFile("/nonexistent/gone.json"))
    await #expect(throws: RunnerError.self) {
      try await EnvironmentCollector().collect([Self.golden("dev"), missing])
    }
  }

  @Test func verifyNamesEverySchemaThatNeedsMigratingAndExits1() async throws {
    let code = TestFixtures.repositoryRoot.appendingPathComponent(
      "Tests/Fixtures/django-project/backend"
    ).path
    let result = try await VerifyRun().verify(
      code: code, environments: try Self.sources(Self.golden("prod")))
    #expect(result.outcome == .drift)
    let lines = result.standardOutput.split(separator: "\n")
    #expect(lines.first == "code \(code): 7 migrations in 2 apps")
    #expect(lines.dropFirst().first?.hasPrefix("prod: 4 schemas need migrating") == true)
    let json = try await VerifyRun(format: .json).verify(
      code: code, environments: try Self.sources(Self.golden("prod")))
    #expect(json.outcome == .drift)
    #expect(json.comparison.findings.contains { $0.kind == FindingKind(.migration, .pending) })
    await #expect(throws: RunnerError.moreThanOneCode([code, "more"])) {
      try await VerifyRun().verify(
        code: code,
        environments: SourceList([.code(CodeSpec(name: "more", location: .directory(code)))]))
    }
  }
}

/// Progress lines one task writes and the test reads.
final class Lines: @unchecked Sendable {
  private let lock = NSLock()
  private var lines: [String] = []

  var all: [String] { lock.withLock { lines } }

  func append(_ line: String) { lock.withLock { lines.append(line) } }
}
