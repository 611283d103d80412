import DriftCompare
import DriftModel
import DriftReport
import Foundation
import TestSupport
import Testing

/// Renders Markdown with cmark-gfm (GitHub's own renderer) and inspects the HTML.
enum GFM {
  static var isAvailable: Bool { CommonMark.checksRun }

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

  static func comparison() -> Comparison {
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
    return Comparer().compare(
      [.init(snapshot: dev), .init(snapshot: prod)], baseline: "prod",
      generatedAt: "2026-11-21T03:00:00Z")
  }

  @Test(arguments: [ReportFormat.markdown, .github])
  func namesRenderLiterallyAndNeverAsHTML(format: ReportFormat) throws {
    let comparison = Self.comparison()
    let markdown = try ReportRenderer().render(
      ReportInput(comparison: comparison), format: format)
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

  @Test(arguments: [
    ("@octocat", "`@octocat`"), ("see #12", "`see #12`"), ("gh-7", "`gh-7`"),
    ("a :smile: b", "`a :smile: b`"), ("https://x.y", "`https://x.y`"),
    ("www.example.com", "`www.example.com`"), ("a@b.c", "`a@b.c`"),
    ("dev: drifted at 21:41 UTC", "dev: drifted at 21:41 UTC"),
  ])
  func proseThatGitHubWouldTurnIntoALinkOrMentionIsShownAsCode(text: String, expected: String) {
    #expect(Markdown.text(text) == expected)
  }

  @Test func hiddenCharactersAreShownAsEscapesInEveryMarkdownForm() {
    let name = "a\u{202E}b\u{200B}c\u{2028}d\u{85}e\u{1B}[31mf\u{A0}g\u{E0041}h"
    let shown = #"a\u202Eb\u200Bc\u2028d\u0085e\u001B[31mf\u00A0g\U000E0041h"#
    #expect(Markdown.code(name) == "`\(shown)`")
    #expect(Markdown.visible(name) == shown)
    #expect(Markdown.block("x\n" + name) == "x\n" + shown)
    #expect(Markdown.text("ok\u{202E}") == #"ok\\u202E"#)
  }

  @Test func aBacktickOrPipeWithACombiningMarkIsStillCountedAndEscaped() {
    #expect(Markdown.code("a`\u{301}b") == "``a`\u{301}b``")
    #expect(Markdown.cell("`a|\u{301}`") == "`a\\|\u{301}`")
    #expect(Markdown.fence(for: "```\u{301}") == "````")
  }

  @Test(arguments: [
    ("plain", "plain"), ("Mixed", "\"Mixed\""), ("int", "\"int\""), ("select", "\"select\""),
    ("quo\"te", "\"quo\"\"te\""), ("new\nline", #"U&"new\000Aline""#),
    ("rlo\u{202E}x", #"U&"rlo\202Ex""#), ("back\\slash\r", #"U&"back\\slash\000D""#),
    ("tag\u{E0041}", #"U&"tag\+0E0041""#), ("é", "\"é\""),
  ])
  func sqlIdentifiersAreQuotedAndHiddenCharactersEscaped(name: String, expected: String) {
    #expect(SQL.identifier(name) == expected)
  }

  @Test(arguments: [
    ("it's", "'it''s'"), ("back\\slash", #"E'back\\slash'"#),
    ("line\nbreak", #"U&'line\000Abreak'"#),
    ("'\u{301}; DROP TABLE t; --", "'''\u{301}; DROP TABLE t; --'"),
  ])
  func sqlLiteralsDoubleQuotesScalarByScalar(text: String, expected: String) {
    #expect(SQL.literal(text) == expected)
  }

  @Test func sqlCommentsNeverEndOnAnyLineBreak() {
    for separator in ["\n", "\r", "\r\n", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}"] {
      let comment = SQL.comment("make x\(separator)DROP TABLE t; -- match y")
      #expect(comment.hasPrefix("-- make x\\"))
      #expect(!comment.unicodeScalars.contains { VisibleText.isHidden($0) })
    }
  }

  @Test func dollarQuotesPickATagTheBodyDoesNotHold() {
    #expect(SQL.dollarQuoted(" x ") == "$$ x $$")
    #expect(SQL.dollarQuoted("a$$b") == "$envdrift$a$$b$envdrift$")
    #expect(SQL.dollarQuoted("$envdrift$ and $$") == "$envdrift1$$envdrift$ and $$$envdrift1$")
    #expect(SQL.dollarQuoted("ends with $") == "$envdrift$ends with $$envdrift$")
  }

  @Test(arguments: [
    "USING btree (amount)", "USING btree (lower((name)::text)) WHERE (deleted IS NULL)",
    "'a;b'::text", #"E'it\'s;'::text"#, "$x$;--$x$", "\"we;ird\"", "nextval('s'::regclass)",
    "ARRAY[1, 2][1:2]", "'x'::character varying", "(('{}'::jsonb -> 'a'::text))",
  ])
  func deparsedFragmentsThatCannotEndAStatementAreKept(text: String) {
    #expect(SQL.fragment(text) == text)
  }

  @Test(arguments: [
    "0; DROP TABLE t", "0 -- comment", "0 /* x */", "(1", "1)", "'open", "\"open",
    "$x$ open", #"\! rm -rf /"#, ":evil", ":'evil'", #"'a\'; DROP TABLE t; --'"#,
    #"'\' ';drop table t;' ''"#, "0\nDROP TABLE t", "1\u{202E}", "", #"E'unterminated\'"#,
  ])
  func deparsedFragmentsThatCouldEndAStatementAreRefused(text: String) {
    #expect(SQL.fragment(text) == nil)
  }

  @Test func pythonStringsAreOneLineAndMeanTheirText() {
    #expect(Python.string("plain") == "\"plain\"")
    #expect(Python.string(#"q"b\"#) == #""q\"b\\""#)
    #expect(Python.string("a\nb\u{2028}c\u{1B}d\u{E0041}") == #""a\nb\u2028c\x1bd\U000e0041""#)
    #expect(Python.comment("x\nimport os") == #"# x\nimport os"#)
  }

  @Test func terminalTextShowsEveryControlCharacterButKeepsTheLayoutOfLines() {
    #expect(TerminalText.value("a\nb\u{1B}[2Jc") == #"a\nb\u001B[2Jc"#)
    #expect(TerminalText.lines("one\ntwo\u{202E}\tthree\r") == "one\ntwo\\u202E\tthree\\r")
  }
}

/// The SQL escaping functions held to the server itself: what they write reads back, through
/// PostgreSQL's own lexer, as exactly the name or text it was made from.
@Suite("SQL escaping against PostgreSQL", .enabled(if: TestPostgres.isAvailable))
struct SQLEscapingServerTests {
  @Test func identifiersAndLiteralsReadBackExactlyThroughTheServer() throws {
    var random = SplitMix64(state: 42)
    let names = (0..<60).map { HostileText.name("n\($0)", using: &random) }
    let selects = names.map { name in
      "SELECT jsonb_build_array(to_jsonb(t), to_jsonb(\(SQL.literal(name))::text))"
        + " FROM (SELECT 1 AS \(SQL.identifier(name))) AS t"
    }
    let output = try TestPostgres.runPSQL(
      database: "postgres", arguments: ["-tA", "-f", "-"],
      input: selects.joined(separator: " UNION ALL ") + ";\n")
    let rows = output.split(separator: "\n")
    #expect(rows.count == names.count)
    for (row, name) in zip(rows, names) {
      let decoded = try JSONSerialization.jsonObject(with: Data(row.utf8)) as? [Any]
      let columns = decoded?.first as? [String: Any]
      let column: String? = columns?.keys.first
      let literal = decoded?.last as? String
      #expect(column == name, "identifier of \(name.debugDescription): \(row)")
      #expect(literal == name, "literal of \(name.debugDescription): \(row)")
    }
  }
}
