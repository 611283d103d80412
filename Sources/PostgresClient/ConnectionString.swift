import CLibPQ
import Foundation

/// A connection string as libpq understands it, parsed without connecting.
///
/// Accepts everything libpq accepts: a `postgresql://` URI, `key=value` pairs, `service=name`, a
/// bare database name, or the empty string (then libpq reads the `PG*` environment variables).
public struct ConnectionString: Sendable, Hashable {
  /// The text as the user gave it, which may hold a password: never print it.
  let raw: String
  /// The parameters the string sets explicitly, passwords included.
  let parameters: [String: String]
  /// Removes this string's secrets (and `PGPASSWORD`'s) from any message about it.
  public let scrubber: SecretScrubber

  /// Parses `text` with `PQconninfoParse`; a malformed string throws with a secret-free message.
  public init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment)
    throws(PostgresError)
  {
    let scrubber = SecretScrubber(conninfo: text, environment: environment)
    SecretRegistry.shared.register(scrubber)
    self.raw = text
    self.scrubber = scrubber
    if text.contains("\0") {
      throw PostgresError(
        kind: .invalidConnectionString,
        message: "invalid connection string: it contains a NUL byte"
      )
    }
    let looksLikeConninfo =
      text.contains("=") || text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    guard looksLikeConninfo else {
      parameters = text.isEmpty ? [:] : ["dbname": text]
      return
    }
    var errorMessage: UnsafeMutablePointer<CChar>?
    guard let options = PQconninfoParse(text, &errorMessage) else {
      let message = errorMessage.map { String(cString: $0) } ?? "out of memory"
      if let errorMessage { PQfreemem(errorMessage) }
      throw PostgresError(
        kind: .invalidConnectionString,
        message: "invalid connection string: "
          + Self.maskingQuotedWords(
            scrubber.scrub(message.trimmingCharacters(in: .whitespacesAndNewlines)))
      )
    }
    defer { PQconninfoFree(options) }
    var found: [String: String] = [:]
    var cursor = options
    while let keyword = cursor.pointee.keyword {
      if let value = cursor.pointee.val {
        found[String(cString: keyword)] = String(cString: value)
      }
      cursor += 1
    }
    parameters = found
  }

  /// A libpq parse error with every quoted piece but a connection keyword masked.
  ///
  /// libpq's parse errors quote a piece of the string (`missing "=" after "s3cret"`,
  /// `invalid URI query parameter: "…"`). A password with a space, or a half-typed one, can be
  /// that piece without being recognisable as a password, so every quoted piece but a known
  /// connection keyword is masked.
  static func maskingQuotedWords(_ message: String) -> String {
    let parts = message.split(separator: "\"", omittingEmptySubsequences: false)
    guard parts.count >= 3 else { return message }
    var result = String(parts[0])
    for (offset, part) in parts.dropFirst().enumerated() {
      let quoted = offset % 2 == 0
      if quoted, offset + 1 < parts.count - 1, !Self.keywords.contains(String(part)),
        part != "="
      {
        result += "\"" + SecretScrubber.mask
      } else {
        result += "\"" + part
      }
    }
    return result
  }

  /// The keywords this libpq knows, from `PQconndefaults`.
  static let keywords: Set<String> = {
    guard let options = PQconndefaults() else { return [] }
    defer { PQconninfoFree(options) }
    var found = Set<String>()
    var cursor = options
    while let keyword = cursor.pointee.keyword {
      found.insert(String(cString: keyword))
      cursor += 1
    }
    return found
  }()

  /// Whether the string sets `keyword` itself (not through the environment).
  public func sets(_ keyword: String) -> Bool {
    parameters[keyword] != nil
  }

  /// A form safe to print: `postgresql://user@host:port/dbname` or `service=name`, never a password.
  ///
  /// Parts the string leaves to the environment are left out rather than guessed.
  public var redacted: String {
    scrubber.scrub(unscrubbedRedacted)
  }

  private var unscrubbedRedacted: String {
    if let service = parameters["service"], parameters["host"] == nil {
      return "service=\(service)"
    }
    var text = "postgresql://"
    if let user = parameters["user"] { text += "\(user)@" }
    if let host = parameters["host"] {
      text += host.hasPrefix("/") ? "[\(host)]" : host
    }
    if let port = parameters["port"] { text += ":\(port)" }
    if let dbname = parameters["dbname"] { text += "/\(dbname)" }
    return text
  }
}
