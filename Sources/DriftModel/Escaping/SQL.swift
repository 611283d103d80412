/// Escaping for the SQL envdrift suggests: every name and value from a database, a snapshot file
/// or a migration file goes through these functions before it is written into a statement.
///
/// The output holds no hidden character (``VisibleText``): a name that has one is written in
/// PostgreSQL's Unicode-escape form (`U&"a\202Eb"`), so the statement reads the same in a
/// terminal, a Markdown block and a JSON string, and no comment or statement can be ended by it.
public enum SQL {
  /// Keywords that PostgreSQL's `quote_ident` quotes: every keyword not in the unreserved
  /// category, as `pg_get_keywords()` lists them on 15, plus those that 16 and 17 added
  /// (`system_user`; the `json_*` functions and `merge_action`).
  static let keywords: Set<String> = [
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric",
    "authorization", "between", "bigint", "binary", "bit", "boolean", "both", "case", "cast",
    "char", "character", "check", "coalesce", "collate", "collation", "column", "concurrently",
    "constraint", "create", "cross", "current_catalog", "current_date", "current_role",
    "current_schema", "current_time", "current_timestamp", "current_user", "dec", "decimal",
    "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "exists",
    "extract", "false", "fetch", "float", "for", "foreign", "freeze", "from", "full", "grant",
    "greatest", "group", "grouping", "having", "ilike", "in", "initially", "inner", "inout",
    "int", "integer", "intersect", "interval", "into", "is", "isnull", "join", "json",
    "json_array", "json_arrayagg", "json_exists", "json_object", "json_objectagg", "json_query",
    "json_scalar", "json_serialize", "json_table", "json_value", "lateral", "leading", "least",
    "left", "like", "limit", "localtime", "localtimestamp", "merge_action", "national", "natural",
    "nchar", "none", "normalize", "not", "notnull", "null", "nullif", "numeric", "offset", "on",
    "only", "or", "order", "out", "outer", "overlaps", "overlay", "placing", "position",
    "precision", "primary", "real", "references", "returning", "right", "row", "select",
    "session_user", "setof", "similar", "smallint", "some", "substring", "symmetric",
    "system_user", "table", "tablesample", "then", "time", "timestamp", "to", "trailing", "treat",
    "trim", "true", "union", "unique", "user", "using", "values", "varchar", "variadic", "verbose",
    "when", "where", "window", "with", "xmlattributes", "xmlconcat", "xmlelement", "xmlexists",
    "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot", "xmlserialize", "xmltable",
  ]

  /// `name` exactly as the server's `quote_ident` prints it: as is when it is a lower-case
  /// identifier that is no keyword, otherwise in double quotes with `"` doubled.
  ///
  /// For matching the server's own deparsed text; to write a statement, use ``identifier(_:)``.
  public static func quoteIdent(_ name: String) -> String {
    if isPlain(name) { return name }
    return "\"" + doubling("\"", in: name) + "\""
  }

  /// `name` as an identifier in a statement envdrift writes: ``quoteIdent(_:)``, or
  /// `U&"…"` with hidden characters as `\XXXX` / `\+XXXXXX` when the name holds any.
  public static func identifier(_ name: String) -> String {
    guard name.unicodeScalars.contains(where: VisibleText.isHidden) else {
      return quoteIdent(name)
    }
    return "U&\"" + unicodeEscaped(name, quote: "\"") + "\""
  }

  /// `schema.name`, each part an ``identifier(_:)``; just the name when `schema` is empty.
  public static func qualified(_ schema: String?, _ name: String) -> String {
    guard let schema, !schema.isEmpty else { return identifier(name) }
    return identifier(schema) + "." + identifier(name)
  }

  /// `text` as a string literal, the way `quote_literal` writes it (`E'…'` with backslashes
  /// doubled when it holds one), or `U&'…'` when it holds a hidden character.
  public static func literal(_ text: String) -> String {
    if text.unicodeScalars.contains(where: VisibleText.isHidden) {
      return "U&'" + unicodeEscaped(text, quote: "'") + "'"
    }
    let doubled = doubling("'", in: text)
    if text.unicodeScalars.contains("\\") { return "E'" + doubling("\\", in: doubled) + "'" }
    return "'" + doubled + "'"
  }

  /// A `--` comment of one line whatever `text` holds: every line break (LF, CR, VT, FF, U+0085,
  /// U+2028, U+2029) and every other hidden character is shown as an escape.
  public static func comment(_ text: String) -> String {
    "-- " + VisibleText.escaped(text)
  }

  /// `body` between dollar quotes whose tag it does not contain (`$$`, else `$envdrift$`,
  /// `$envdrift1$`, …), so nothing inside can end the quoted text.
  public static func dollarQuoted(_ body: String) -> String {
    var tag = "$$"
    var counter = 0
    while body.contains(tag) || body.hasSuffix(String(tag.dropLast())) {
      tag = "$envdrift\(counter == 0 ? "" : String(counter))$"
      counter += 1
    }
    return tag + body + tag
  }

  /// `text`, a piece of SQL the server deparsed (a type, a default expression, an index's
  /// `USING …` clause), when it can be written inside one statement without ending it; `nil`
  /// when it might not.
  ///
  /// A snapshot file can claim any text, so the text is read the way PostgreSQL's lexer reads it:
  /// string literals (`'…'`, `E'…'`, dollar-quoted) and quoted identifiers are skipped, and
  /// outside them a `;`, a comment (`--`, `/*`), a backslash (a psql meta-command), a psql
  /// variable (`:name`), an unbalanced parenthesis or an unterminated quote rejects it, as do a
  /// backslash in a plain `'…'` literal (read differently when `standard_conforming_strings` is
  /// off) and any hidden character anywhere.
  public static func fragment(_ text: String) -> String? {
    if text.isEmpty || text.unicodeScalars.contains(where: VisibleText.isHidden) { return nil }
    let bytes = Array(text.utf8)
    var index = 0
    var depth = 0
    func at(_ offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }
    func closing(_ quote: UInt8, _ backslash: Backslash) -> Int? {
      bytes.withUnsafeBufferPointer {
        closingQuote(quote, in: $0, after: index, backslash: backslash)
      }
    }
    while index < bytes.count {
      let byte = bytes[index]
      switch byte {
      case UInt8(ascii: "'"):
        let extended = bytes.withUnsafeBufferPointer { opensEscapeLiteral($0, at: index) }
        // Outside `E'…'` a backslash means one thing with standard_conforming_strings on and
        // another with it off: the literal could end elsewhere on the target server.
        guard let end = closing(UInt8(ascii: "'"), extended ? .escapes : .refused)
        else { return nil }
        index = end + 1
      case UInt8(ascii: "\""):
        guard let end = closing(UInt8(ascii: "\""), .literal) else { return nil }
        index = end + 1
      case UInt8(ascii: "$") where index == 0 || !isIdentifierByte(bytes[index - 1]):
        var end = index + 1
        while end < bytes.count, bytes[end] != UInt8(ascii: "$"), isIdentifierByte(bytes[end]) {
          end += 1
        }
        guard end < bytes.count, bytes[end] == UInt8(ascii: "$") else {
          // A positional parameter (`$1`) or a lone dollar: not quoting.
          index += 1
          continue
        }
        let tag = Array(bytes[index...end])
        var cursor = end + 1
        var closed = false
        while cursor + tag.count <= bytes.count {
          if Array(bytes[cursor..<cursor + tag.count]) == tag {
            closed = true
            break
          }
          cursor += 1
        }
        guard closed else { return nil }
        index = cursor + tag.count
      case UInt8(ascii: ";"), UInt8(ascii: "\\"):
        return nil
      case UInt8(ascii: "-") where at(1) == UInt8(ascii: "-"):
        return nil
      case UInt8(ascii: "/") where at(1) == UInt8(ascii: "*"):
        return nil
      case UInt8(ascii: ":"):
        if at(1) == UInt8(ascii: ":") {
          index += 2
          continue
        }
        if let next = at(1),
          next == UInt8(ascii: "'") || next == UInt8(ascii: "\"") || next == UInt8(ascii: "{")
            || ((UInt8(ascii: "a")...UInt8(ascii: "z")).contains(next | 0x20)
              || next == UInt8(ascii: "_"))
        {
          return nil
        }
        index += 1
      case UInt8(ascii: "("):
        depth += 1
        index += 1
      case UInt8(ascii: ")"):
        depth -= 1
        if depth < 0 { return nil }
        index += 1
      default:
        index += 1
      }
    }
    return depth == 0 ? text : nil
  }

  /// What a backslash means inside quoted text.
  @frozen
  public enum Backslash: Sendable {
    /// An ordinary character (a quoted identifier, a standard string).
    case literal
    /// It escapes the next byte (`E'…'`).
    case escapes
    /// Its meaning is in doubt: the quoted text is not accepted.
    case refused
  }

  /// The position of the quote that closes the text `quote` opens at `start`, a doubled quote
  /// staying inside, as PostgreSQL's lexer reads it.
  ///
  /// `nil` when it never closes, or when a backslash is met and `backslash` is
  /// ``Backslash/refused``. Shared by everything in envdrift that reads SQL text byte by byte.
  @inlinable
  public static func closingQuote(
    _ quote: UInt8, in bytes: UnsafeBufferPointer<UInt8>, after start: Int, backslash: Backslash
  ) -> Int? {
    var index = start + 1
    while index < bytes.count {
      switch bytes[index] {
      case UInt8(ascii: "\\") where backslash == .escapes:
        index += 2
      case UInt8(ascii: "\\") where backslash == .refused:
        return nil
      case quote where index + 1 < bytes.count && bytes[index + 1] == quote:
        index += 2
      case quote:
        return index
      default:
        index += 1
      }
    }
    return nil
  }

  /// Whether the `'` at `start` opens an `E'…'` literal: an `E` before it that does not end a
  /// longer identifier.
  @inlinable
  public static func opensEscapeLiteral(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool
  {
    start > 0 && bytes[start - 1] | 0x20 == UInt8(ascii: "e")
      && (start < 2 || !isIdentifierByte(bytes[start - 2]))
  }

  /// Whether `byte` can be part of an unquoted identifier (or a dollar-quote tag).
  @usableFromInline
  static func isIdentifierByte(_ byte: UInt8) -> Bool {
    byte >= 0x80 || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "$")
      || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
      || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
  }

  /// `text` with every `scalar` written twice.
  ///
  /// Scalars, not characters: a quote followed by a combining mark is one `Character` but still
  /// a quote to PostgreSQL's lexer.
  private static func doubling(_ scalar: Unicode.Scalar, in text: String) -> String {
    var result = String.UnicodeScalarView()
    for each in text.unicodeScalars {
      result.append(each)
      if each == scalar { result.append(each) }
    }
    return String(result)
  }

  private static func isPlain(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first,
      ("a"..."z").contains(first) || first == "_"
    else { return false }
    return name.unicodeScalars.allSatisfy { scalar in
      ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
    } && !keywords.contains(name)
  }

  /// The body of a `U&"…"` or `U&'…'`: the quote doubled, backslash doubled, hidden characters
  /// as `\XXXX` or `\+XXXXXX`.
  private static func unicodeEscaped(_ text: String, quote: Unicode.Scalar) -> String {
    var result = ""
    for scalar in text.unicodeScalars {
      if VisibleText.isHidden(scalar) {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        result +=
          scalar.value > 0xFFFF
          ? "\\+" + String(repeating: "0", count: 6 - hex.count) + hex
          : "\\" + String(repeating: "0", count: 4 - hex.count) + hex
      } else if scalar == "\\" {
        result += "\\\\"
      } else if scalar == quote {
        result += String(quote) + String(quote)
      } else {
        result.unicodeScalars.append(scalar)
      }
    }
    return result
  }
}
