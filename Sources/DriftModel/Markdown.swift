/// Escaping for GitHub-flavoured Markdown, so that no identifier can break a table or inject HTML.
public enum Markdown {
  /// A code span that renders `text` literally: newlines become `\n`, the fence is longer than
  /// any run of backticks inside, and leading or trailing backticks are padded.
  ///
  /// HTML inside a code span is shown, never interpreted.
  public static func code(_ text: String) -> String {
    let flat = visible(text)
    if flat.isEmpty { return "` `" }
    var longest = 0
    var run = 0
    for character in flat {
      run = character == "`" ? run + 1 : 0
      longest = max(longest, run)
    }
    let fence = String(repeating: "`", count: longest + 1)
    let pad = flat.hasPrefix("`") || flat.hasSuffix("`") ? " " : ""
    return fence + pad + flat + pad + fence
  }

  /// Plain text for prose: Markdown punctuation is backslash-escaped and `<`, `>`, `&` become
  /// entities.
  public static func text(_ text: String) -> String {
    var result = ""
    for character in visible(text) {
      switch character {
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "&": result += "&amp;"
      case "\\", "`", "*", "_", "[", "]", "#", "~", "!", "(", ")":
        result += "\\\(character)"
      default: result.append(character)
      }
    }
    return result
  }

  /// Inline Markdown made safe for a table cell: every `|` is escaped (GFM unescapes `\|` inside
  /// code spans in tables too).
  public static func cell(_ markdown: String) -> String {
    markdown.replacingPipes()
  }

  /// Text for a fenced code block: newlines inside one value become `\n`.
  public static func visible(_ text: String) -> String {
    var result = ""
    for character in text {
      switch character {
      case "\n": result += "\\n"
      case "\r": result += "\\r"
      case "\r\n": result += "\\r\\n"
      case "\t": result += "\\t"
      case "\0": result += "\\0"
      default: result.append(character)
      }
    }
    return result
  }

  /// A fence for a code block that no line of `content` can close.
  public static func fence(for content: String) -> String {
    var longest = 0
    var run = 0
    for character in content {
      run = character == "`" ? run + 1 : 0
      longest = max(longest, run)
    }
    return String(repeating: "`", count: max(3, longest + 1))
  }
}

extension String {
  fileprivate func replacingPipes() -> String {
    var result = ""
    for character in self {
      if character == "|" { result += "\\|" } else { result.append(character) }
    }
    return result
  }
}
