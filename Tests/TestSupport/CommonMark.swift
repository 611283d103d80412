import Foundation

/// GitHub's Markdown renderer, cmark-gfm from Debian, for checking what reports look like.
public enum CommonMark {
  /// Whether cmark-gfm is installed.
  public static var isAvailable: Bool {
    FileManager.default.isExecutableFile(atPath: "/usr/bin/cmark-gfm")
  }

  /// Whether the rendering checks run: where cmark-gfm is installed, and always in the full
  /// suite (`scripts/test`, which installs it), so that a missing renderer fails them there
  /// instead of skipping them.
  public static var checksRun: Bool {
    isAvailable || TestPostgres.isRequired
  }

  /// Renders `markdown` to HTML with the GFM table and strikethrough extensions; `unsafe` lets
  /// raw HTML through (as GitHub's sanitiser would see it) and turns on autolinks, so that a
  /// test sees every tag and link a report could bring in.
  public static func html(_ markdown: String, unsafe: Bool = false) throws -> String {
    try Subprocess.run(
      URL(fileURLWithPath: "/usr/bin/cmark-gfm"),
      ["--extension", "table", "--extension", "strikethrough"]
        + (unsafe ? ["--extension", "autolink", "--unsafe"] : []), input: markdown
    ).output
  }

  /// `html` without the contents of its code spans and code blocks, where nothing is active.
  public static func outsideCode(_ html: String) -> String {
    var result = html
    for pattern in [#"(?s)<pre[^>]*>.*?</pre>"#, #"(?s)<code[^>]*>.*?</code>"#] {
      result = result.replacingOccurrences(of: pattern, with: "", options: .regularExpression)
    }
    return result
  }

  /// Every start tag in `html`: its lower-case name and what follows the name.
  public static func tags(in html: String) -> [(name: String, attributes: String)] {
    var tags: [(String, String)] = []
    var rest = html[...]
    while let range = rest.range(of: #"<[A-Za-z][A-Za-z0-9]*[^>]*>"#, options: .regularExpression) {
      let tag = rest[range].dropFirst().dropLast()
      let name = tag.prefix { $0.isLetter || $0.isNumber }
      let attributes = tag.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
      tags.append((name.lowercased(), attributes))
      rest = rest[range.upperBound...]
    }
    return tags
  }

  /// The text of `html` as a reader sees it: tags and comments removed, entities decoded.
  public static func text(of html: String) -> String {
    var text = html.replacingOccurrences(
      of: #"(?s)<!--.*?-->|<[^>]*>"#, with: " ", options: .regularExpression)
    for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'")] {
      text = text.replacingOccurrences(of: entity, with: character)
    }
    while let range = text.range(of: #"&#x?[0-9A-Fa-f]+;"#, options: .regularExpression) {
      let body = text[range].dropFirst(2).dropLast()
      let value =
        body.hasPrefix("x") || body.hasPrefix("X")
        ? UInt32(body.dropFirst(), radix: 16) : UInt32(body, radix: 10)
      let decoded = value.flatMap(Unicode.Scalar.init).map { String(Character($0)) } ?? ""
      text.replaceSubrange(range, with: decoded)
    }
    return text.replacingOccurrences(of: "&amp;", with: "&")
  }
}
