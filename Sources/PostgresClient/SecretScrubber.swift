import Foundation

/// Removes passwords from text that libpq or the server produced about a connection.
///
/// libpq echoes parts of a malformed connection string in its messages (`missing "=" after
/// "s3cret"`), so every message that leaves this module passes through a scrubber that knows the
/// secrets of the connection string it came from.
public struct SecretScrubber: Sendable, Hashable {
  /// The literal secrets to remove, longest first so that no part of one survives another.
  public private(set) var secrets: [String]

  /// The text put where a secret was.
  public static let mask = "********"

  /// Creates a scrubber for the secrets of `conninfo` and of the `PGPASSWORD` environment variable.
  public init(conninfo: String, environment: [String: String] = ProcessInfo.processInfo.environment)
  {
    var found = Set(Self.passwordCandidates(in: conninfo))
    if let password = environment["PGPASSWORD"], !password.isEmpty {
      found.insert(password)
    }
    secrets = found.filter { !$0.isEmpty }.sorted { ($0.count, $0) > ($1.count, $1) }
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

  /// Everything in a connection string that may be a password, whether or not the string parses.
  ///
  /// Covers the `user:password@` part of a URI (raw and percent-decoded), `password=` in a URI
  /// query, and `password = value` in key/value form (quoted or not).
  static func passwordCandidates(in conninfo: String) -> [String] {
    var candidates: [String] = []
    let lowered = conninfo.lowercased()
    if lowered.hasPrefix("postgresql://") || lowered.hasPrefix("postgres://"),
      let schemeEnd = conninfo.range(of: "://")
    {
      let afterScheme = conninfo[schemeEnd.upperBound...]
      let authority = afterScheme.prefix { $0 != "/" && $0 != "?" }
      if let at = authority.lastIndex(of: "@") {
        let userInfo = authority[..<at]
        if let colon = userInfo.firstIndex(of: ":") {
          let raw = String(userInfo[userInfo.index(after: colon)...])
          candidates.append(raw)
          if let decoded = raw.removingPercentEncoding { candidates.append(decoded) }
        }
      }
      if let query = conninfo.split(separator: "?", maxSplits: 1).dropFirst().first {
        for pair in query.split(separator: "&") {
          let parts = pair.split(separator: "=", maxSplits: 1)
          if parts.count == 2, parts[0].lowercased() == "password" {
            candidates.append(String(parts[1]))
            if let decoded = String(parts[1]).removingPercentEncoding { candidates.append(decoded) }
          }
        }
      }
    }
    candidates.append(contentsOf: keywordPasswords(in: conninfo))
    return candidates
  }

  private static func keywordPasswords(in conninfo: String) -> [String] {
    var results: [String] = []
    let characters = Array(conninfo)
    let keyword = Array("password")
    var index = 0
    while index + keyword.count <= characters.count {
      let window = characters[index..<index + keyword.count].map { Character($0.lowercased()) }
      guard window == keyword else {
        index += 1
        continue
      }
      var cursor = index + keyword.count
      while cursor < characters.count, characters[cursor].isWhitespace { cursor += 1 }
      guard cursor < characters.count, characters[cursor] == "=" else {
        // `password secret` (a missing "=") still names a secret in the next word.
        if cursor < characters.count, cursor > index + keyword.count {
          let word = characters[cursor...].prefix { !$0.isWhitespace }
          results.append(String(word))
        }
        index = cursor
        continue
      }
      cursor += 1
      while cursor < characters.count, characters[cursor].isWhitespace { cursor += 1 }
      var value = ""
      if cursor < characters.count, characters[cursor] == "'" {
        cursor += 1
        while cursor < characters.count, characters[cursor] != "'" {
          if characters[cursor] == "\\", cursor + 1 < characters.count { cursor += 1 }
          value.append(characters[cursor])
          cursor += 1
        }
      } else {
        while cursor < characters.count, !characters[cursor].isWhitespace,
          characters[cursor] != "&"
        {
          value.append(characters[cursor])
          cursor += 1
        }
      }
      results.append(value)
      index = cursor
    }
    return results
  }
}
