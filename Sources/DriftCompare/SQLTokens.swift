/// The tokens of SQL text the server deparsed, each with its exact text, so that the text can be
/// rebuilt with some tokens left out.
struct SQLTokens {
  enum Kind: Equatable {
    /// A plain identifier or keyword; its lower-case text.
    case word(String)
    /// A double-quoted identifier; its name.
    case quoted(String)
    /// A string literal, number or operator: kept as text, never matched.
    case other
    /// White space between tokens.
    case space
  }

  struct Token {
    var kind: Kind
    var text: Substring
  }

  /// The tokens that are not white space, in order.
  private let tokens: [Token]
  /// Every token, white space included, to rebuild the text.
  private let all: [Token]
  /// For each entry of `tokens`, its place in `all`.
  private let positions: [Int]

  init(_ text: String) {
    var all: [Token] = []
    var index = text.startIndex
    func advance(while condition: (Character) -> Bool) {
      while index < text.endIndex, condition(text[index]) { index = text.index(after: index) }
    }
    while index < text.endIndex {
      let start = index
      let character = text[index]
      if character.isWhitespace {
        advance { $0.isWhitespace }
        all.append(Token(kind: .space, text: text[start..<index]))
      } else if character.isLetter || character == "_" {
        advance { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "$" }
        all.append(Token(kind: .word(text[start..<index].lowercased()), text: text[start..<index]))
      } else if character == "\"" || character == "'" {
        let quote = character
        index = text.index(after: index)
        var value = ""
        while index < text.endIndex {
          if text[index] == quote {
            let next = text.index(after: index)
            if next < text.endIndex, text[next] == quote {
              value.append(quote)
              index = text.index(after: next)
              continue
            }
            index = next
            break
          }
          value.append(text[index])
          index = text.index(after: index)
        }
        all.append(
          Token(kind: quote == "\"" ? .quoted(value) : .other, text: text[start..<index]))
      } else {
        index = text.index(after: index)
        all.append(Token(kind: .other, text: text[start..<index]))
      }
    }
    self.all = all
    positions = all.indices.filter { all[$0].kind != .space }
    tokens = positions.map { all[$0] }
  }

  var count: Int { tokens.count }

  /// The lower-case keyword at `index`, if a plain word stands there.
  func keyword(at index: Int) -> String? {
    guard index >= 0, index < tokens.count, case .word(let word) = tokens[index].kind else {
      return nil
    }
    return word
  }

  /// The identifier at `index`, plain (lower-case) or quoted (as written).
  func identifier(at index: Int) -> String? {
    guard index >= 0, index < tokens.count else { return nil }
    switch tokens[index].kind {
    case .word(let word): return word
    case .quoted(let name): return name
    default: return nil
    }
  }

  /// Whether the symbol `symbol` stands at `index`.
  func isSymbol(_ symbol: String, at index: Int) -> Bool {
    index >= 0 && index < tokens.count && tokens[index].kind == .other
      && tokens[index].text == symbol
  }

  /// The words that end a `FROM` item rather than name its alias.
  static func isClauseWord(_ word: String) -> Bool {
    [
      "where", "group", "having", "window", "order", "limit", "offset", "fetch", "for", "union",
      "intersect", "except", "on", "using", "join", "inner", "left", "right", "full", "cross",
      "natural", "tablesample",
    ].contains(word)
  }

  /// For each token, whether it lies in a nested query (a parenthesis that opens with
  /// `SELECT`, `VALUES` or `WITH`, parentheses included), and its parenthesis depth (a
  /// parenthesis has the depth of what surrounds it).
  func nesting() -> (nested: [Bool], depth: [Int]) {
    var nested = [Bool](repeating: false, count: tokens.count)
    var depth = [Int](repeating: 0, count: tokens.count)
    var open: [(index: Int, query: Bool)] = []
    var current = 0
    for index in 0..<tokens.count {
      if isSymbol("(", at: index) {
        depth[index] = current
        current += 1
        let query = ["select", "values", "with"].contains(keyword(at: index + 1) ?? "")
        open.append((index, query))
      } else if isSymbol(")", at: index) {
        current = max(0, current - 1)
        depth[index] = current
        if let opened = open.popLast(), opened.query {
          for inner in opened.index...index { nested[inner] = true }
        }
      } else {
        depth[index] = current
      }
    }
    return (nested, depth)
  }

  /// The text with every `qualifier.` removed where it qualifies a column (`qualifier.name`,
  /// `qualifier` not itself qualified) at a token `included` accepts.
  func removingQualifier(_ qualifier: String, where included: (Int) -> Bool = { _ in true })
    -> String
  {
    var dropped = Set<Int>()
    for index in 0..<tokens.count
    where included(index) && identifier(at: index) == qualifier && isSymbol(".", at: index + 1)
      && identifier(at: index + 2) != nil && !isSymbol(".", at: index - 1)
    {
      dropped.insert(positions[index])
      dropped.insert(positions[index + 1])
    }
    var result = ""
    for (position, token) in all.enumerated() where !dropped.contains(position) {
      result += token.text
    }
    return result
  }
}
