import Foundation
import TestSupport
import Testing

/// Bad input: each case gets one clear line on standard error, the usage exit code 2, no stack
/// trace, and no file left behind.
@Suite("Bad input", .serialized)
struct BadInputTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var arguments: [String]
    var message: String
    var status: Int32 = 2
    var testDescription: String { arguments.joined(separator: " ") }
  }

  static let directory: URL = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "envdrift-bad-input-\(UUID())")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    let files = [
      "notjson.json": "this is not json",
      "truncated.json": "{\"formatVersion\": 1, \"environment\": {\"name\": \"x\"",
      "future.json": "{\"formatVersion\": 42}",
      "wrongshape.json": "{\"formatVersion\": 1, \"schemas\": 3}",
      "empty.json": "",
      "array.json": "[]",
    ]
    for (name, text) in files {
      try? text.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    return url
  }()

  static func file(_ name: String) -> String { directory.appendingPathComponent(name).path }

  static let cases: [Case] = [
    Case(arguments: ["compare"], message: "compare needs at least 2 environments"),
    Case(arguments: ["compare", "prod=x.json"], message: "compare needs at least 2 environments"),
    Case(arguments: ["compare", "dev", "prod=dbname=x"], message: "\"dev\" is not NAME=SOURCE"),
    Case(
      arguments: ["compare", "=dbname=x", "prod=dbname=y"],
      message: "environment name \"\" is not valid"),
    Case(
      arguments: ["compare", "a b=dbname=x", "prod=dbname=y"],
      message: "environment name \"a b\" is not valid"),
    Case(
      arguments: ["compare", "../etc=dbname=x", "prod=dbname=y"],
      message: "environment name \"../etc\" is not valid"),
    Case(arguments: ["compare", "-x=dbname=x", "prod=dbname=y"], message: "Unknown option"),
    Case(
      arguments: ["compare", "a\u{1}b=dbname=x", "prod=dbname=y"],
      message: "environment name \"a\\u{1}b\" is not valid"),
    Case(
      arguments: ["compare", "dev=dbname=x", "dev=dbname=y"],
      message: "environment \"dev\" is listed twice"),
    Case(
      arguments: ["compare", "dev=dbname=x", "prod=dbname=y", "--baseline", "uat"],
      message: "--baseline uat is not one of the environments (dev, prod)"),
    Case(
      arguments: ["compare", "dev=dbname=x", "prod=dbname=y", "--format", "pdf"],
      message: "--format"),
    Case(
      arguments: ["compare", "dev=dbname=x", "prod=dbname=y", "--fail-on", "sometimes"],
      message: "--fail-on"),
    Case(
      arguments: ["compare", "dev=dbname=x", "prod=dbname=y", "--jobs", "0"],
      message: "--jobs must be between 1 and 64"),
    Case(
      arguments: ["compare", "dev=dbname=x", "prod=dbname=y", "--jobs", "many"], message: "--jobs"),
    Case(
      arguments: ["compare", "dev=dbname=x", "prod=dbname=y", "--statement-timeout", "0"],
      message: "timeouts must be greater than zero"),
    Case(
      arguments: ["compare", "dev=dbname=x", "prod=dbname=y", "--now", "yesterday"],
      message: "--now must be an ISO 8601 time"),
    Case(
      arguments: ["compare", "dev=dbname=x", "prod=dbname=y", "--unknown"],
      message: "Unknown option '--unknown'"),
    Case(
      arguments: ["compare", "dev=dbname=x", "prod=dbname=y", "--output"],
      message: "Missing value for '--output <output>'"),
    Case(arguments: ["frobnicate"], message: "Unexpected argument 'frobnicate'"),
    Case(
      arguments: ["compare", "dev=\(file("notjson.json"))", "prod=\(file("future.json"))"],
      message: "is not valid JSON"),
    Case(
      arguments: ["compare", "dev=\(file("truncated.json"))", "prod=\(file("notjson.json"))"],
      message: "is not valid JSON (is it truncated?)"),
    Case(
      arguments: ["compare", "dev=\(file("future.json"))", "prod=\(file("future.json"))"],
      message: "has format version 42, but this envdrift reads up to version 1"),
    Case(
      arguments: ["compare", "dev=\(file("wrongshape.json"))", "prod=\(file("future.json"))"],
      message: "is not an envdrift snapshot"),
    Case(
      arguments: ["compare", "dev=\(file("empty.json"))", "prod=\(file("future.json"))"],
      message: "is not valid JSON"),
    Case(
      arguments: ["compare", "dev=\(file("array.json"))", "prod=\(file("future.json"))"],
      message: "is not valid JSON"),
    Case(
      arguments: ["compare", "dev=/no/such/dir/x.json", "prod=\(file("future.json"))"],
      message: "cannot read snapshot file /no/such/dir/x.json: no such file or directory"),
    Case(
      arguments: [
        "compare", "dev=\(file("notjson.json"))", "prod=\(file("notjson.json"))", "--template",
        "/no/such.mustache",
      ], message: "cannot read template /no/such.mustache"),
    Case(arguments: ["tenants"], message: "Missing expected argument '<environment>'"),
    Case(arguments: ["tenants", "prod"], message: "\"prod\" is not NAME=SOURCE"),
    Case(arguments: ["snapshot"], message: "Missing expected argument '<environment>'"),
    Case(arguments: ["snapshot", "=x"], message: "environment name \"\" is not valid"),
    Case(arguments: ["snapshot", "x=\(file("future.json"))"], message: "has format version 42"),
    Case(
      arguments: ["snapshot", "x=dbname=x", "--connect-timeout", "-3"],
      message: "Missing value for '--connect-timeout"),
    Case(arguments: ["snapshot", "x=dbname=x", "extra"], message: "Unexpected argument 'extra'"),
    Case(
      arguments: ["compare", "--baseline"], message: "Missing value for '--baseline <baseline>'"),
    Case(arguments: ["compare", "--schema"], message: "Missing value for '--schema <schema>'"),
    Case(
      arguments: ["tenants", "a=dbname=x", "b=dbname=y"],
      message: "Unexpected argument 'b=dbname=y'"),
    Case(
      arguments: ["compare", String(repeating: "n", count: 64) + "=dbname=x", "b=dbname=y"],
      message: "is not valid"),
    Case(
      arguments: ["compare", "dev=dbname=x", "prod=dbname=y", "--connect-timeout", "ten"],
      message: "--connect-timeout"),
    Case(
      arguments: ["compare", "dev=dbname=x", "prod=dbname=y", "--lock-timeout", "0.0"],
      message: "timeouts must be greater than zero"),
    Case(
      arguments: ["compare", "dev=dbname=x", "prod=dbname=y", "--statement-timeout", "1e999"],
      message: "timeouts must be at most 2147483 seconds"
    ),
    Case(
      arguments: ["compare", "dev=dbname=x", "prod=dbname=y", "--lock-timeout", "nan"],
      message: "timeouts must be"
    ),
  ]

  @Test(arguments: cases)
  func badInputGetsOneClearLineAndExitCodeTwo(_ badInput: Case) throws {
    let workdir = Self.directory.appendingPathComponent("run-\(UUID())")
    try FileManager.default.createDirectory(at: workdir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: workdir) }
    let result = try Envdrift.run(badInput.arguments, in: workdir)
    #expect(result.status == badInput.status, "\(result.error)")
    let lines = result.error.split(separator: "\n")
    #expect(lines.count == 1, "expected one line, got: \(result.error)")
    #expect(result.error.hasPrefix("envdrift: "))
    #expect(result.error.contains(badInput.message), "\(result.error)")
    #expect(!result.error.contains("Fatal error") && !result.error.contains("Stack dump"))
    #expect(Envdrift.files(in: workdir).isEmpty, "a bad run left files behind")
  }

  @Test func anOutputPathInAMissingOrReadOnlyDirectoryFailsWithoutLeavingFiles() throws {
    let workdir = Self.directory.appendingPathComponent("out-\(UUID())")
    let locked = workdir.appendingPathComponent("locked")
    try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: workdir) }
    let snapshots = TestFixtures.repositoryRoot.appendingPathComponent(
      "Tests/DriftReportTests/Golden")
    let sources = [
      "dev=\(snapshots.appendingPathComponent("dev.snapshot.json").path)",
      "prod=\(snapshots.appendingPathComponent("prod.snapshot.json").path)",
    ]
    let missing = try Envdrift.run(
      ["compare"] + sources + ["--output", workdir.appendingPathComponent("nope/report.md").path])
    #expect(missing.status == 2)
    #expect(missing.error.contains("does not exist"))
    try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: locked.path)
    defer {
      try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: locked.path)
    }
    if getuid() != 0 {
      let readOnly = try Envdrift.run(
        ["compare"] + sources + ["--output", locked.appendingPathComponent("r.md").path])
      #expect(readOnly.status == 2)
      #expect(readOnly.error.contains("permission denied"))
    }
    let blocked = workdir.appendingPathComponent("file")
    try "x".write(to: blocked, atomically: true, encoding: .utf8)
    let notADirectory = try Envdrift.run(
      ["compare"] + sources + ["--output", blocked.appendingPathComponent("r.md").path])
    #expect(notADirectory.status == 2)
    #expect(Envdrift.files(in: workdir).sorted() == ["file", "locked"])
    // A directory where no file can be created, even by root: the snapshot is streamed to a
    // temporary file there, and the failure is one line with the system's reason.
    let unwritable = try Envdrift.run(
      ["snapshot", sources[0], "--output", "/proc/envdrift-\(UUID()).json"])
    #expect(unwritable.status == 2)
    #expect(unwritable.error.split(separator: "\n").count == 1)
    #expect(unwritable.error.hasSuffix("no such file or directory\n"), "\(unwritable.error)")
  }
}
