/// Escaping for GitHub-flavoured Markdown, so that no identifier can break a table or inject HTML.
public enum Markdown {
  /// A code span that renders `text` literally: newlines become `\n`, the fence is longer than
  /// any run of backticks inside, and leading or trailing backticks are padded.
  ///
  /// HTML inside a code span is shown, never interpreted.
  public static func code(_ text: String) -> String {
    let flat = visible(text)
    if flat.isEmpty { return "` `" }
    let fence = String(repeating: "`", count: longestBacktickRun(in: flat) + 1)
    let pad =
      flat.unicodeScalars.first == "`" || flat.unicodeScalars.last == "`" ? " " : ""
    return fence + pad + flat + pad + fence
  }

  /// Plain text for prose: Markdown punctuation is backslash-escaped and `<`, `>`, `&` become
  /// entities.
  ///
  /// Text that GitHub would still turn into something (an `@mention`, an email or URL autolink, a
  /// `#123` or `GH-123` reference, an `:emoji:` shortcode) whatever its escaping, is shown as a
  /// ``code(_:)`` span instead, where GitHub turns nothing.
  public static func text(_ text: String) -> String {
    let flat = visible(text)
    if isActiveOnGitHub(flat) { return code(text) }
    var result = ""
    for scalar in flat.unicodeScalars {
      switch scalar {
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "&": result += "&amp;"
      case "\\", "`", "*", "_", "[", "]", "#", "~", "!", "(", ")", "|":
        result += "\\\(scalar)"
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result
  }

  /// Inline Markdown made safe for a table cell: every `|` is escaped (GFM unescapes `\|` inside
  /// code spans in tables too).
  public static func cell(_ markdown: String) -> String {
    markdown.replacingPipes()
  }

  /// Text for a fenced code block or a code span: a line break inside one value becomes `\n`
  /// (`\r`, `\t` likewise), and every other hidden character (``VisibleText``) — bidirectional
  /// overrides, zero-width characters, U+2028 — is shown as `\u202E` and the like.
  public static func visible(_ text: String) -> String {
    VisibleText.escaped(text)
  }

  /// Lines for a fenced code block: each `\n` stays a line break, every other hidden character
  /// is shown as ``visible(_:)`` shows it.
  public static func block(_ text: String) -> String {
    VisibleText.escaped(text, keep: { $0 == "\n" })
  }

  /// A fence for a code block that no line of `content` can close.
  public static func fence(for content: String) -> String {
    String(repeating: "`", count: max(3, longestBacktickRun(in: content) + 1))
  }

  /// The longest run of backticks, counted in scalars as CommonMark does (a backtick followed by
  /// a combining mark is one `Character` but still a backtick).
  private static func longestBacktickRun(in text: String) -> Int {
    var longest = 0
    var run = 0
    for scalar in text.unicodeScalars {
      run = scalar == "`" ? run + 1 : 0
      longest = max(longest, run)
    }
    return longest
  }
}

extension Markdown {
  /// Whether GitHub's post-processing could act on `text` outside code: mentions and emails
  /// (`@`), scheme autolinks (`:/`), shortcodes (`:name:`), `www.` autolinks, and issue
  /// references (`#1`, `GH-1`).
  fileprivate static func isActiveOnGitHub(_ text: String) -> Bool {
    let scalars = Array(text.lowercased().unicodeScalars)
    for (index, scalar) in scalars.enumerated() {
      let next = index + 1 < scalars.count ? scalars[index + 1] : nil
      switch scalar {
      case "@": return true
      case ":" where next == "/" || isShortcode(scalars[(index + 1)...]): return true
      case "#" where next.map { ("0"..."9").contains($0) } ?? false: return true
      case "-"
      where index >= 2 && scalars[index - 2] == "g" && scalars[index - 1] == "h"
        && (next.map { ("0"..."9").contains($0) } ?? false):
        return true
      case "."
      where index >= 3 && scalars[index - 3] == "w" && scalars[index - 2] == "w"
        && scalars[index - 1] == "w":
        return true
      default: continue
      }
    }
    return false
  }

  /// Whether `rest`, which follows a `:`, starts with the rest of an `:emoji:` shortcode.
  private static func isShortcode(_ rest: ArraySlice<Unicode.Scalar>) -> Bool {
    var length = 0
    for scalar in rest {
      if scalar == ":" { return length > 0 }
      if scalar.properties.isWhitespace { return false }
      length += 1
    }
    return false
  }
}

extension String {
  fileprivate func replacingPipes() -> String {
    var result = String.UnicodeScalarView()
    for scalar in unicodeScalars {
      if scalar == "|" { result.append("\\") }
      result.append(scalar)
    }
    return String(result)
  }
}
