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
      "zero.json": "{\"formatVersion\": 0}",
      "negative.json": "{\"formatVersion\": -3}",
      "broken.mustache": "{{#causes}}\n{{text}}\n",
      "wrongshape.json": "{\"formatVersion\": 1, \"schemas\": 3}",
      "empty.json": "",
      "array.json": "[]",
    ]
    for (name, text) in files {
      try? text.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
    // Special files that must be refused at once, never read: a FIFO with no writer (reading
    // it would block for ever), a symbolic-link loop, and a directory that claims to be JSON.
    mkfifo(url.appendingPathComponent("fifo.json").path, 0o600)
    mkfifo(url.appendingPathComponent("fifo").path, 0o600)
    symlink(url.appendingPathComponent("loop-b").path, url.appendingPathComponent("loop-a").path)
    symlink(url.appendingPathComponent("loop-a").path, url.appendingPathComponent("loop-b").path)
    try? FileManager.default.createDirectory(
      at: url.appendingPathComponent("directory.json"), withIntermediateDirectories: true)
    try? (String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000))
      .write(to: url.appendingPathComponent("deep.json"), atomically: true, encoding: .utf8)
    try? ("environments:\n  a: " + String(repeating: "[", count: 100_000) + "\n")
      .write(to: url.appendingPathComponent("deep.yml"), atomically: true, encoding: .utf8)
    try? ("# " + String(repeating: "x", count: 2 << 20) + "\n")
      .write(to: url.appendingPathComponent("huge.yml"), atomically: true, encoding: .utf8)
    let depth = 20_000
    try? (String(repeating: "{{#a}}", count: depth) + String(repeating: "{{/a}}", count: depth))
      .write(to: url.appendingPathComponent("deep.mustache"), atomically: true, encoding: .utf8)
    return url
  }()

  static func file(_ name: String) -> String { directory.appendingPathComponent(name).path }

  static let cases: [Case] = [
    Case(arguments: ["compare"], message: "compare needs at least 2 environments"),
    Case(arguments: ["compare", "prod=x.json"], message: "compare needs at least 2 environments"),
    Case(arguments: ["compare", "dev", "prod=dbname=x"], message: "\"dev\" is not NAME=SOURCE"),
    Case(
      arguments: ["compare", "postgresql://u:Pw-9xq@db/app", "prod=dbname=x"],
      message: "an argument (not shown: it may hold a connection string) is not NAME=SOURCE"),
    Case(
      arguments: ["compare", "postgresql://u:Pw-9xq@db/app?sslmode=disable", "prod=dbname=x"],
      message: "environment name before the first '=' (not shown: it may hold a connection"),
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
      message: "environment name \"a\\u0001b\" is not valid"),
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
      message: "--statement-timeout must be a number of seconds from 0.001 to 2147483"),
    Case(
      arguments: ["compare", "dev=dbname=x", "prod=dbname=y", "--statement-timeout", "0.0001"],
      message: "--statement-timeout must be a number of seconds from 0.001"),
    Case(
      arguments: ["compare", "dev=dbname=x", "prod=dbname=y", "--statement-timeout", "-1"],
      message: "--statement-timeout must be a number of seconds from 0.001"),
    Case(
      arguments: ["compare", "dev=dbname=x", "prod=dbname=y", "--lock-timeout", "0.0001"],
      message: "--lock-timeout must be a number of seconds from 0.001"),
    Case(
      arguments: ["compare", "dev=\(file("fifo.json"))", "prod=\(file("future.json"))"],
      message: "cannot read snapshot file \(file("fifo.json")): it is a named pipe (FIFO), not a"
        + " regular file"),
    Case(
      arguments: ["compare", "dev=\(file("fifo"))", "prod=\(file("future.json"))"],
      message: "it is a named pipe (FIFO), not a regular file"),
    Case(
      arguments: ["compare", "dev=/dev/zero", "prod=\(file("future.json"))"],
      message: "cannot read snapshot file /dev/zero: it is a device, not a regular file"),
    Case(
      arguments: ["compare", "dev=\(file("loop-a"))", "prod=\(file("future.json"))"],
      message: "too many levels of symbolic links"),
    Case(
      arguments: ["compare", "dev=\(file("directory.json"))", "prod=\(file("future.json"))"],
      message: "directory.json: it is a directory, not a regular file"),
    Case(
      arguments: ["compare", "dev=\(file("zero.json"))", "prod=\(file("future.json"))"],
      message: "has format version 0, which no envdrift writes: this envdrift reads versions 1"),
    Case(
      arguments: ["compare", "dev=\(file("negative.json"))", "prod=\(file("future.json"))"],
      message: "has format version -3, which no envdrift writes"),
    Case(
      arguments: [
        "compare", "dev=\(file("notjson.json"))", "prod=\(file("notjson.json"))", "--template",
        file("fifo"),
      ], message: "cannot read template \(file("fifo")): it is a named pipe (FIFO)"),
    Case(
      arguments: [
        "compare", "dev=\(file("notjson.json"))", "prod=\(file("notjson.json"))", "--template",
        file("deep.mustache"),
      ], message: "line 1: sections nest more than 64 levels deep"),
    Case(
      arguments: [
        "compare", "dev=\(file("notjson.json"))", "prod=\(file("notjson.json"))", "--template",
        file("broken.mustache"),
      ],
      message: "is not valid Mustache: line 3, column 1: a section is never closed with {{/name}}"),
    Case(
      arguments: ["compare", "--config", file("fifo")],
      message: "fifo: it is a named pipe (FIFO), not a regular file"),
    Case(
      arguments: ["compare", "dev=\(file("deep.json"))", "prod=\(file("future.json"))"],
      message: "deep.json is not valid JSON"),
    Case(
      arguments: ["compare", "--config", file("deep.yml")],
      message: "deep.yml:2:"),
    Case(
      arguments: ["compare", "--config", file("huge.yml")],
      message: "huge.yml: it is larger than 1 MiB, the most accepted"),
    Case(
      arguments: ["verify", "git:--output=/tmp/envdrift-x:backend", "prod=dbname=y"],
      message: "--output=/tmp/envdrift-x is not a git ref"),
    Case(
      arguments: ["tenants", "main=git:main:backend"],
      message: "\"main\" is a code source (a directory or git:REF:path); tenants reads a"),
    Case(
      arguments: ["tenants", "main=/"],
      message: "\"main\" is a code source (a directory or git:REF:path); tenants reads a"),
    Case(
      arguments: ["snapshot", "main=git:main:backend"],
      message: "\"main\" is a code source (a directory or git:REF:path); snapshot reads a"),
    Case(
      arguments: ["compare", "a=git:main:", "b=git:next:", "prod=dbname=y"],
      message: "a and b are both code"),
    Case(
      arguments: ["compare", "--config", "/dev/zero"],
      message: "/dev/zero: it is a device, not a regular file"),
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
      message: "--connect-timeout must be a whole number of seconds from 1 to 2147483"),
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
      message: "--lock-timeout must be a number of seconds from 0.001"),
    Case(
      arguments: ["compare", "dev=dbname=x", "prod=dbname=y", "--statement-timeout", "1e999"],
      message: "--statement-timeout must be a number of seconds from 0.001 to 2147483"
    ),
    Case(
      arguments: ["compare", "dev=dbname=x", "prod=dbname=y", "--lock-timeout", "nan"],
      message: "--lock-timeout must be"
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

  /// The golden snapshot files of dev and prod, as `NAME=FILE` arguments.
  static let goldenSources: [String] = {
    let snapshots = TestFixtures.repositoryRoot.appendingPathComponent(
      "Tests/DriftReportTests/Golden")
    return ["dev", "prod"].map {
      "\($0)=\(snapshots.appendingPathComponent("\($0).snapshot.json").path)"
    }
  }()

  @Test func anOutputPathInAMissingOrReadOnlyDirectoryFailsWithoutLeavingFiles() throws {
    let workdir = Self.directory.appendingPathComponent("out-\(UUID())")
    let locked = workdir.appendingPathComponent("locked")
    try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: workdir) }
    let sources = Self.goldenSources
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

  @Test func anOutputThatIsADeviceAPipeOrALinkIsWrittenThroughNeverReplaced() throws {
    let workdir = Self.directory.appendingPathComponent("devices-\(UUID())")
    try FileManager.default.createDirectory(at: workdir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: workdir) }
    let sources = Self.goldenSources
    func kind(_ path: String) -> mode_t {
      var status = stat()
      return lstat(path, &status) == 0 ? status.st_mode & S_IFMT : 0
    }
    // Renamed over, /dev/null would become a regular file for every process on the machine.
    for force in [[], ["--force"]] {
      let null = try Envdrift.run(["compare"] + sources + ["--output", "/dev/null"] + force)
      #expect(null.status == 1, "\(null.error)")
      #expect(kind("/dev/null") == S_IFCHR, "/dev/null is still the device")
    }

    let fifo = workdir.appendingPathComponent("fifo").path
    #expect(mkfifo(fifo, 0o600) == 0)
    let received = Collected()
    let reader = Thread {
      let handle = FileHandle(forReadingAtPath: fifo)
      received.set(String(decoding: handle?.readDataToEndOfFile() ?? Data(), as: UTF8.self))
    }
    reader.start()
    let piped = try Envdrift.run(["compare"] + sources + ["--output", fifo, "--format", "json"])
    #expect(piped.status == 1, "\(piped.error)")
    for _ in 0..<100 where received.value == nil { Thread.sleep(forTimeInterval: 0.05) }
    #expect(received.value?.contains("\"findings\"") == true)
    #expect(kind(fifo) == S_IFIFO)

    let real = workdir.appendingPathComponent("real.md").path
    let link = workdir.appendingPathComponent("link.md").path
    try "old".write(toFile: real, atomically: true, encoding: .utf8)
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
    let refused = try Envdrift.run(["compare"] + sources + ["--output", link])
    #expect(refused.status == 2)
    #expect(try String(contentsOfFile: real, encoding: .utf8) == "old")
    let forced = try Envdrift.run(["compare"] + sources + ["--output", link, "--force"])
    #expect(forced.status == 1, "\(forced.error)")
    #expect(kind(link) == S_IFLNK, "the link is kept")
    #expect(try String(contentsOfFile: real, encoding: .utf8).contains("envdrift"))

    let folder = try Envdrift.run(["compare"] + sources + ["--output", workdir.path, "--force"])
    #expect(folder.status == 2)
    #expect(folder.error.contains("it is a directory"), "\(folder.error)")
  }
}

/// A value one thread sets and another reads.
private final class Collected: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: String?

  var value: String? { lock.withLock { stored } }

  func set(_ text: String) { lock.withLock { stored = text } }
}
