import DriftModel
import Foundation
import Mustache

/// Renders a comparison as Markdown, a GitHub comment or JSON.
public struct ReportRenderer: Sendable {
  /// GitHub's limit on a comment body; the github format always stays below it.
  public static let githubCommentLimit = 65_536

  private let library: MustacheLibrary
  private let customTemplate: MustacheTemplate?

  /// The largest template accepted, in bytes.
  public static let maximumTemplateSize = 1 << 20

  /// How deeply a template's sections may nest; the built-in templates nest three deep, and a
  /// deeper template would exhaust the stack of the recursive renderer.
  public static let maximumSectionDepth = 64

  /// Creates a renderer with the built-in templates, or with `template`, the text of the file at
  /// `path` (which names it in errors).
  public init(template: String? = nil, path: String = "") throws(ReportError) {
    var library = MustacheLibrary()
    for (name, text) in EmbeddedTemplates.all {
      do {
        try library.register(text, named: name)
      } catch {
        throw .invalidTemplate(path: "built-in \(name)", reason: "\(error)")
      }
    }
    self.library = library
    guard let text = template else {
      customTemplate = nil
      return
    }
    if let line = Self.lineNestedTooDeep(text) {
      throw .invalidTemplate(
        path: path,
        reason: "line \(line): sections nest more than \(Self.maximumSectionDepth) levels deep")
    }
    do {
      customTemplate = try MustacheTemplate(string: text)
    } catch let error as MustacheTemplate.ParserError {
      throw .invalidTemplate(path: path, reason: Self.describe(error))
    } catch {
      throw .invalidTemplate(path: path, reason: "it could not be parsed")
    }
  }

  /// The line where `{{#…}}` and `{{^…}}` sections first nest deeper than allowed, if they do.
  ///
  /// Counted without parsing (a changed delimiter is not followed), which over-counts only
  /// templates that are broken anyway.
  static func lineNestedTooDeep(_ text: String) -> Int? {
    var depth = 0
    var line = 1
    let bytes = Array(text.utf8)
    var index = 0
    while index < bytes.count {
      if bytes[index] == UInt8(ascii: "\n") { line += 1 }
      if bytes[index] == UInt8(ascii: "{"), index + 2 < bytes.count,
        bytes[index + 1] == UInt8(ascii: "{")
      {
        switch bytes[index + 2] {
        case UInt8(ascii: "#"), UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: "<"):
          depth += 1
          if depth > maximumSectionDepth { return line }
        case UInt8(ascii: "/"):
          depth = max(0, depth - 1)
        default:
          break
        }
        index += 2
        continue
      }
      index += 1
    }
    return nil
  }

  /// A parse error as a sentence: where, and what was expected.
  static func describe(_ error: MustacheTemplate.ParserError) -> String {
    let what: String
    switch error.error as? MustacheTemplate.Error {
    case .sectionCloseNameIncorrect?: what = "a section is closed with another section's name"
    case .unfinishedName?: what = "a tag is not closed with }}"
    case .expectedSectionEnd?: what = "a section is never closed with {{/name}}"
    case .invalidSetDelimiter?: what = "a {{=…=}} delimiter change is malformed"
    case .invalidConfigVariableSyntax?, .unrecognisedConfigVariable?:
      what = "a {{% …}} setting is not understood"
    default: what = "the template could not be parsed"
    }
    return "line \(error.context.lineNumber), column \(error.context.columnNumber): \(what)"
  }

  /// Renders `input` in `format`.
  public func render(_ input: ReportInput, format: ReportFormat) throws(ReportError) -> String {
    switch format {
    case .json:
      return try Self.json(input.comparison)
    case .markdown:
      return try renderTemplate("markdown", ReportView(input: input, rowLimit: .max, nameLimit: 20))
    case .github:
      let budget = Self.githubCommentLimit - 512
      for (rows, names) in [
        (500, 20), (200, 20), (100, 10), (50, 10), (25, 5), (10, 5), (5, 3), (2, 3), (1, 2),
      ] {
        let text = try renderTemplate(
          "github", ReportView(input: input, rowLimit: rows, nameLimit: names))
        if text.utf8.count <= budget { return text }
      }
      throw .tooLarge
    }
  }

  private func renderTemplate(_ name: String, _ view: ReportView) throws(ReportError) -> String {
    let context = view.context()
    let rendered: String?
    if let customTemplate {
      rendered = customTemplate.render(context, library: library)
    } else {
      rendered = library.render(context, withTemplate: name)
    }
    guard let rendered else { throw .invalidTemplate(path: name, reason: "template not found") }
    return Self.tidy(rendered)
  }

  /// Collapses runs of blank lines that sections left behind, and ends with one newline.
  static func tidy(_ text: String) -> String {
    var lines: [Substring] = []
    var blank = 0
    var inFence = false
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix("```") { inFence.toggle() }
      if line.trimmingCharacters(in: .whitespaces).isEmpty, !inFence {
        blank += 1
        if blank > 1 { continue }
      } else {
        blank = 0
      }
      lines.append(line)
    }
    while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty {
      lines.removeLast()
    }
    while let first = lines.first, first.trimmingCharacters(in: .whitespaces).isEmpty {
      lines.removeFirst()
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// The JSON findings document: sorted keys, pretty, one final newline.
  public static func json(_ comparison: Comparison) throws(ReportError) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    do {
      return String(
        decoding: try encoder.encode(FindingsDocument(comparison: comparison)), as: UTF8.self)
        + "\n"
    } catch {
      throw .encodingFailed(reason: "\(error)")
    }
  }

  /// The built-in template called `name`, as embedded in the binary.
  public static func builtInTemplate(named name: String) -> String? {
    EmbeddedTemplates.all[name]
  }
}

/// Why a report could not be rendered.
public enum ReportError: Error, CustomStringConvertible, Sendable, Equatable {
  /// The template file could not be read.
  case unreadableTemplate(path: String, reason: String)
  /// The template is not valid Mustache.
  case invalidTemplate(path: String, reason: String)
  /// Encoding the JSON document failed.
  case encodingFailed(reason: String)
  /// Even the most compact GitHub comment would exceed GitHub's limit.
  case tooLarge

  /// A sentence the user can act on.
  public var description: String {
    switch self {
    case .unreadableTemplate(let path, let reason):
      "cannot read template \(path): \(reason)"
    case .invalidTemplate(let path, let reason):
      "template \(path) is not valid Mustache: \(reason)"
    case .encodingFailed(let reason):
      "could not encode the JSON report: \(reason)"
    case .tooLarge:
      "the GitHub comment would exceed 65,536 characters even with every section cut; use"
        + " --format markdown or json"
    }
  }
}
