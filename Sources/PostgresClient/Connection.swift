import CLibPQ
import Foundation

/// One open connection to a PostgreSQL server, owning its `PGconn` and closing it in `deinit`.
///
/// Not `Sendable`: libpq allows one thread per connection, so each environment gets its own
/// connection inside its own task. Statements go through `PQsendQueryParams` only, with text
/// parameters, so no value is ever spliced into SQL.
///
/// Every statement has a deadline of envdrift's own (``ConnectionOptions/clientDeadlineMilliseconds``):
/// the connection is non-blocking, and envdrift waits for the socket with `poll`, so a server
/// or network that stops answering mid-result ends in ``PostgresError/Kind/timedOut`` instead of
/// a hang; the statement is then cancelled and the connection closed. TCP keepalives and
/// `tcp_user_timeout` are set too, unless the connection string sets them.
public final class Connection {
  private let handle: OpaquePointer
  private let scrubber: SecretScrubber
  /// How long to wait for each statement, in milliseconds.
  private let deadline: Int
  /// When every statement must be over, whatever its own deadline: the environment's.
  private let environmentDeadline: ContinuousClock.Instant?
  /// The environment's limit, in milliseconds, for the error that names it.
  private let environmentTimeout: Int
  /// Whether the last statement ran out of the environment's time rather than its own.
  private var outOfEnvironmentTime = false
  /// Set once a statement timed out: the connection is then unusable.
  private var broken = false

  /// The server's version string, such as `15.18 (Debian 15.18-0+deb12u1)`.
  public let serverVersion: String
  /// The server's version as a number, such as `150018`.
  public let serverVersionNumber: Int
  /// The database this connection is attached to.
  public let database: String
  /// The role this connection authenticated as.
  public let user: String

  /// Connects with `connectionString`; a failed attempt is freed and thrown without its secrets.
  ///
  /// The connection gets `application_name` and, unless the string or `PGCONNECT_TIMEOUT` sets
  /// one, the default connect timeout from `options`. Session limits are applied right after.
  public init(
    _ connectionString: ConnectionString,
    options: ConnectionOptions = ConnectionOptions(),
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(PostgresError) {
    var keywords: [String] = []
    var values: [String] = []
    if !connectionString.sets("connect_timeout"), environment["PGCONNECT_TIMEOUT"] == nil {
      var seconds = options.defaultConnectTimeout
      // The environment's deadline bounds the connection's start too (libpq counts whole
      // seconds, and waits at least 2).
      if let end = options.environmentDeadline {
        let left = ContinuousClock.now.duration(to: end).components.seconds + 1
        seconds = max(1, min(seconds, Int(left)))
      }
      keywords.append("connect_timeout")
      values.append(String(seconds))
    }
    // A peer that vanishes without closing the connection is noticed by the kernel too.
    let network = [
      ("keepalives", "1"), ("keepalives_idle", "10"), ("keepalives_interval", "5"),
      ("keepalives_count", "3"), ("tcp_user_timeout", String(options.clientDeadlineMilliseconds)),
    ]
    for (keyword, value) in network where !connectionString.sets(keyword) {
      keywords.append(keyword)
      values.append(value)
    }
    keywords.append("dbname")
    values.append(connectionString.raw)
    keywords.append("application_name")
    values.append(options.applicationName)

    let pointer = Self.withCStringArray(keywords) { keywordPointers in
      Self.withCStringArray(values) { valuePointers in
        PQconnectdbParams(keywordPointers, valuePointers, 1)
      }
    }
    guard let pointer else {
      throw PostgresError(kind: .connectionFailed, message: "libpq could not allocate a connection")
    }
    guard PQstatus(pointer) == CONNECTION_OK else {
      let message = connectionString.scrubber.scrub(Self.errorText(of: pointer))
      PQfinish(pointer)
      throw PostgresError(kind: .connectionFailed, message: message)
    }
    handle = pointer
    scrubber = connectionString.scrubber
    deadline = options.clientDeadlineMilliseconds
    environmentDeadline = options.environmentDeadline
    environmentTimeout = options.environmentTimeoutMilliseconds
    PQsetnonblocking(pointer, 1)
    serverVersionNumber = Int(PQserverVersion(pointer))
    serverVersion = PQparameterStatus(pointer, "server_version").map { String(cString: $0) } ?? ""
    database = PQdb(pointer).map { String(cString: $0) } ?? ""
    user = PQuser(pointer).map { String(cString: $0) } ?? ""
    try query(
      "SELECT set_config('statement_timeout', $1, false), set_config('lock_timeout', $2, false)",
      [String(options.statementTimeoutMilliseconds), String(options.lockTimeoutMilliseconds)]
    )
  }

  deinit {
    PQfinish(handle)
  }

  /// Runs one statement with text parameters and returns its rows copied into Swift values.
  ///
  /// Wraps `PQexecParams`; the `PGresult` is cleared before this returns. `nil` is SQL NULL.
  @discardableResult
  public func query(_ sql: String, _ parameters: [String?] = []) throws(PostgresError)
    -> QueryResult
  {
    let result = try execute(sql, parameters)
    defer { PQclear(result) }
    return Self.copy(result)
  }

  /// Runs one statement and hands each row to `body` as it arrives, never holding the whole
  /// result.
  ///
  /// Uses libpq's single-row mode (`PQsendQueryParams`, `PQsetSingleRowMode`): each row is its
  /// own small `PGresult`, cleared once `body` returns, so a catalog read of 180,000 columns
  /// needs memory for one row, not for all of them. The ``Row`` is valid only inside `body`:
  /// copy what you need out of it. If `body` throws, the rest of the result is read and
  /// dropped, so the connection stays usable.
  public func forEachRow(
    _ sql: String,
    _ parameters: [String?] = [],
    _ body: (Row) throws -> Void
  ) throws {
    let end = try send(sql, parameters)
    PQsetSingleRowMode(handle)
    var failure: (any Error)?
    while let result = try nextResult(by: end) {
      defer { PQclear(result) }
      guard failure == nil else { continue }
      switch PQresultStatus(result) {
      case PGRES_SINGLE_TUPLE:
        do {
          try body(Row(result: result, row: 0))
        } catch {
          failure = error
        }
      case PGRES_TUPLES_OK, PGRES_COMMAND_OK:
        break
      default:
        failure = error(from: result)
      }
    }
    if let failure { throw failure }
    if PQstatus(handle) != CONNECTION_OK {
      throw connectionLost()
    }
  }

  /// The error for a connection that libpq reports broken, with its message scrubbed.
  private func connectionLost() -> PostgresError {
    PostgresError(kind: .connectionLost, message: scrubber.scrub(Self.errorText(of: handle)))
  }

  /// Runs one statement and returns its successful result, which the caller must `PQclear`.
  ///
  /// A failed result is cleared here and thrown as an error. Like `PQexecParams`, the last
  /// result is the one returned; unlike it, the wait is bounded.
  private func execute(_ sql: String, _ parameters: [String?]) throws(PostgresError)
    -> OpaquePointer
  {
    let end = try send(sql, parameters)
    var last: OpaquePointer?
    while let result = try nextResult(by: end) {
      if let last { PQclear(last) }
      last = result
    }
    guard let result = last else { throw connectionLost() }
    switch PQresultStatus(result) {
    case PGRES_TUPLES_OK, PGRES_COMMAND_OK:
      return result
    default:
      let failure = error(from: result)
      PQclear(result)
      throw failure
    }
  }

  /// Sends one statement and flushes it to the server; returns the moment its answer must
  /// have arrived by.
  private func send(_ sql: String, _ parameters: [String?]) throws(PostgresError)
    -> ContinuousClock.Instant
  {
    guard !broken else { throw timedOut() }
    var end = ContinuousClock.now + .milliseconds(deadline)
    if let environmentDeadline, environmentDeadline < end {
      end = environmentDeadline
      outOfEnvironmentTime = true
    } else {
      outOfEnvironmentTime = false
    }
    let sent = Self.withOptionalCStringArray(parameters) { values in
      PQsendQueryParams(handle, sql, Int32(parameters.count), nil, values, nil, nil, 0)
    }
    guard sent == 1 else { throw connectionLost() }
    while true {
      let flushed = PQflush(handle)
      if flushed == 0 { return end }
      if flushed < 0 { throw connectionLost() }
      try wait(for: Int16(POLLIN | POLLOUT), until: end)
      if PQconsumeInput(handle) == 0 { throw connectionLost() }
    }
  }

  /// The statement's next result, or `nil` when it has none left; waits for the socket until
  /// `end` and no longer.
  private func nextResult(by end: ContinuousClock.Instant) throws(PostgresError) -> OpaquePointer? {
    while PQisBusy(handle) == 1 {
      try wait(for: Int16(POLLIN), until: end)
      if PQconsumeInput(handle) == 0 { throw connectionLost() }
    }
    return PQgetResult(handle)
  }

  /// Waits until the socket is ready for `events`, or throws ``PostgresError/Kind/timedOut``
  /// once `end` has passed, after asking the server to cancel the statement.
  private func wait(for events: Int16, until end: ContinuousClock.Instant) throws(PostgresError) {
    while true {
      let left = ContinuousClock.now.duration(to: end)
      guard left > .zero else {
        cancelInBackground()
        broken = true
        throw timedOut()
      }
      let milliseconds = Int32(
        clamping: max(
          1,
          left.components.seconds * 1_000
            + left.components.attoseconds / 1_000_000_000_000_000))
      var descriptor = pollfd(fd: PQsocket(handle), events: events, revents: 0)
      let ready = poll(&descriptor, 1, milliseconds)
      if ready > 0 { return }
      if ready < 0, errno != EINTR { throw connectionLost() }
    }
  }

  /// Asks the server to cancel the running statement, on a thread of its own.
  ///
  /// `PQcancel` opens a new connection and, on a stalled network, could itself wait. The
  /// server's own statement timeout ends the statement anyway.
  private func cancelInBackground() {
    guard let cancel = PQgetCancel(handle) else { return }
    let request = CancelRequest(cancel)
    Thread.detachNewThread {
      var buffer = [CChar](repeating: 0, count: 256)
      _ = PQcancel(request.pointer, &buffer, Int32(buffer.count))
      PQfreeCancel(request.pointer)
    }
  }

  /// The error for a statement that got no answer in time.
  private func timedOut() -> PostgresError {
    if outOfEnvironmentTime {
      let seconds = Double(environmentTimeout) / 1_000
      return PostgresError(
        kind: .timedOut,
        message: "reading this environment took longer than its limit of \(seconds.formatted()) s"
          + " (--environment-timeout); the statement was cancelled and the connection closed")
    }
    let seconds = Double(deadline) / 1_000
    return PostgresError(
      kind: .timedOut,
      message: "no answer from the server within \(seconds.formatted()) s (statement timeout plus"
        + " a second): the network or the server stalled; the statement was cancelled and the"
        + " connection closed"
    )
  }

  /// Quotes `identifier` for SQL with `PQescapeIdentifier`.
  public func quoteIdentifier(_ identifier: String) throws(PostgresError) -> String {
    let utf8 = Array(identifier.utf8)
    guard let escaped = PQescapeIdentifier(handle, identifier, utf8.count) else {
      throw PostgresError(kind: .queryFailed, message: scrubber.scrub(Self.errorText(of: handle)))
    }
    defer { PQfreemem(escaped) }
    return String(cString: escaped)
  }

  private func error(from result: OpaquePointer) -> PostgresError {
    func field(_ code: Int32) -> String? {
      PQresultErrorField(result, code).map { Self.oneLine(scrubber.scrub(String(cString: $0))) }
    }
    let primary = field(CLIBPQ_DIAG_MESSAGE_PRIMARY)
    let fallback = Self.oneLine(scrubber.scrub(String(cString: PQresultErrorMessage(result))))
    let lost = PQstatus(handle) != CONNECTION_OK
    return PostgresError(
      kind: lost ? .connectionLost : .queryFailed,
      message: primary ?? (fallback.isEmpty ? "the statement failed" : fallback),
      sqlState: field(CLIBPQ_DIAG_SQLSTATE),
      detail: field(CLIBPQ_DIAG_MESSAGE_DETAIL),
      hint: field(CLIBPQ_DIAG_MESSAGE_HINT)
    )
  }

  private static func copy(_ result: OpaquePointer) -> QueryResult {
    let rowCount = Int(PQntuples(result))
    let columnCount = Int(PQnfields(result))
    var columns: [String] = []
    columns.reserveCapacity(columnCount)
    for column in 0..<columnCount {
      columns.append(PQfname(result, Int32(column)).map { String(cString: $0) } ?? "")
    }
    var rows: [[String?]] = []
    rows.reserveCapacity(rowCount)
    for row in 0..<Int32(rowCount) {
      var values: [String?] = []
      values.reserveCapacity(columnCount)
      for column in 0..<Int32(columnCount) {
        if PQgetisnull(result, row, column) == 1 {
          values.append(nil)
        } else if let value = PQgetvalue(result, row, column) {
          let length = Int(PQgetlength(result, row, column))
          let bytes = UnsafeRawPointer(value)
          values.append(
            String(
              decoding: UnsafeRawBufferPointer(start: bytes, count: length),
              as: UTF8.self
            )
          )
        } else {
          values.append("")
        }
      }
      rows.append(values)
    }
    return QueryResult(columns: columns, rows: rows)
  }

  /// Joins a message's lines and folds its white space, so an error prints on one line.
  static func oneLine(_ text: String) -> String {
    text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
  }

  private static func errorText(of connection: OpaquePointer) -> String {
    guard let text = PQerrorMessage(connection) else { return "unknown libpq error" }
    let message = String(cString: text)
      .split(whereSeparator: \.isNewline)
      .map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty }
      .joined(separator: "; ")
    return message.isEmpty ? "unknown libpq error" : message
  }

  private static func withCStringArray<R>(
    _ strings: [String],
    _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R
  ) -> R {
    let duplicates = strings.map { strdup($0) }
    defer { for pointer in duplicates { free(pointer) } }
    var pointers: [UnsafePointer<CChar>?] = duplicates.map { $0.map { UnsafePointer($0) } }
    pointers.append(nil)
    return pointers.withUnsafeBufferPointer { buffer in
      // swift-format-ignore: NeverForceUnwrap
      body(buffer.baseAddress!)
    }
  }

  private static func withOptionalCStringArray<R>(
    _ strings: [String?],
    _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R
  ) -> R {
    let duplicates = strings.map { $0.map { strdup($0) } ?? nil }
    defer { for pointer in duplicates { free(pointer) } }
    let pointers: [UnsafePointer<CChar>?] = duplicates.map { $0.map { UnsafePointer($0) } }
    return pointers.withUnsafeBufferPointer { buffer in
      body(buffer.baseAddress)
    }
  }
}

/// A libpq cancel request handed to the thread that sends it.
private final class CancelRequest: @unchecked Sendable {
  let pointer: OpaquePointer

  init(_ pointer: OpaquePointer) {
    self.pointer = pointer
  }
}

/// One row of a result, read in place; valid only inside ``Connection/forEachRow(_:_:_:)``.
public struct Row {
  fileprivate let result: OpaquePointer
  fileprivate let row: Int32

  /// Whether column `column` (0-based) holds exactly `text`, compared in place, without
  /// making a `String`; `false` for SQL NULL.
  ///
  /// Catalog rows come grouped by table, so most rows name the same table as the one before:
  /// checking that costs no allocation.
  public func holds(_ column: Int, _ text: String) -> Bool {
    let field = Int32(column)
    guard PQgetisnull(result, row, field) == 0, let value = PQgetvalue(result, row, field) else {
      return false
    }
    let length = Int(PQgetlength(result, row, field))
    var text = text
    return text.withUTF8 { bytes in
      guard bytes.count == length else { return false }
      guard let start = bytes.baseAddress, length > 0 else { return true }
      return memcmp(value, start, length) == 0
    }
  }

  /// The value of column `column` (0-based) as text, or `nil` for SQL NULL.
  public subscript(_ column: Int) -> String? {
    let field = Int32(column)
    guard PQgetisnull(result, row, field) == 0, let value = PQgetvalue(result, row, field) else {
      return nil
    }
    let length = Int(PQgetlength(result, row, field))
    return String(
      decoding: UnsafeRawBufferPointer(start: UnsafeRawPointer(value), count: length),
      as: UTF8.self
    )
  }
}
