/// A Python expression as migration files write them: literals, names and calls.
///
/// Anything else (lambdas, comprehensions, arithmetic other than string `+`) is ``unknown``, so
/// that one unusual argument never stops the rest of a file from being read.
indirect enum PythonExpression: Equatable {
  /// A string literal (adjacent literals and `+` of literals joined).
  case string(String)
  /// A number, as written.
  case number(String)
  /// A dotted name: `migrations.RenameIndex`, `True`, `settings.AUTH_USER_MODEL`.
  case name(String)
  /// A call with positional and keyword arguments.
  case call(callee: String, arguments: [PythonExpression], keywords: [String: PythonExpression])
  /// A list, tuple or set display.
  case sequence([PythonExpression])
  /// A dict display with literal keys.
  case dictionary([String: PythonExpression])
  /// Something this reader does not evaluate.
  case unknown

  /// The string value, if this is a string.
  var string: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  /// The elements, if this is a list, tuple or set.
  var elements: [PythonExpression]? {
    if case .sequence(let items) = self { return items }
    return nil
  }

  /// The dotted name, if this is a name.
  var dottedName: String? {
    if case .name(let value) = self { return value }
    return nil
  }
}

/// Parses expressions from a token stream; see ``PythonExpression``.
struct PythonParser {
  /// How deeply brackets may nest.
  ///
  /// CPython itself stops at 200; Django writes a handful.
  static let maximumDepth = 100

  private let tokens: [PythonToken]
  private(set) var position: Int
  /// Whether an expression nested deeper than ``maximumDepth`` was skipped.
  private(set) var tooDeep = false
  private var depth = 0

  init(tokens: [PythonToken], position: Int = 0) {
    self.tokens = tokens
    self.position = position
  }

  private var current: PythonToken? { position < tokens.count ? tokens[position] : nil }

  private func isSymbol(_ symbol: String) -> Bool { current == .symbol(symbol) }

  /// Parses one expression (a bare tuple `a, b` is not one: callers stop at commas).
  ///
  /// An expression nested deeper than ``maximumDepth`` is skipped (without recursion) as
  /// ``PythonExpression/unknown`` and ``tooDeep`` is set, so that no file can exhaust the stack.
  mutating func expression() -> PythonExpression {
    depth += 1
    defer { depth -= 1 }
    if depth > Self.maximumDepth {
      tooDeep = true
      skipRestOfExpression()
      return .unknown
    }
    var value = primary()
    while true {
      if isSymbol("+") {
        position += 1
        let right = primary()
        if case .string(let left) = value, case .string(let rightText) = right {
          value = .string(left + rightText)
        } else {
          value = .unknown
        }
      } else if let token = current, isOperatorContinuation(token) {
        skipRestOfExpression()
        return .unknown
      } else {
        return value
      }
    }
  }

  private func isOperatorContinuation(_ token: PythonToken) -> Bool {
    switch token {
    case .symbol(let text):
      return !["(", ")", "[", "]", "{", "}", ",", ":", "=", ".", "->"].contains(text)
    case .name(let word):
      return ["if", "else", "and", "or", "not", "in", "is", "for"].contains(word)
    case .string, .number:
      return true
    case .newline:
      return false
    }
  }

  /// Skips to the next `,`, closing bracket or end of line at this nesting level.
  private mutating func skipRestOfExpression() {
    var depth = 0
    while let token = current {
      switch token {
      case .symbol("("), .symbol("["), .symbol("{"):
        depth += 1
      case .symbol(")"), .symbol("]"), .symbol("}"):
        if depth == 0 { return }
        depth -= 1
      case .symbol(","), .symbol(":"):
        if depth == 0 { return }
      case .newline:
        if depth == 0 { return }
      default:
        break
      }
      position += 1
    }
  }

  private mutating func primary() -> PythonExpression {
    guard let token = current else { return .unknown }
    var value: PythonExpression
    switch token {
    case .string(let text):
      position += 1
      var joined = text
      while case .string(let next)? = current {
        joined += next
        position += 1
      }
      value = .string(joined)
    case .number(let text):
      position += 1
      value = .number(text)
    case .symbol("-"):
      position += 1
      if case .number(let text)? = current {
        position += 1
        value = .number("-" + text)
      } else {
        skipRestOfExpression()
        return .unknown
      }
    case .name("lambda"):
      while let next = current, next != .symbol(":"), next != .newline { position += 1 }
      if isSymbol(":") { position += 1 }
      _ = expression()
      return .unknown
    case .name(let word):
      position += 1
      value = .name(word)
    case .symbol("("):
      position += 1
      let items = list(closing: ")")
      value =
        items.values.count == 1 && !items.trailingComma ? items.values[0] : .sequence(items.values)
    case .symbol("["):
      position += 1
      value = .sequence(list(closing: "]").values)
    case .symbol("{"):
      position += 1
      value = dictionaryOrSet()
    default:
      skipRestOfExpression()
      return .unknown
    }
    return trailers(on: value)
  }

  private mutating func trailers(on start: PythonExpression) -> PythonExpression {
    var value = start
    while let token = current {
      switch token {
      case .symbol("."):
        position += 1
        guard case .name(let attribute)? = current else { return .unknown }
        position += 1
        if case .name(let base) = value {
          value = .name(base + "." + attribute)
        } else {
          value = .unknown
        }
      case .symbol("("):
        position += 1
        let callee = value.dottedName ?? ""
        let (arguments, keywords) = callArguments()
        value = .call(callee: callee, arguments: arguments, keywords: keywords)
      case .symbol("["):
        position += 1
        _ = list(closing: "]")
        value = .unknown
      default:
        return value
      }
    }
    return value
  }

  private mutating func list(closing: String) -> (values: [PythonExpression], trailingComma: Bool) {
    var values: [PythonExpression] = []
    var trailingComma = false
    while let token = current, token != .symbol(closing) {
      let start = position
      defer { if position == start { position += 1 } }
      if token == .newline {
        position += 1
        continue
      }
      if token == .symbol("*") || token == .symbol("**") {
        position += 1
      }
      values.append(expression())
      trailingComma = false
      if isSymbol(",") {
        position += 1
        trailingComma = true
      } else if !isSymbol(closing) {
        skipToClosing(closing)
        break
      }
    }
    if isSymbol(closing) { position += 1 }
    return (values, trailingComma)
  }

  private mutating func skipToClosing(_ closing: String) {
    var depth = 0
    while let token = current {
      switch token {
      case .symbol("("), .symbol("["), .symbol("{"): depth += 1
      case .symbol(")"), .symbol("]"), .symbol("}"):
        if depth == 0, token == .symbol(closing) { return }
        depth -= 1
        if depth < 0 { return }
      default: break
      }
      position += 1
    }
  }

  private mutating func dictionaryOrSet() -> PythonExpression {
    var entries: [String: PythonExpression] = [:]
    var setItems: [PythonExpression] = []
    while let token = current, token != .symbol("}") {
      let start = position
      defer { if position == start { position += 1 } }
      if token == .newline || token == .symbol(",") {
        position += 1
        continue
      }
      if token == .symbol("**") {
        position += 1
        _ = expression()
        continue
      }
      let key = expression()
      if isSymbol(":") {
        position += 1
        let value = expression()
        if let text = key.string { entries[text] = value }
      } else {
        setItems.append(key)
      }
      if !isSymbol(",") && !isSymbol("}") {
        skipToClosing("}")
      }
    }
    if isSymbol("}") { position += 1 }
    return setItems.isEmpty ? .dictionary(entries) : .sequence(setItems)
  }

  private mutating func callArguments() -> ([PythonExpression], [String: PythonExpression]) {
    var arguments: [PythonExpression] = []
    var keywords: [String: PythonExpression] = [:]
    while let token = current, token != .symbol(")") {
      let start = position
      defer { if position == start { position += 1 } }
      if token == .newline || token == .symbol(",") {
        position += 1
        continue
      }
      if case .name(let word) = token, position + 1 < tokens.count,
        tokens[position + 1] == .symbol("=")
      {
        position += 2
        keywords[word] = expression()
      } else if token == .symbol("*") || token == .symbol("**") {
        position += 1
        _ = expression()
      } else {
        arguments.append(expression())
      }
      if !isSymbol(",") && !isSymbol(")") {
        skipToClosing(")")
      }
    }
    if isSymbol(")") { position += 1 }
    return (arguments, keywords)
  }
}
