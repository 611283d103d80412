/// A token of Python source, as far as migration files need them.
enum PythonToken: Equatable {
  /// An identifier or keyword.
  case name(String)
  /// A string literal's value (escapes resolved; adjacent literals are separate tokens).
  case string(String)
  /// A number, as written.
  case number(String)
  /// An operator or delimiter: `(`, `)`, `[`, `]`, `{`, `}`, `,`, `:`, `.`, `=`, `**`, …
  case symbol(String)
  /// The end of a logical line (outside brackets).
  case newline
}

/// Why Python source could not be tokenized.
struct PythonSyntaxError: Error, Equatable {
  /// The 1-based line where the problem is.
  var line: Int
  /// What is wrong.
  var message: String
}

/// Splits Python source into tokens: enough of Python's lexical rules for migration files.
///
/// Comments and indentation are dropped; newlines inside brackets or after a backslash do not
/// end a logical line. String prefixes (`r`, `b`, `u`, `f` and their combinations) and
/// triple-quoted strings are understood; f-string replacement fields are kept as text.
struct PythonLexer {
  private let bytes: [UInt8]
  private var index = 0
  private var line = 1
  private var depth = 0
  private var tokens: [PythonToken] = []
  /// The source line on which each logical line (statement) starts, in order.
  private var statementLines: [Int] = []

  init(_ source: String) {
    bytes = Array(source.utf8)
  }

  /// Every token of the source.
  static func tokens(of source: String) throws(PythonSyntaxError) -> [PythonToken] {
    try lexed(source).tokens
  }

  /// Every token of the source, and the source line where each logical line starts (the line
  /// of the statement after the n-th ``PythonToken/newline``), for messages.
  static func lexed(_ source: String) throws(PythonSyntaxError) -> (
    tokens: [PythonToken], statementLines: [Int]
  ) {
    var lexer = PythonLexer(source)
    try lexer.run()
    return (lexer.tokens, lexer.statementLines)
  }

  private mutating func emit(_ token: PythonToken) {
    if token != .newline, tokens.last == nil || tokens.last == .newline {
      statementLines.append(line)
    }
    tokens.append(token)
  }

  private mutating func run() throws(PythonSyntaxError) {
    while index < bytes.count {
      let byte = bytes[index]
      switch byte {
      case UInt8(ascii: "#"):
        while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
      case UInt8(ascii: "\n"):
        line += 1
        index += 1
        if depth == 0, let last = tokens.last, last != .newline { tokens.append(.newline) }
      case UInt8(ascii: "\\"):
        index += 1
        if index < bytes.count, bytes[index] == UInt8(ascii: "\r") { index += 1 }
        if index < bytes.count, bytes[index] == UInt8(ascii: "\n") {
          index += 1
          line += 1
        }
      case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), 0x0C:
        index += 1
      case UInt8(ascii: "\""), UInt8(ascii: "'"):
        let value = try string(raw: false)
        emit(.string(value))
      case UInt8(ascii: "0")...UInt8(ascii: "9"):
        let value = number()
        emit(.number(value))
      default:
        if Self.isNameStart(byte) {
          let word = name()
          if index < bytes.count,
            bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'"),
            Self.isStringPrefix(word)
          {
            let value = try string(raw: word.lowercased().contains("r"))
            emit(.string(value))
          } else {
            emit(.name(word))
          }
        } else {
          let value = symbol()
          emit(.symbol(value))
        }
      }
    }
    if tokens.last != .newline { tokens.append(.newline) }
  }

  private static func isNameStart(_ byte: UInt8) -> Bool {
    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
      || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
      || byte == UInt8(ascii: "_") || byte >= 0x80
  }

  private static func isNamePart(_ byte: UInt8) -> Bool {
    isNameStart(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
  }

  private static func isStringPrefix(_ word: String) -> Bool {
    ["r", "u", "b", "f", "br", "rb", "fr", "rf"].contains(word.lowercased())
  }

  private mutating func name() -> String {
    let start = index
    while index < bytes.count, Self.isNamePart(bytes[index]) { index += 1 }
    return String(decoding: bytes[start..<index], as: UTF8.self)
  }

  private mutating func number() -> String {
    let start = index
    while index < bytes.count,
      Self.isNamePart(bytes[index]) || bytes[index] == UInt8(ascii: ".")
    {
      index += 1
    }
    return String(decoding: bytes[start..<index], as: UTF8.self)
  }

  private static let compoundSymbols: Set<String> = [
    "**", "//", "==", "!=", "<=", ">=", "->", ":=", "+=", "-=", "*=", "/=", "%=", "<<", ">>",
  ]

  private mutating func symbol() -> String {
    let byte = bytes[index]
    index += 1
    switch byte {
    case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
      depth += 1
    case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
      depth = max(0, depth - 1)
    default:
      if index < bytes.count {
        let pair = String(decoding: [byte, bytes[index]], as: UTF8.self)
        if Self.compoundSymbols.contains(pair) {
          index += 1
          return pair
        }
      }
    }
    return String(decoding: [byte], as: UTF8.self)
  }

  private mutating func string(raw: Bool) throws(PythonSyntaxError) -> String {
    let startLine = line
    let quote = bytes[index]
    let triple =
      index + 2 < bytes.count && bytes[index + 1] == quote && bytes[index + 2] == quote
    index += triple ? 3 : 1
    var value: [UInt8] = []
    while true {
      guard index < bytes.count else {
        throw PythonSyntaxError(line: startLine, message: "a string is never closed")
      }
      let byte = bytes[index]
      if byte == quote {
        if !triple {
          index += 1
          break
        }
        if index + 2 < bytes.count, bytes[index + 1] == quote, bytes[index + 2] == quote {
          index += 3
          break
        }
      }
      if byte == UInt8(ascii: "\n") {
        guard triple else {
          throw PythonSyntaxError(line: startLine, message: "a string is never closed")
        }
        line += 1
      }
      if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
        let next = bytes[index + 1]
        if raw {
          value.append(byte)
          value.append(next)
          if next == UInt8(ascii: "\n") { line += 1 }
          index += 2
          continue
        }
        index += 2
        switch next {
        case UInt8(ascii: "\n"): line += 1
        case UInt8(ascii: "n"): value.append(UInt8(ascii: "\n"))
        case UInt8(ascii: "t"): value.append(UInt8(ascii: "\t"))
        case UInt8(ascii: "r"): value.append(UInt8(ascii: "\r"))
        case UInt8(ascii: "0"): value.append(0)
        case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
          let width = next == UInt8(ascii: "x") ? 2 : (next == UInt8(ascii: "u") ? 4 : 8)
          let end = min(bytes.count, index + width)
          let digits = String(decoding: bytes[index..<end], as: UTF8.self)
          if let code = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(code) {
            value.append(contentsOf: Array(String(Character(scalar)).utf8))
            index = end
          } else {
            value.append(UInt8(ascii: "\\"))
            value.append(next)
          }
        case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): value.append(next)
        default:
          value.append(UInt8(ascii: "\\"))
          value.append(next)
        }
        continue
      }
      value.append(byte)
      index += 1
    }
    return String(decoding: value, as: UTF8.self)
  }
}
