/// An error from libpq or the server, safe to show: it never holds a connection string or password.
///
/// The server's fields (SQLSTATE, detail, hint) are kept apart so that callers can react to a
/// condition, such as `57014` for a cancelled statement, without parsing the message.
public struct PostgresError: Error, CustomStringConvertible, Sendable, Hashable {
  /// What went wrong, at the level a caller decides on.
  public enum Kind: String, Sendable, Hashable {
    /// The connection string could not be parsed; nothing was contacted.
    case invalidConnectionString
    /// The server could not be reached or refused the connection.
    case connectionFailed
    /// A statement failed; the connection is still usable.
    case queryFailed
    /// The connection broke while a statement ran.
    case connectionLost
    /// The server sent nothing before envdrift's own deadline for a statement: a stalled
    /// network or server. The connection is closed.
    case timedOut
  }

  /// What went wrong, at the level a caller decides on.
  public var kind: Kind
  /// The primary message, from the server or libpq, with any secret removed.
  public var message: String
  /// The five-character SQLSTATE code, when the server sent one.
  public var sqlState: String?
  /// The server's detail line, when it sent one.
  public var detail: String?
  /// The server's hint, when it sent one.
  public var hint: String?

  /// Creates an error; `message` must already be free of secrets.
  public init(
    kind: Kind,
    message: String,
    sqlState: String? = nil,
    detail: String? = nil,
    hint: String? = nil
  ) {
    self.kind = kind
    self.message = message
    self.sqlState = sqlState
    self.detail = detail
    self.hint = hint
  }

  /// One line: the message, then the SQLSTATE, detail and hint where present.
  public var description: String {
    var text = message
    if let sqlState { text += " (SQLSTATE \(sqlState))" }
    if let detail, !detail.isEmpty { text += "; detail: \(detail)" }
    if let hint, !hint.isEmpty { text += "; hint: \(hint)" }
    return text
  }
}
