/// Escaping for the Python envdrift suggests (Django migration operations): names read from
/// migration files or databases are written as string literals that mean exactly that name.
public enum Python {
  /// `text` as a double-quoted Python string literal: `\` and `"` escaped, and every hidden
  /// character (``VisibleText``), line breaks included, as `\n`, `\xNN`, `\uXXXX` or
  /// `\UXXXXXXXX`, so the literal is one line and means `text` exactly.
  public static func string(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\\": result += "\\\\"
      case "\"": result += "\\\""
      case "\n": result += "\\n"
      case "\r": result += "\\r"
      case "\t": result += "\\t"
      default:
        guard VisibleText.isHidden(scalar) else {
          result.unicodeScalars.append(scalar)
          continue
        }
        let hex = String(scalar.value, radix: 16)
        let width = scalar.value <= 0xFF ? 2 : scalar.value <= 0xFFFF ? 4 : 8
        let letter = width == 2 ? "x" : width == 4 ? "u" : "U"
        result += "\\" + letter + String(repeating: "0", count: width - hex.count) + hex
      }
    }
    return result + "\""
  }

  /// A `#` comment of one line whatever `text` holds: line breaks and every other hidden
  /// character are shown as escapes.
  public static func comment(_ text: String) -> String {
    "# " + VisibleText.escaped(text)
  }
}
