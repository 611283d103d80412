/// The characters no output may carry raw, and the one way each medium shows them.
///
/// A name read from a database, a snapshot file, a migration file or a configuration may hold
/// line breaks, escape sequences, bidirectional overrides or zero-width characters. Written raw,
/// they end a SQL comment, forge a line of terminal output or reorder what a reviewer reads.
/// Every escaping function (``SQL``, ``Markdown``, ``TerminalText``) asks this one predicate.
public enum VisibleText {
  /// Whether `scalar` must never be written raw: control characters (C0, DEL, C1, including
  /// U+0085 NEL), format characters (bidirectional controls such as U+202E, zero-width spaces and
  /// joiners, the byte-order mark, tag characters), the line and paragraph separators U+2028 and
  /// U+2029, and every space but U+0020 (no-break and other look-alike spaces).
  public static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
    if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) { return true }
    if scalar.isASCII { return false }
    switch scalar.properties.generalCategory {
    case .control, .format, .lineSeparator, .paragraphSeparator, .spaceSeparator,
      .surrogate, .unassigned:
      return true
    default:
      return false
    }
  }

  /// `\uXXXX` (or `\UXXXXXXXX` above U+FFFF), the visible form of a hidden character.
  public static func escape(_ scalar: Unicode.Scalar) -> String {
    let hex = String(scalar.value, radix: 16, uppercase: true)
    return scalar.value > 0xFFFF
      ? "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
      : "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
  }

  /// `text` with every hidden character but those `keep` allows written as ``escape(_:)``, and
  /// `\n`, `\r`, `\t` as those two-character escapes.
  public static func escaped(_ text: String, keep: (Unicode.Scalar) -> Bool = { _ in false })
    -> String
  {
    guard text.unicodeScalars.contains(where: { isHidden($0) && !keep($0) }) else { return text }
    var result = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      guard isHidden(scalar), !keep(scalar) else {
        result.append(scalar)
        continue
      }
      let shown: String =
        switch scalar {
        case "\n": "\\n"
        case "\r": "\\r"
        case "\t": "\\t"
        default: escape(scalar)
        }
      result.append(contentsOf: shown.unicodeScalars)
    }
    return String(result)
  }
}

/// Text for a terminal or a log line: nothing a name holds can move the cursor, change colours,
/// forge a line or reorder what is read.
public enum TerminalText {
  /// One value (a schema, a migration, a path, a server message) on a line of its own output:
  /// every hidden character, line breaks included, is shown as an escape.
  public static func value(_ text: String) -> String {
    VisibleText.escaped(text)
  }

  /// Whole lines of output, already built from ``value(_:)``s: line breaks and tabs are kept,
  /// every other hidden character is shown as an escape.
  public static func lines(_ text: String) -> String {
    VisibleText.escaped(text, keep: { $0 == "\n" || $0 == "\t" })
  }
}
