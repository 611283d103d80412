/// What one `RunSQL` statement does to a schema, as far as pre-flight checks can tell.
///
/// Only plain DDL is understood (`CREATE TABLE`, `CREATE INDEX`, `ALTER INDEX … RENAME`,
/// `ALTER TABLE … ADD/DROP/RENAME`, `DROP TABLE/INDEX`); `DO` blocks, functions and anything
/// else have no known effect and are never flagged.
enum SQLEffects {
  /// The database actions of `sql` (one or more statements separated by `;`).
  static func actions(of sql: String, operation: String) -> [DatabaseAction] {
    statements(sql).compactMap { action(of: $0, operation: operation) }
  }

  /// A word or quoted identifier of a statement.
  struct Word: Equatable {
    /// The text: quoted identifiers without their quotes, other words folded to lower case.
    var text: String
    /// Whether it was a quoted identifier.
    var quoted: Bool
    /// Punctuation such as `(`, `,`, `.`.
    var isSymbol: Bool

    func `is`(_ keyword: String) -> Bool {
      !quoted && !isSymbol && text == keyword.lowercased()
    }
  }

  /// Splits `sql` into statements of words; string literals, dollar-quoted bodies and comments
  /// are dropped.
  static func statements(_ sql: String) -> [[Word]] {
    let scalars = Array(sql.unicodeScalars)
    var statements: [[Word]] = []
    var current: [Word] = []
    var index = 0
    func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
      scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_"
        || scalar == "$"
    }
    while index < scalars.count {
      let scalar = scalars[index]
      let next: Unicode.Scalar? = index + 1 < scalars.count ? scalars[index + 1] : nil
      switch scalar {
      case ";":
        if !current.isEmpty { statements.append(current) }
        current = []
        index += 1
      case "-" where next == "-":
        while index < scalars.count, scalars[index] != "\n" { index += 1 }
      case "/" where next == "*":
        index += 2
        while index + 1 < scalars.count, !(scalars[index] == "*" && scalars[index + 1] == "/") {
          index += 1
        }
        index += 2
      case "'":
        index += 1
        while index < scalars.count {
          if scalars[index] == "'" {
            if index + 1 < scalars.count, scalars[index + 1] == "'" {
              index += 2
              continue
            }
            break
          }
          index += 1
        }
        index += 1
        current.append(Word(text: "'…'", quoted: false, isSymbol: true))
      case "\"":
        var text = ""
        index += 1
        while index < scalars.count {
          if scalars[index] == "\"" {
            if index + 1 < scalars.count, scalars[index + 1] == "\"" {
              text.unicodeScalars.append("\"")
              index += 2
              continue
            }
            break
          }
          text.unicodeScalars.append(scalars[index])
          index += 1
        }
        index += 1
        current.append(Word(text: text, quoted: true, isSymbol: false))
      case "$":
        var tagEnd = index + 1
        while tagEnd < scalars.count, scalars[tagEnd] != "$", isWordScalar(scalars[tagEnd]) {
          tagEnd += 1
        }
        guard tagEnd < scalars.count, scalars[tagEnd] == "$" else {
          index += 1
          continue
        }
        let tag = Array(scalars[index...tagEnd])
        index = tagEnd + 1
        while index < scalars.count {
          if scalars[index] == "$", index + tag.count <= scalars.count,
            Array(scalars[index..<(index + tag.count)]) == tag
          {
            index += tag.count
            break
          }
          index += 1
        }
        current.append(Word(text: "$…$", quoted: false, isSymbol: true))
      default:
        if isWordScalar(scalar) {
          var text = ""
          while index < scalars.count, isWordScalar(scalars[index]) {
            text.unicodeScalars.append(scalars[index])
            index += 1
          }
          current.append(Word(text: text.lowercased(), quoted: false, isSymbol: false))
        } else {
          if !scalar.properties.isWhitespace {
            current.append(Word(text: String(scalar), quoted: false, isSymbol: true))
          }
          index += 1
        }
      }
    }
    if !current.isEmpty { statements.append(current) }
    return statements
  }

  /// Reads words in order, with optional keywords and (possibly qualified) names.
  private struct Cursor {
    var words: [Word]
    var position = 0

    mutating func take(_ keywords: String...) -> Bool {
      guard position + keywords.count <= words.count else { return false }
      for (offset, keyword) in keywords.enumerated() where !words[position + offset].is(keyword) {
        return false
      }
      position += keywords.count
      return true
    }

    /// A name, `schema.name` reduced to `name`.
    mutating func name() -> String? {
      guard position < words.count, !words[position].isSymbol else { return nil }
      var name = words[position].text
      position += 1
      while position + 1 < words.count, words[position].text == ".", words[position].isSymbol,
        !words[position + 1].isSymbol
      {
        name = words[position + 1].text
        position += 2
      }
      return name
    }
  }

  private static func action(of words: [Word], operation: String) -> DatabaseAction? {
    var cursor = Cursor(words: words)
    if cursor.take("CREATE") {
      _ = cursor.take("OR", "REPLACE")
      _ = cursor.take("UNLOGGED") || cursor.take("TEMP") || cursor.take("TEMPORARY")
      if cursor.take("TABLE") {
        let guarded = cursor.take("IF", "NOT", "EXISTS")
        guard let table = cursor.name() else { return nil }
        return DatabaseAction(
          .createTable(table: table, columns: nil), operation: operation, guarded: guarded)
      }
      _ = cursor.take("UNIQUE")
      guard cursor.take("INDEX") else { return nil }
      _ = cursor.take("CONCURRENTLY")
      let guarded = cursor.take("IF", "NOT", "EXISTS")
      guard !cursor.take("ON"), let index = cursor.name(), cursor.take("ON") else { return nil }
      _ = cursor.take("ONLY")
      guard let table = cursor.name() else { return nil }
      return DatabaseAction(
        .addIndex(table: table, name: index), operation: operation, guarded: guarded)
    }
    if cursor.take("ALTER", "INDEX") {
      let guarded = cursor.take("IF", "EXISTS")
      guard let old = cursor.name(), cursor.take("RENAME", "TO"), let new = cursor.name() else {
        return nil
      }
      return DatabaseAction(
        .renameIndex(table: nil, from: old, to: new), operation: operation, guarded: guarded)
    }
    if cursor.take("ALTER", "TABLE") {
      let tableGuarded = cursor.take("IF", "EXISTS")
      _ = cursor.take("ONLY")
      guard let table = cursor.name() else { return nil }
      if cursor.take("RENAME", "TO") {
        guard let new = cursor.name() else { return nil }
        return DatabaseAction(
          .renameTable(from: table, to: new), operation: operation, guarded: tableGuarded)
      }
      if cursor.take("RENAME", "CONSTRAINT") {
        return nil
      }
      if cursor.take("RENAME") {
        _ = cursor.take("COLUMN")
        guard let old = cursor.name(), cursor.take("TO"), let new = cursor.name() else {
          return nil
        }
        return DatabaseAction(
          .renameColumn(table: table, from: old, to: new), operation: operation,
          guarded: tableGuarded)
      }
      if cursor.take("ADD", "CONSTRAINT") {
        guard let name = cursor.name() else { return nil }
        let hasIndex = cursor.take("UNIQUE") || cursor.take("PRIMARY") || cursor.take("EXCLUDE")
        return DatabaseAction(
          .addConstraint(table: table, name: name, hasIndex: hasIndex), operation: operation,
          guarded: tableGuarded)
      }
      if cursor.take("ADD") {
        _ = cursor.take("COLUMN")
        let guarded = cursor.take("IF", "NOT", "EXISTS")
        for keyword in ["PRIMARY", "UNIQUE", "CHECK", "FOREIGN", "EXCLUDE"]
        where cursor.take(keyword) {
          return nil
        }
        guard let column = cursor.name() else { return nil }
        return DatabaseAction(
          .addColumn(table: table, column: column), operation: operation,
          guarded: guarded || tableGuarded)
      }
      if cursor.take("DROP", "CONSTRAINT") {
        let guarded = cursor.take("IF", "EXISTS")
        guard let name = cursor.name() else { return nil }
        return DatabaseAction(
          .dropConstraint(table: table, name: name), operation: operation,
          guarded: guarded || tableGuarded)
      }
      if cursor.take("DROP") {
        _ = cursor.take("COLUMN")
        let guarded = cursor.take("IF", "EXISTS")
        guard let column = cursor.name() else { return nil }
        return DatabaseAction(
          .dropColumn(table: table, column: column), operation: operation,
          guarded: guarded || tableGuarded)
      }
      return nil
    }
    if cursor.take("DROP", "TABLE") {
      let guarded = cursor.take("IF", "EXISTS")
      guard let table = cursor.name() else { return nil }
      return DatabaseAction(.dropTable(table: table), operation: operation, guarded: guarded)
    }
    if cursor.take("DROP", "INDEX") {
      _ = cursor.take("CONCURRENTLY")
      let guarded = cursor.take("IF", "EXISTS")
      guard let index = cursor.name() else { return nil }
      return DatabaseAction(.dropIndex(name: index), operation: operation, guarded: guarded)
    }
    return nil
  }
}
