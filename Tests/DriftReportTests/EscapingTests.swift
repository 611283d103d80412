import DriftCompare
import DriftModel
import DriftReport
import Foundation
import TestSupport
import Testing

/// Renders Markdown with cmark-gfm (GitHub's own renderer) and inspects the HTML.
enum GFM {
  static var isAvailable: Bool { CommonMark.isAvailable }

  static func html(_ markdown: String) throws -> String { try CommonMark.html(markdown) }

  /// Every Markdown table (a header line followed by a `|---|` line) renders as one HTML table
  /// with as many body rows as the Markdown has.
  static func expectWellFormedTables(
    _ markdown: String, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    guard isAvailable else { return }
    let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false)
    var tables = 0
    var rows = 0
    var inTable = false
    for (offset, line) in lines.enumerated() {
      if line.hasPrefix("|---") {
        tables += 1
        inTable = true
        continue
      }
      if inTable, line.hasPrefix("|") {
        rows += 1
        continue
      }
      if offset + 1 < lines.count, lines[offset + 1].hasPrefix("|---") { continue }
      inTable = false
    }
    let html = try html(markdown)
    #expect(
      html.components(separatedBy: "<table>").count - 1 == tables, sourceLocation: sourceLocation)
    let bodyRows = html.components(separatedBy: "<tbody>").dropFirst().map { body in
      (body.components(separatedBy: "</tbody>").first ?? "").components(separatedBy: "<tr>").count
        - 1
    }
    #expect(bodyRows.reduce(0, +) == rows, sourceLocation: sourceLocation)
  }
}

@Suite("Escaping hostile identifiers", .enabled(if: GFM.isAvailable))
struct EscapingTests {
  static let hostile = [
    "pipe|name", "back`tick", "``double``", "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "*emph* _under_", "new\nline", "Ünïcødé 🐘", "[link](http://x)", "trailing\\",
  ]

  static func comparison() -> (Comparison, [Snapshot]) {
    func snapshot(_ name: String, changed: Bool) -> Snapshot {
      let tables = hostile.enumerated().map { offset, identifier in
        Table(
          name: identifier,
          columns: [Column(name: identifier, position: 1, type: changed ? "text" : "integer")],
          indexes: [
            Index(
              name: changed ? identifier + "_new" : identifier + "_old",
              definition: "USING btree (\(offset))")
          ]
        )
      }
      var extra = tables
      if changed { extra.append(Table(name: "<b>only|here</b>")) }
      var result = Snapshot(
        environment: EnvironmentInfo(name: name, source: name),
        schemas: [Schema(name: "sch|<em>ema</em>", tables: extra)],
        migrationTables: [
          MigrationTable(
            schema: "sch|<em>ema</em>",
            rows: changed ? [MigrationRow(app: "a|`pp", name: "0001_<i>x</i>|y")] : [])
        ]
      )
      result.sort()
      return result
    }
    let dev = snapshot("dev", changed: true)
    let prod = snapshot("prod", changed: false)
    return (
      Comparer().compare(
        [.init(snapshot: dev), .init(snapshot: prod)], baseline: "prod",
        generatedAt: "2026-11-21T03:00:00Z"),
      [dev, prod]
    )
  }

  @Test(arguments: [ReportFormat.markdown, .github])
  func namesRenderLiterallyAndNeverAsHTML(format: ReportFormat) throws {
    let (comparison, snapshots) = Self.comparison()
    let markdown = try ReportRenderer().render(
      ReportInput(comparison: comparison, snapshots: snapshots), format: format)
    let html = try GFM.html(markdown)
    #expect(!html.contains("<img"))
    #expect(!html.contains("<script"))
    #expect(!html.contains("<em>ema</em>"))
    #expect(!html.contains("<b>only"))
    #expect(!html.contains("<i>x</i>"))
    #expect(!html.contains("<a href"))
    for name in [
      "pipe|name", "back`tick", "Ünïcødé 🐘", "*emph* _under_", "new\\nline",
      "&lt;img src=x onerror=alert(1)&gt;",
    ] {
      #expect(html.contains(name), "\(name) is not shown literally")
    }
    try GFM.expectWellFormedTables(markdown)
  }

  @Test(arguments: [
    ("plain", "`plain`"), ("a`b", "``a`b``"), ("`x", "`` `x ``"), ("a\nb", "`a\\nb`"), ("", "` `"),
  ])
  func codeSpansAlwaysClose(text: String, expected: String) {
    #expect(Markdown.code(text) == expected)
  }

  @Test func tableCellsEscapeEveryPipe() {
    #expect(Markdown.cell("`a|b` and c|d") == "`a\\|b` and c\\|d")
  }

  @Test func proseEscapesMarkdownAndHTML() {
    #expect(Markdown.text("<b>*x*</b> & [y]") == "&lt;b&gt;\\*x\\*&lt;/b&gt; &amp; \\[y\\]")
  }
}
