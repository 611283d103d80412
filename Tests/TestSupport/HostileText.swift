/// A small, seeded random generator, so that a failing case can be replayed exactly.
public struct SplitMix64: RandomNumberGenerator {
  /// The generator's whole state: the same state gives the same sequence.
  public var state: UInt64

  /// A generator seeded with `state`.
  public init(state: UInt64) {
    self.state = state
  }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// Names as an attacker would choose them, for tests of every medium envdrift writes.
public enum HostileText {
  /// Every line break PostgreSQL, psql, Markdown or a terminal might honour, Markdown and SQL
  /// punctuation, quotes, comment and statement starters, look-alike spaces, zero-width and
  /// bidirectional characters, a combining mark and an escape sequence.
  public static let alphabet: [String] = [
    "\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}", "\t", "\u{1B}[31m", "`",
    "|", "<", ">", "[", "]", "(", ")", "@", "#", ":", "*", "_", "~", "\\", "'", "\"", ";",
    "--", "/*", "*/", "$$", "$x$", " ", "\u{A0}", "\u{200B}", "\u{202E}", "\u{2066}", "&", "!",
    "%", "{", "}", "e'", "U&'", "\u{301}", "select", "a", "B", "z", "7", "é", "🐘",
  ]

  /// Whole attacks, mixed into some names.
  public static let attacks: [String] = [
    "'; DROP TABLE public.sentinel; --", "\nDROP TABLE public.sentinel; --",
    "\rDROP TABLE public.sentinel; --", "\u{2028}DROP TABLE public.sentinel; --",
    "<img src=x onerror=alert(1)>", "[click](https://example.com)", "@octocat", "#12", "GH-12",
    ":smile:", "https://example.com", "www.example.com", "\\! touch /tmp/envdrift-pwned",
    ":evil", "$$; DROP TABLE public.sentinel; $$", "\"; DROP TABLE public.sentinel; --",
  ]

  /// A name that starts with `tag` (so that names made together differ) and fits PostgreSQL's
  /// 63 bytes, made of hostile pieces and now and then a whole attack.
  public static func name(_ tag: String, using random: inout SplitMix64) -> String {
    var name = tag
    for _ in 0..<Int.random(in: 2...7, using: &random) {
      let piece =
        Int.random(in: 0..<4, using: &random) == 0
        ? attacks.randomElement(using: &random) : alphabet.randomElement(using: &random)
      guard let piece, (name + piece).utf8.count <= 63 else { break }
      name += piece
    }
    return name
  }
}
