import Foundation
import PostgresClient

/// The throwaway PostgreSQL cluster that `scripts/with-postgres` started for the test run.
public enum TestPostgres {
  /// Whether a cluster is reachable through the `PG*` variables of `scripts/with-postgres`.
  public static var isAvailable: Bool {
    ProcessInfo.processInfo.environment["PGHOST"] != nil
  }

  /// Whether the run insists on a cluster (CI sets `ENVDRIFT_REQUIRE_POSTGRES=1`).
  public static var isRequired: Bool {
    ProcessInfo.processInfo.environment["ENVDRIFT_REQUIRE_POSTGRES"] == "1"
  }

  /// The password of the `postgres` role for TCP connections to 127.0.0.1.
  public static var tcpPassword: String {
    ProcessInfo.processInfo.environment["ENVDRIFT_TEST_PGPASSWORD"] ?? ""
  }

  /// The TCP port the cluster listens on at 127.0.0.1.
  public static var port: String {
    ProcessInfo.processInfo.environment["PGPORT"] ?? "5432"
  }

  /// The server log, in which every statement is logged with its `application_name`.
  public static var serverLog: String? {
    ProcessInfo.processInfo.environment["ENVDRIFT_TEST_SERVER_LOG"]
  }

  /// Whether the server is Debian's full build (contrib and ICU included), which must run every
  /// test; the PyPI builds of other versions lack some of it (see ``lacks(for:)``).
  public static var isFullBuild: Bool {
    (ProcessInfo.processInfo.environment["ENVDRIFT_TEST_PGBIN"] ?? "/usr/lib/postgresql")
      .hasPrefix("/usr/lib/postgresql")
  }

  /// What `sql` needs that this server build does not have (extensions it cannot create, ICU
  /// collations), or `nil` when it has everything; always `nil` on a full build, so that a
  /// missing package there fails the test instead of skipping it.
  public static func lacks(for sql: String) throws -> String? {
    guard !isFullBuild else { return nil }
    return try missingFeatures(for: sql) { try runPSQL(database: "postgres", arguments: $0) }
  }

  /// What `sql` needs that the server `psql` reaches lacks, asked through `psql`.
  static func missingFeatures(for sql: String, psql: ([String]) throws -> String) throws
    -> String?
  {
    var missing: [String] = []
    let lowered = sql.lowercased()
    if lowered.contains("provider = icu") || lowered.contains("provider=icu") {
      let probe =
        "BEGIN; CREATE COLLATION envdrift_icu_probe (provider = icu, locale = 'und'); ROLLBACK;"
      if (try? psql(["-c", probe])) == nil { missing.append("ICU") }
    }
    let available = Set(
      try psql(["-tA", "-c", "SELECT name FROM pg_available_extensions"])
        .split(separator: "\n").map(String.init))
    let pattern = #"create extension (if not exists )?"?([a-z0-9_]+)"?"#
    var rest = lowered[...]
    while let range = rest.range(of: pattern, options: .regularExpression) {
      let words = rest[range].split(separator: " ")
      let name = String(words.last ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "\""))
      if !available.contains(name), !missing.contains("extension \(name)") {
        missing.append("extension \(name)")
      }
      rest = rest[range.upperBound...]
    }
    return missing.isEmpty ? nil : missing.joined(separator: ", ")
  }

  /// Creates a new database with a unique name built from `prefix` and loads `sql` into it.
  public static func createDatabase(_ prefix: String, sql: String = "") throws -> TestDatabase {
    let name = "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
    try runPSQL(database: "postgres", arguments: ["-c", "CREATE DATABASE \"\(name)\""])
    let database = TestDatabase(name: name)
    if !sql.isEmpty {
      try database.load(sql)
    }
    return database
  }

  /// Runs `psql` quietly with `ON_ERROR_STOP`, throwing its error output when it fails.
  @discardableResult
  public static func runPSQL(database: String, arguments: [String], input: String? = nil) throws
    -> String
  {
    let result = try Subprocess.run(
      "psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", database] + arguments, input: input)
    guard result.status == 0 else {
      throw TestSupportError(message: "psql failed: " + result.error)
    }
    return result.output
  }
}

/// A database of the throwaway cluster made for one test.
public struct TestDatabase: Sendable {
  /// The database's name.
  public let name: String

  /// A connection string for it over the cluster's Unix socket.
  public var conninfo: String { "dbname=\(name)" }

  /// Runs `sql` (any number of statements) in the database through `psql`.
  public func load(_ sql: String) throws {
    try TestPostgres.runPSQL(database: name, arguments: ["-f", "-"], input: sql)
  }

  /// Runs `sql` and returns psql's unaligned, tuples-only output.
  public func scalar(_ sql: String) throws -> String {
    try TestPostgres.runPSQL(database: name, arguments: ["-tA", "-c", sql])
      .trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// Opens a libpq connection to the database.
  public func connect(options: ConnectionOptions = ConnectionOptions()) throws -> Connection {
    try Connection(ConnectionString(conninfo), options: options)
  }

  /// Drops the database, ending any session still attached.
  public func drop() {
    _ = try? TestPostgres.runPSQL(
      database: "postgres",
      arguments: ["-c", "DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)"]
    )
  }
}

/// A failure of the test scaffolding itself, not of the code under test.
public struct TestSupportError: Error, CustomStringConvertible {
  /// What failed.
  public let message: String

  /// Creates an error.
  public init(message: String) {
    self.message = message
  }
  /// The message.
  public var description: String { message }
}

/// Files kept beside the tests.
public enum TestFixtures {
  /// The repository's root directory.
  public static var repositoryRoot: URL {
    URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent()
      .deletingLastPathComponent()
      .deletingLastPathComponent()
  }

  /// `Tests/Fixtures`.
  public static var directory: URL {
    repositoryRoot.appendingPathComponent("Tests/Fixtures")
  }

  /// The names of migra's fixture cases, sorted.
  public static var migraCases: [String] {
    let folder = directory.appendingPathComponent("migra/fixtures")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.sorted()
  }

  /// The text of a file under `Tests/Fixtures`.
  public static func text(_ relativePath: String) throws -> String {
    try String(contentsOf: directory.appendingPathComponent(relativePath), encoding: .utf8)
  }

  /// Creates the role migra's fixtures grant to, once per cluster.
  public static func ensureMigraRole() throws {
    try TestPostgres.runPSQL(database: "postgres", arguments: ["-c", createMigraRole])
  }

  /// Creates the role migra's fixtures grant to on each of `clusters`.
  public static func ensureMigraRole(on clusters: [TestCluster]) throws {
    for cluster in clusters { try cluster.psql("postgres", ["-c", createMigraRole]) }
  }

  private static let createMigraRole =
    "DO $$ BEGIN CREATE ROLE schemainspect_test_role; "
    + "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
}

/// One of the clusters `scripts/with-postgres --pg N --pg M` started, for tests that compare
/// environments on different PostgreSQL majors.
public struct TestCluster: Sendable, CustomStringConvertible {
  /// The major version.
  public let major: Int
  /// The directory of its Unix socket.
  public let host: String
  /// Its port.
  public let port: String

  /// Every cluster of the run, the primary (`PGHOST`) first.
  public static var all: [TestCluster] {
    let environment = ProcessInfo.processInfo.environment
    let majors = (environment["ENVDRIFT_TEST_PG_VERSIONS"] ?? "").split(separator: " ")
    return majors.compactMap { major in
      guard let number = Int(major), let host = environment["ENVDRIFT_TEST_PG\(major)_HOST"],
        let port = environment["ENVDRIFT_TEST_PG\(major)_PORT"]
      else { return nil }
      return TestCluster(major: number, host: host, port: port)
    }
  }

  /// Whether the run must compare majors: `scripts/test` asks for it whenever it starts more
  /// than one cluster, so that a cross-version test can never be skipped unnoticed there.
  public static var isRequired: Bool {
    ProcessInfo.processInfo.environment["ENVDRIFT_REQUIRE_CROSS_VERSION"] == "1"
  }

  /// "PostgreSQL 18", for messages.
  public var description: String { "PostgreSQL \(major)" }

  /// A libpq connection string for `database` on this cluster.
  public func conninfo(_ database: String) -> String {
    "host=\(host) port=\(port) dbname=\(database)"
  }

  /// Runs psql against `database` on this cluster, stopping at the first error.
  @discardableResult
  public func psql(_ database: String, _ arguments: [String], input: String? = nil) throws
    -> String
  {
    try TestPostgres.runPSQL(
      database: database, arguments: ["-h", host, "-p", port] + arguments, input: input)
  }

  /// Creates a database with a unique name built from `prefix`, then runs each file of `files`
  /// (with `variables` set for psql) in it.
  public func createDatabase(
    _ prefix: String, files: [URL] = [], variables: [String: String] = [:]
  ) throws -> String {
    let name = "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
    try psql("postgres", ["-c", "CREATE DATABASE \"\(name)\""])
    for file in files {
      try psql(
        name,
        variables.sorted { $0.key < $1.key }.flatMap { ["-v", "\($0.key)=\($0.value)"] }
          + ["-f", file.path])
    }
    return name
  }

  /// What `sql` needs that this cluster's build lacks; see ``TestPostgres/lacks(for:)``.
  public func lacks(for sql: String) throws -> String? {
    let bin = ProcessInfo.processInfo.environment["ENVDRIFT_TEST_PG\(major)_BIN"] ?? ""
    guard !bin.hasPrefix("/usr/lib/postgresql") else { return nil }
    return try TestPostgres.missingFeatures(for: sql) { try psql("postgres", $0) }
  }

  /// Drops `database`, ending any session still attached.
  public func drop(_ database: String) {
    _ = try? psql("postgres", ["-c", "DROP DATABASE IF EXISTS \"\(database)\" WITH (FORCE)"])
  }
}

/// A psql session running `script` in the background, as another application or a migration
/// would, while a test reads the same database.
public final class BackgroundPSQL: @unchecked Sendable {
  private let process = Process()

  /// Starts psql on `database`, stopping at the first error, and feeds it `script`.
  public init(database: String, script: String) throws {
    // psql may be stopped before it has read everything: the write must not end the tests.
    signal(SIGPIPE, SIG_IGN)
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", database]
    let input = Pipe()
    process.standardInput = input
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let data = Data(script.utf8)
    Thread.detachNewThread {
      try? input.fileHandleForWriting.write(contentsOf: data)
      try? input.fileHandleForWriting.close()
    }
  }

  /// Whether psql is still running the script.
  public var isRunning: Bool { process.isRunning }

  /// Waits for psql to finish the script and returns its exit status.
  @discardableResult
  public func wait() -> Int32 {
    process.waitUntilExit()
    return process.terminationStatus
  }

  /// Stops psql if it is still running, and waits for it.
  public func stop() {
    if process.isRunning { process.terminate() }
    process.waitUntilExit()
  }
}
