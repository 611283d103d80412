import Foundation

/// Removes passwords from text that libpq, the server or envdrift itself produced.
///
/// libpq echoes parts of a malformed connection string in its messages (`missing "=" after
/// "s3cret"`), and a server echoes a database name that may hold a whole URI, so every message
/// that leaves this module passes through a scrubber that knows the secrets of the connection
/// string it came from. ``SecretRegistry`` gathers the secrets of every argument, configuration
/// file and connection string of the process for the last line of defence, standard error.
public struct SecretScrubber: Sendable, Hashable {
  /// The literal secrets to remove, longest first so that no part of one survives another.
  public private(set) var secrets: [String]

  /// The text put where a secret was.
  public static let mask = "********"

  /// Creates a scrubber for the secrets of `conninfo`, of the `PGPASSWORD` environment variable
  /// and of the service file entry that `conninfo` or `PGSERVICE` names.
  public init(conninfo: String, environment: [String: String] = ProcessInfo.processInfo.environment)
  {
    var found = Self.passwordCandidates(in: conninfo)
    if let password = environment["PGPASSWORD"] { found.append(password) }
    found += ServiceFile.passwords(conninfo: conninfo, environment: environment)
    self.init(secrets: found)
  }

  /// Creates a scrubber for explicit secrets.
  public init(secrets: [String]) {
    self.secrets = Set(secrets).filter { !$0.isEmpty }.sorted { ($0.count, $0) > ($1.count, $1) }
  }

  /// Returns `text` with every known secret replaced by ``mask``.
  public func scrub(_ text: String) -> String {
    var result = text
    for secret in secrets where result.contains(secret) {
      result = result.replacingOccurrences(of: secret, with: Self.mask)
    }
    return result
  }

  /// A scrubber that removes the secrets of both.
  public func merging(_ other: SecretScrubber) -> SecretScrubber {
    SecretScrubber(secrets: secrets + other.secrets)
  }

  /// Everything in `text` that may be a password, whether or not it parses, wherever it stands
  /// (a whole argument, a `dbname` that holds a URI, a line of a configuration file).
  ///
  /// Covers the `user:password@` part of every `postgres://` or `postgresql://` URI in any
  /// letter case, `password=` in a URI query (with the key percent-encoded or not), and
  /// `password = value` in key/value form, quoted (with backslash escapes) or not, or with the
  /// `=` forgotten. Each value is kept raw, percent-decoded and unescaped.
  public static func passwordCandidates(in text: String) -> [String] {
    var candidates: [String] = []
    func add(_ value: Substring) {
      let raw = String(value)
      candidates.append(raw)
      if let decoded = raw.removingPercentEncoding { candidates.append(decoded) }
    }
    let scalars = Array(text.unicodeScalars)
    let lowered = scalars.map { scalar in
      ("A"..."Z").contains(scalar) ? Unicode.Scalar(UInt8(scalar.value) | 0x20) : scalar
    }
    var index = 0
    while let start = uriStart(in: lowered, from: index) {
      var end = start
      while end < scalars.count, !scalars[end].properties.isWhitespace, scalars[end] != "\"",
        scalars[end] != "'"
      {
        end += 1
      }
      let uri = String(String.UnicodeScalarView(scalars[start..<end]))
      uriPasswords(uri).forEach(add)
      index = max(end, start + 1)
    }
    candidates += keywordPasswords(in: text)
    return candidates
  }

  /// Where the next `postgres://` or `postgresql://` (any case) starts at or after `from`.
  private static func uriStart(in lowered: [Unicode.Scalar], from: Int) -> Int? {
    let prefix = Array("postgres".unicodeScalars)
    var index = from
    while index + prefix.count + 3 <= lowered.count {
      if Array(lowered[index..<index + prefix.count]) == prefix {
        var cursor = index + prefix.count
        if cursor < lowered.count, lowered[cursor] == "q" {
          guard cursor + 2 < lowered.count, lowered[cursor + 1] == "l" else {
            index += 1
            continue
          }
          cursor += 2
        }
        if cursor + 3 <= lowered.count, lowered[cursor] == ":", lowered[cursor + 1] == "/",
          lowered[cursor + 2] == "/"
        {
          return index
        }
      }
      index += 1
    }
    return nil
  }

  /// The password of a URI's user information and of its `password` query parameters.
  private static func uriPasswords(_ uri: String) -> [Substring] {
    var results: [Substring] = []
    guard let schemeEnd = uri.range(of: "://") else { return results }
    let afterScheme = uri[schemeEnd.upperBound...]
    let authority = afterScheme.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
    if let at = authority.lastIndex(of: "@") {
      let userInfo = authority[..<at]
      if let colon = userInfo.firstIndex(of: ":") {
        results.append(userInfo[userInfo.index(after: colon)...])
      }
    }
    if let question = afterScheme.firstIndex(of: "?") {
      for pair in afterScheme[afterScheme.index(after: question)...].split(separator: "&") {
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let key = String(parts[0]).removingPercentEncoding ?? String(parts[0])
        if parts.count == 2, key.lowercased().trimmingCharacters(in: .whitespaces) == "password" {
          results.append(parts[1])
        }
      }
    }
    return results
  }

  private static func keywordPasswords(in conninfo: String) -> [String] {
    var results: [String] = []
    let characters = Array(conninfo.unicodeScalars)
    let keyword = Array("password".unicodeScalars)
    var index = 0
    while index + keyword.count <= characters.count {
      let window = characters[index..<index + keyword.count].map {
        $0.properties.lowercaseMapping.unicodeScalars.first ?? $0
      }
      guard window == keyword else {
        index += 1
        continue
      }
      var cursor = index + keyword.count
      while cursor < characters.count, characters[cursor].properties.isWhitespace { cursor += 1 }
      guard cursor < characters.count, characters[cursor] == "=" else {
        // `password secret` (a missing "=") still names a secret in the next word.
        if cursor < characters.count, cursor > index + keyword.count {
          let word = characters[cursor...].prefix { !$0.properties.isWhitespace }
          results.append(String(String.UnicodeScalarView(word)))
        }
        index = max(cursor, index + 1)
        continue
      }
      cursor += 1
      while cursor < characters.count, characters[cursor].properties.isWhitespace { cursor += 1 }
      var value = String.UnicodeScalarView()
      var raw = String.UnicodeScalarView()
      if cursor < characters.count, characters[cursor] == "'" {
        cursor += 1
        while cursor < characters.count, characters[cursor] != "'" {
          if characters[cursor] == "\\", cursor + 1 < characters.count {
            raw.append(characters[cursor])
            cursor += 1
          }
          value.append(characters[cursor])
          raw.append(characters[cursor])
          cursor += 1
        }
      } else {
        while cursor < characters.count, !characters[cursor].properties.isWhitespace,
          characters[cursor] != "&"
        {
          if characters[cursor] == "\\", cursor + 1 < characters.count {
            raw.append(characters[cursor])
            cursor += 1
          }
          value.append(characters[cursor])
          raw.append(characters[cursor])
          cursor += 1
        }
      }
      results.append(String(value))
      results.append(String(raw))
      index = max(cursor, index + 1)
    }
    return results
  }
}

/// Every secret this process has been handed.
///
/// It learns the secrets of the arguments, the configuration file, each connection string and
/// `PGPASSWORD`. Standard error is scrubbed with it last of all, so that
/// not even a message envdrift did not foresee (an argument parser echoing a misplaced URI, a
/// YAML error quoting a line) can show a password.
public final class SecretRegistry: @unchecked Sendable {
  /// The process's registry.
  public static let shared = SecretRegistry()

  private let lock = NSLock()
  private var current = SecretScrubber(secrets: [])

  /// Learns the password candidates of `text`, which may be anything a user typed or a file held.
  public func register(_ text: String) {
    let found = SecretScrubber.passwordCandidates(in: text)
    guard !found.isEmpty else { return }
    lock.withLock { current = current.merging(SecretScrubber(secrets: found)) }
  }

  /// Learns every secret `scrubber` knows.
  public func register(_ scrubber: SecretScrubber) {
    lock.withLock { current = current.merging(scrubber) }
  }

  /// A scrubber for everything learnt so far.
  public var scrubber: SecretScrubber { lock.withLock { current } }
}

/// The passwords a connection service file holds for the service a connection string names.
///
/// libpq reads the file itself and does not echo it, but a message about a connection may still
/// hold what the file set, so its password is scrubbed like any other.
enum ServiceFile {
  static func passwords(conninfo: String, environment: [String: String]) -> [String] {
    guard let service = serviceName(conninfo) ?? environment["PGSERVICE"], !service.isEmpty
    else { return [] }
    var paths: [String] = []
    if let file = environment["PGSERVICEFILE"] {
      paths.append(file)
    } else if let home = environment["HOME"] {
      paths.append(home + "/.pg_service.conf")
    }
    if let directory = environment["PGSYSCONFDIR"] { paths.append(directory + "/pg_service.conf") }
    var results: [String] = []
    for path in paths {
      guard let text = try? String(contentsOfFile: path, encoding: .utf8), text.utf8.count < 1 << 20
      else { continue }
      var inSection = false
      for line in text.split(whereSeparator: \.isNewline) {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("[") {
          inSection = trimmed == "[\(service)]"
        } else if inSection {
          results += SecretScrubber.passwordCandidates(in: trimmed)
        }
      }
    }
    return results
  }

  private static func serviceName(_ conninfo: String) -> String? {
    guard let range = conninfo.range(of: "service") else { return nil }
    let rest = conninfo[range.upperBound...].drop { $0 == " " }
    guard rest.first == "=" else { return nil }
    let value = rest.dropFirst().drop { $0 == " " }.prefix { !$0.isWhitespace && $0 != "&" }
    return value.isEmpty ? nil : String(value)
  }
}
