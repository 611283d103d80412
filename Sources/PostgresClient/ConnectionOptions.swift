/// How envdrift connects and how long it lets the server work.
public struct ConnectionOptions: Sendable, Hashable {
  /// Seconds to wait for the connection when the connection string and `PGCONNECT_TIMEOUT` set none.
  public var defaultConnectTimeout: Int
  /// The longest any one statement may run, in milliseconds (`statement_timeout`).
  public var statementTimeoutMilliseconds: Int
  /// The longest a statement may wait for a lock, in milliseconds (`lock_timeout`).
  public var lockTimeoutMilliseconds: Int
  /// The `application_name` the server sees, so that its logs can tell envdrift's sessions apart.
  public var applicationName: String
  /// The longest reading one environment may take as a whole, in milliseconds: every
  /// statement of every connection to it ends by then, however many statements there are.
  public var environmentTimeoutMilliseconds: Int
  /// When reading the environment must be over: set when its read starts (see
  /// ``startingNow()``); `nil` leaves each statement to its own deadline alone.
  public var environmentDeadline: ContinuousClock.Instant?

  /// These options with the environment's deadline set from now.
  public func startingNow() -> ConnectionOptions {
    var options = self
    options.environmentDeadline = .now + .milliseconds(environmentTimeoutMilliseconds)
    return options
  }

  /// How long a catalog statement may wait for a lock, in milliseconds: 200, or the lock
  /// timeout when that is shorter.
  ///
  /// The server's deparse functions lock the objects they print. A statement that waits this
  /// long gives way (the snapshot is taken again), so that envdrift never stands in a
  /// migration's lock queue, and never long enough for the server to pick the migration as a
  /// deadlock's victim (`deadlock_timeout` is a second by default).
  public var catalogLockTimeoutMilliseconds: Int {
    min(200, lockTimeoutMilliseconds)
  }

  /// How long envdrift itself waits for any one statement's answer, in milliseconds: the
  /// statement timeout plus a second, so that the server's own limit, which ends the statement
  /// cleanly, fires first whenever the server and the network are alive.
  public var clientDeadlineMilliseconds: Int {
    statementTimeoutMilliseconds + 1_000
  }

  /// The longest timeout PostgreSQL accepts, in seconds (`INT_MAX` milliseconds, about 24 days).
  public static let maximumSeconds: Double = 2_147_483

  /// A statement or lock timeout given in seconds, as the milliseconds PostgreSQL takes (at
  /// least 1); `nil` for a negative, zero, non-finite or too large value, or one under 1 ms,
  /// since PostgreSQL takes 0 to mean "no limit" and a cron job must never wait for ever.
  public static func milliseconds(fromSeconds seconds: Double) -> Int? {
    guard seconds.isFinite, seconds > 0, seconds <= maximumSeconds else { return nil }
    let milliseconds = (seconds * 1000).rounded()
    guard milliseconds >= 1 else { return nil }
    return Int(milliseconds)
  }

  /// What ``milliseconds(fromSeconds:)`` accepts, for error messages.
  public static let acceptedSeconds =
    "a number of seconds from 0.001 to \(Int(maximumSeconds)) (there is no \"no limit\")"

  /// Creates options; the defaults are 10 s to connect, 60 s per statement, 5 s per lock and
  /// 600 s per environment.
  public init(
    defaultConnectTimeout: Int = 10,
    statementTimeoutMilliseconds: Int = 60_000,
    lockTimeoutMilliseconds: Int = 5_000,
    environmentTimeoutMilliseconds: Int = 600_000,
    applicationName: String = "envdrift"
  ) {
    self.defaultConnectTimeout = defaultConnectTimeout
    self.statementTimeoutMilliseconds = statementTimeoutMilliseconds
    self.lockTimeoutMilliseconds = lockTimeoutMilliseconds
    self.environmentTimeoutMilliseconds = environmentTimeoutMilliseconds
    self.applicationName = applicationName
  }
}
