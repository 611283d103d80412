import Foundation
import TestSupport
import Testing

@Suite(
  "Reliability: read-only, faults and hostile names", .enabled(if: TestPostgres.isAvailable),
  .serialized)
struct ReliabilityTests {
  static let seed = Result { try SeedDatabases.make() }

  /// The server logs every statement with its application name; envdrift's must all be reads.
  @Test func envdriftSendsOnlyReadOnlyStatements() throws {
    let databases = try Self.seed.get()
    let result = try Envdrift.run(
      [
        "compare", "dev=dbname=\(databases.dev.name)", "uat=dbname=\(databases.uat.name)",
        "prod=dbname=\(databases.prod.name)", "--output", "-",
      ]
    )
    #expect(result.status == 1)
    let log = try String(contentsOfFile: try #require(TestPostgres.serverLog), encoding: .utf8)
    var statements: [String] = []
    for line in log.split(separator: "\n") where line.contains(" app=envdrift ") {
      for marker in ["execute <unnamed>: ", "statement: "] {
        if let range = line.range(of: marker) {
          statements.append(String(line[range.upperBound...]))
        }
      }
    }
    #expect(statements.count > 30, "the server log holds no envdrift statements")
    let allowed = ["SELECT", "SHOW", "SET", "BEGIN", "COMMIT", "ROLLBACK", "WITH"]
    let writes = try Regex(
      #"(?i)\b(INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM|MERGE\s+INTO)\b"#)
    for statement in statements {
      let word =
        statement.drop { $0 == "(" }.split(separator: " ").first.map { String($0).uppercased() }
        ?? ""
      #expect(allowed.contains(word), "envdrift sent: \(statement)")
      #expect(statement.firstMatch(of: writes) == nil, "envdrift sent a write: \(statement)")
    }
  }

  static func lockedDatabase() throws -> (TestDatabase, Process, Pipe) {
    let database = try TestPostgres.createDatabase(
      "locked",
      sql: "CREATE TABLE django_migrations (id int, app text, name text, applied timestamptz);"
    )
    let locker = Process()
    locker.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    locker.arguments = ["psql", "-X", "-q", "-d", database.name]
    let input = Pipe()
    locker.standardInput = input
    locker.standardOutput = FileHandle.nullDevice
    try locker.run()
    input.fileHandleForWriting.write(
      Data(
        "BEGIN; LOCK TABLE django_migrations IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(30);\n".utf8)
    )
    for _ in 0..<100 {
      let held = try database.scalar(
        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'django_migrations' AND l.mode = 'AccessExclusiveLock' AND l.granted"
      )
      if held == "1" { break }
      Thread.sleep(forTimeInterval: 0.05)
    }
    return (database, locker, input)
  }

  /// Drops the database (ending the locking session with it) and waits for psql to leave.
  static func release(_ database: TestDatabase, _ locker: Process, _ input: Pipe) {
    database.drop()
    try? input.fileHandleForWriting.close()
    locker.waitUntilExit()
  }

  @Test func aLockOnAMigrationTableEndsInTheLockTimeoutNotAHang() throws {
    let databases = try Self.seed.get()
    let (database, locker, input) = try Self.lockedDatabase()
    defer { Self.release(database, locker, input) }
    let started = Date()
    let result = try Envdrift.run(
      [
        "compare", "locked=dbname=\(database.name)", "prod=dbname=\(databases.prod.name)",
        "--lock-timeout", "1", "--format", "json",
      ]
    )
    #expect(result.status == 3)
    #expect(result.output.contains("canceling statement due to lock timeout (SQLSTATE 55P03)"))
    #expect(result.output.contains("\"status\" : \"baseline\""))
    #expect(Date().timeIntervalSince(started) < 10)
  }

  @Test func aStatementTimeoutEndsTheRunWithSQLState57014() throws {
    let databases = try Self.seed.get()
    let (database, locker, input) = try Self.lockedDatabase()
    defer { Self.release(database, locker, input) }
    let result = try Envdrift.run(
      [
        "compare", "locked=dbname=\(database.name)", "prod=dbname=\(databases.prod.name)",
        "--lock-timeout", "30", "--statement-timeout", "1", "--format", "json",
      ]
    )
    #expect(result.status == 3)
    #expect(result.output.contains("canceling statement due to statement timeout (SQLSTATE 57014)"))
  }

  @Test func aBackendTerminatedMidSnapshotIsReportedAsUnreachable() throws {
    let databases = try Self.seed.get()
    let (database, locker, input) = try Self.lockedDatabase()
    defer { Self.release(database, locker, input) }
    let killer = Thread {
      for _ in 0..<200 {
        let killed =
          (try? database.scalar(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'envdrift' AND datname = current_database() AND wait_event_type = 'Lock'"
          )) ?? "0"
        if killed != "0" { return }
        Thread.sleep(forTimeInterval: 0.05)
      }
    }
    killer.start()
    let result = try Envdrift.run(
      [
        "compare", "locked=dbname=\(database.name)", "prod=dbname=\(databases.prod.name)",
        "--lock-timeout", "30", "--format", "json",
      ]
    )
    #expect(result.status == 3)
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
    let locked = try #require((document["environments"] as? [[String: Any]])?.first)
    #expect(locked["status"] as? String == "unreachable")
    let message = try #require(locked["error"] as? String)
    #expect(!message.contains("\n") && !message.contains("\t"))
    #expect(
      message.contains("terminating connection due to administrator command")
        || message.contains("server closed the connection unexpectedly"),
      "\(message)"
    )
  }

  /// Stops a cluster of its own (not the shared one) while envdrift waits inside a snapshot.
  @Test func aServerStoppedMidRunIsReportedAsUnreachable() throws {
    let directory = try Envdrift.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let output = directory.appendingPathComponent("out.json").path
    let status = directory.appendingPathComponent("status").path
    let script = """
      createdb gone
      psql -X -q -d gone -c 'CREATE TABLE django_migrations (id int, app text, name text, applied timestamptz)'
      (echo 'BEGIN; LOCK TABLE django_migrations IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(30);' \\
        | psql -X -q -d gone >/dev/null 2>&1 &)
      sleep 1
      "$ENVDRIFT" compare gone=dbname=gone prod="$PROD" --lock-timeout 30 --format json >"$OUT" 2>/dev/null &
      envdrift=$!
      sleep 2
      kill -QUIT "$(head -n 1 "$PGHOST/data/postmaster.pid")"
      wait "$envdrift"
      echo $? >"$STATUS"
      """
    var environment = ProcessInfo.processInfo.environment
    environment["ENVDRIFT"] = Envdrift.binary.path
    environment["PROD"] =
      TestFixtures.repositoryRoot
      .appendingPathComponent("Tests/DriftReportTests/Golden/prod.snapshot.json").path
    environment["OUT"] = output
    environment["STATUS"] = status
    _ = try Subprocess.run(
      TestFixtures.repositoryRoot.appendingPathComponent("scripts/with-postgres"),
      ["bash", "-c", script], environment: environment)
    let code = try String(contentsOfFile: status, encoding: .utf8).trimmingCharacters(
      in: .whitespacesAndNewlines)
    #expect(code == "3")
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output)))
        as? [String: Any]
    )
    let environments = try #require(document["environments"] as? [[String: Any]])
    #expect(environments.map { $0["status"] as? String } == ["unreachable", "baseline"])
    let message = try #require(environments.first?["error"] as? String)
    #expect(!message.contains("\n"))
    #expect(message.contains("connection") || message.contains("terminat"), "\(message)")
  }

  @Test func aPortThatNeverAnswersTimesOutWithoutHanging() throws {
    let databases = try Self.seed.get()
    let silent = try SilentListener()
    defer { silent.close() }
    let started = Date()
    let result = try Envdrift.run(
      [
        "compare", "mute=host=127.0.0.1 port=\(silent.port)", "prod=dbname=\(databases.prod.name)",
        "--connect-timeout", "2", "--format", "json",
      ]
    )
    #expect(result.status == 3)
    #expect(result.output.contains("\"status\" : \"unreachable\""))
    #expect(result.output.contains("timeout expired"))
    #expect(Date().timeIntervalSince(started) < 15)
  }

  @Test(arguments: [600, 4_000, 12_000])
  func aNetworkThatStallsMidResultEndsWithinTheTimeoutPlusASecond(afterBytes limit: Int) throws {
    let databases = try Self.seed.get()
    let proxy = try StallingProxy(limit: limit, target: UInt16(TestPostgres.port) ?? 5432)
    defer { proxy.close() }
    let started = Date()
    let result = try Envdrift.run(
      [
        "compare",
        "stalled=host=127.0.0.1 port=\(proxy.port) user=postgres dbname=\(databases.dev.name)",
        "prod=dbname=\(databases.prod.name)", "--statement-timeout", "2", "--connect-timeout", "2",
        "--format", "json",
      ],
      environment: ["PGPASSWORD": TestPostgres.tcpPassword], killAfter: 30
    )
    let elapsed = Date().timeIntervalSince(started)
    #expect(result.status == 3, "\(result.error)")
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
    let environments = try #require(document["environments"] as? [[String: Any]])
    let stalled = environments.first { $0["name"] as? String == "stalled" }
    #expect(stalled?["status"] as? String == "unreachable")
    let reason = stalled?["error"] as? String ?? ""
    #expect(
      reason.contains("no answer from the server within 3 s") || reason.contains("timeout expired"),
      "\(reason)")
    #expect(
      environments.first { $0["name"] as? String == "prod" }?["status"] as? String == "baseline")
    // Two seconds of statement timeout, one of grace, and the connection's own start.
    #expect(elapsed < 3 + 1 + 2, "took \(elapsed) s")
  }

  @Test func aSlowNetworkEndsAtTheEnvironmentsTimeoutPlusASecond() throws {
    let databases = try Self.seed.get()
    // Every answer arrives 0.3 s late: no statement stalls, but a snapshot's 20-odd statements
    // would take several seconds.
    let proxy = try StallingProxy(
      limit: .max, target: UInt16(TestPostgres.port) ?? 5432, delay: 0.3)
    defer { proxy.close() }
    let started = Date()
    let result = try Envdrift.run(
      [
        "compare",
        "slow=host=127.0.0.1 port=\(proxy.port) user=postgres dbname=\(databases.dev.name)",
        "prod=dbname=\(databases.prod.name)", "--environment-timeout", "2",
        "--statement-timeout", "5", "--connect-timeout", "5", "--format", "json",
      ],
      environment: ["PGPASSWORD": TestPostgres.tcpPassword], killAfter: 30
    )
    let elapsed = Date().timeIntervalSince(started)
    #expect(result.status == 3, "\(result.error)")
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
    let environments = try #require(document["environments"] as? [[String: Any]])
    let slow = environments.first { $0["name"] as? String == "slow" }
    #expect(slow?["status"] as? String == "unreachable")
    #expect(
      (slow?["error"] as? String)?.contains(
        "reading this environment took longer than its limit of 2 s (--environment-timeout)")
        == true, "\(slow?["error"] ?? "")")
    #expect(
      environments.first { $0["name"] as? String == "prod" }?["status"] as? String == "baseline")
    // Two seconds of environment timeout, one of grace, and the process's own start.
    #expect(elapsed < 2 + 1 + 1.5, "took \(elapsed) s")
  }

  @Test func hostileIdentifiersSurviveEndToEnd() throws {
    let names = [
      "pipe|name", "<img src=x onerror=alert(1)>", "*emph* _u_", "new\nline", "select", "Ünï 🐘",
      "back`tick",
    ]
    var sql = "CREATE SCHEMA \"sch|<b>\";\n"
    for name in names {
      let quoted = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
      sql += "CREATE TABLE \"sch|<b>\".\(quoted) (\(quoted) int);\n"
    }
    let left = try TestPostgres.createDatabase("hostile_a", sql: sql)
    defer { left.drop() }
    var changed = sql
    for name in names {
      let quoted = "\"" + name + "\""
      changed += "ALTER TABLE \"sch|<b>\".\(quoted) ALTER COLUMN \(quoted) TYPE bigint;\n"
      changed += "CREATE INDEX ON \"sch|<b>\".\(quoted) (\(quoted));\n"
    }
    let right = try TestPostgres.createDatabase("hostile_b", sql: changed)
    defer { right.drop() }
    let json = try Envdrift.run([
      "compare", "a=dbname=\(left.name)", "b=dbname=\(right.name)", "--format", "json",
    ])
    #expect(json.status == 1)
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
    let findings = try #require(document["findings"] as? [[String: Any]])
    for name in names {
      #expect(
        findings.contains {
          $0["kind"] as? String == "column.changed" && $0["name"] as? String == name
            && $0["table"] as? String == name
        })
    }
    for format in ["markdown", "github"] {
      let report = try Envdrift.run([
        "compare", "a=dbname=\(left.name)", "b=dbname=\(right.name)", "--format", format,
        "--output", "-",
      ])
      let html = try CommonMark.html(report.output)
      #expect(!html.contains("<img") && !html.contains("<b>") && !html.contains("<em>"))
      #expect(html.contains("pipe|name") && html.contains("Ünï 🐘") && html.contains("new\\nline"))
    }
  }
}

/// A TCP port on 127.0.0.1 that accepts connections and never says a word.
final class SilentListener {
  let descriptor: Int32
  let port: UInt16

  init() throws {
    let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketDescriptor, $0, length) }
    }
    guard bound == 0, listen(socketDescriptor, 8) == 0 else {
      _ = Glibc.close(socketDescriptor)
      throw TestSupportError(message: "cannot listen on 127.0.0.1")
    }
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        getsockname(socketDescriptor, $0, &length)
      }
    }
    descriptor = socketDescriptor
    port = UInt16(bigEndian: address.sin_port)
  }

  func close() {
    _ = Glibc.close(descriptor)
  }
}

/// A TCP proxy on 127.0.0.1 to the test cluster that stalls mid-result.
///
/// It forwards the server's first `limit` bytes of each connection and then nothing, keeping
/// the socket open. Every socket is closed by ``close()``, which ends its threads.
final class StallingProxy: @unchecked Sendable {
  private let listener: SilentListener
  private let limit: Int
  private let target: UInt16
  /// How long each chunk from the server waits before it is forwarded: a slow network.
  private let delay: TimeInterval
  private let lock = NSLock()
  private var sockets: [Int32] = []
  private var closed = false

  var port: UInt16 { listener.port }

  init(limit: Int, target: UInt16, delay: TimeInterval = 0) throws {
    listener = try SilentListener()
    self.limit = limit
    self.target = target
    self.delay = delay
    Thread.detachNewThread { [self] in acceptLoop() }
  }

  private func track(_ descriptor: Int32) -> Bool {
    lock.withLock {
      guard !closed else { return false }
      sockets.append(descriptor)
      return true
    }
  }

  private func acceptLoop() {
    while true {
      let client = accept(listener.descriptor, nil, nil)
      guard client >= 0, track(client) else { return }
      let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      guard track(server) else { return }
      var address = sockaddr_in()
      address.sin_family = sa_family_t(AF_INET)
      address.sin_addr.s_addr = inet_addr("127.0.0.1")
      address.sin_port = target.bigEndian
      let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
      }
      guard connected == 0 else { continue }
      Thread.detachNewThread { [self] in pump(from: client, to: server, limit: .max, delay: 0) }
      Thread.detachNewThread { [self] in
        pump(from: server, to: client, limit: limit, delay: delay)
      }
    }
  }

  /// Copies bytes until `limit` have gone through, then reads and drops the rest.
  private func pump(from source: Int32, to destination: Int32, limit: Int, delay: TimeInterval) {
    var buffer = [UInt8](repeating: 0, count: 16_384)
    var forwarded = 0
    while true {
      let count = buffer.withUnsafeMutableBytes { recv(source, $0.baseAddress, $0.count, 0) }
      guard count > 0 else { return }
      let allowed = min(count, max(0, limit - forwarded))
      if delay > 0 { Thread.sleep(forTimeInterval: delay) }
      if allowed > 0 {
        let sent = buffer.withUnsafeBytes {
          send(destination, $0.baseAddress, allowed, Int32(MSG_NOSIGNAL))
        }
        guard sent == allowed else { return }
        forwarded += allowed
      }
    }
  }

  func close() {
    let all = lock.withLock {
      closed = true
      return sockets
    }
    listener.close()
    for descriptor in all {
      _ = shutdown(descriptor, Int32(SHUT_RDWR))
      _ = Glibc.close(descriptor)
    }
  }
}
