import Foundation
import TestSupport
import Testing

/// Names built from a hostile alphabet, on a real PostgreSQL: every suggested fix does exactly
/// what it says when run with psql, every report renders with no tag, link or mention that a
/// name brought in, and no raw control character reaches a terminal.
@Suite("Hostile names, generated", .serialized, .enabled(if: TestPostgres.isAvailable))
struct HostileNameTests {
  /// `name` as a quoted identifier for the test's own set-up SQL.
  static func quoted(_ name: String) -> String {
    "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// `text` as a standard string literal for the test's own set-up SQL.
  static func literal(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
  }

  /// The objects of one round: in `ref` they all exist; `drift` lacks the column, the index and
  /// the second schema, and has the renamed index under another name.
  struct Round {
    var schema: String
    var table: String
    var column: String
    var index: String
    var renamedFrom: String
    var renamedTo: String
    var emptySchema: String
    var defaultLiteral: String?
    /// A foreign server that `ref` grants to everyone and `drift` does not.
    var server: String

    init(_ random: inout SplitMix64, number: Int) {
      schema = HostileText.name("s\(number)", using: &random)
      table = HostileText.name("t\(number)", using: &random)
      column = HostileText.name("c\(number)", using: &random)
      index = HostileText.name("i\(number)", using: &random)
      renamedFrom = HostileText.name("j\(number)", using: &random)
      renamedTo = HostileText.name("k\(number)", using: &random)
      emptySchema = HostileText.name("e\(number)", using: &random)
      defaultLiteral = number % 2 == 0 ? HostileText.name("d", using: &random) : nil
      server = HostileText.name("v\(number)", using: &random)
    }

    var refSQL: String {
      let s = quoted(schema)
      let t = "\(s).\(quoted(table))"
      let columnType = defaultLiteral.map { "text DEFAULT \(literal($0))" } ?? "integer DEFAULT 0"
      return """
        CREATE SCHEMA \(s);
        CREATE TABLE \(t) (id integer, \(quoted(column)) \(columnType));
        CREATE INDEX \(quoted(index)) ON \(t) (id);
        CREATE INDEX \(quoted(renamedFrom)) ON \(t) (id) WHERE id > 5;
        CREATE SCHEMA \(quoted(emptySchema));
        CREATE SERVER \(quoted(server)) FOREIGN DATA WRAPPER hostile_fdw;
        GRANT USAGE ON FOREIGN SERVER \(quoted(server)) TO PUBLIC;

        """
    }

    var driftSQL: String {
      let s = quoted(schema)
      let t = "\(s).\(quoted(table))"
      return """
        CREATE SCHEMA \(s);
        CREATE TABLE \(t) (id integer);
        CREATE INDEX \(quoted(renamedTo)) ON \(t) (id) WHERE id > 5;
        CREATE SERVER \(quoted(server)) FOREIGN DATA WRAPPER hostile_fdw;

        """
    }
  }

  static let sentinelSQL = """
    CREATE TABLE public.sentinel (id integer);
    INSERT INTO public.sentinel VALUES (42);

    """

  /// What every database of the round holds: the wrapper the servers use.
  static let sharedSQL = "CREATE FOREIGN DATA WRAPPER hostile_fdw;\n"

  /// Gives the database a setting whose value is `value`, through a `DO` block whose own quote
  /// the value cannot end.
  static func databaseSetting(_ value: String) -> String {
    """
    DO $hostile_setting_do$ BEGIN
      EXECUTE format('ALTER DATABASE %I SET envdrift.note = %L', current_database(), \(literal(value)));
    END $hostile_setting_do$;

    """
  }

  @Test func everySuggestedFixCreatesOrRenamesExactlyItsObjectAndNothingElse() throws {
    var random = SplitMix64(state: 20_261_130)
    let rounds = (1...6).map { Round(&random, number: $0) }
    let setting = HostileText.name("n", using: &random) + "'; DROP TABLE public.sentinel; --"
    let ref = try TestPostgres.createDatabase(
      "hostile_ref",
      sql: Self.sharedSQL + rounds.map(\.refSQL).joined() + Self.databaseSetting(setting))
    defer { ref.drop() }
    let driftSQL = Self.sentinelSQL + Self.sharedSQL + rounds.map(\.driftSQL).joined()
    let viaJSON = try TestPostgres.createDatabase("hostile_json", sql: driftSQL)
    defer { viaJSON.drop() }
    let viaMarkdown = try TestPostgres.createDatabase("hostile_md", sql: driftSQL)
    defer { viaMarkdown.drop() }
    let viaGitHub = try TestPostgres.createDatabase("hostile_gh", sql: driftSQL)
    defer { viaGitHub.drop() }

    // The reference as a snapshot file, with an extension whose name, schema and version are
    // hostile: a crafted file is as hostile as a database.
    let workdir = try Envdrift.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: workdir) }
    let refFile = workdir.appendingPathComponent("ref.json")
    let saved = try Envdrift.run(["snapshot", "ref=dbname=\(ref.name)", "--output", refFile.path])
    #expect(saved.status == 0, "\(saved.error)")
    var document = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: refFile)) as? [String: Any])
    var extensions = document["extensions"] as? [[String: Any]] ?? []
    extensions.append([
      "name": HostileText.name("x", using: &random), "schema": "public",
      "version": "1.0'; DROP TABLE public.sentinel; --\n\\! touch /tmp/envdrift-pwned",
    ])
    document["extensions"] = extensions
    try JSONSerialization.data(withJSONObject: document).write(to: refFile)

    func compare(_ database: TestDatabase, format: String) throws -> Subprocess.Result {
      try Envdrift.run([
        "compare", "ref=\(refFile.path)", "drift=dbname=\(database.name)", "--baseline", "ref",
        "--format", format, "--output", "-",
      ])
    }
    let json = try compare(viaJSON, format: "json")
    #expect(json.status == 1, "\(json.error)")
    let findings = try Self.findings(json.output)
    let fixes = findings.compactMap { $0["fix"] as? String }
    #expect(fixes.count >= rounds.count * 3, "fixes: \(fixes)")
    for round in rounds {
      for (kind, name) in [
        ("index.missing", round.index), ("index.renamed", round.renamedFrom),
        ("schema.missing", round.emptySchema), ("privilege.missing", "PUBLIC"),
      ] {
        #expect(
          findings.contains { $0["kind"] as? String == kind && $0["name"] as? String == name },
          "no \(kind) finding for \(name.debugDescription)")
      }
    }
    for round in rounds {
      #expect(
        findings.contains {
          $0["kind"] as? String == "privilege.missing" && $0["table"] as? String == round.server
        }, "no grant finding for server \(round.server.debugDescription)")
    }
    // The database setting is a cluster-side finding the helper leaves out; its fix is in the
    // reports' fix blocks, run below for the Markdown and GitHub databases.
    let all =
      try #require(
        try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])[
        "findings"]
      as? [[String: Any]]
    #expect(
      all?.contains {
        $0["kind"] as? String == "setting.missing" && $0["name"] as? String == "envdrift.note"
          && $0["fix"] != nil
      } == true)
    for fix in fixes {
      #expect(!fix.unicodeScalars.contains { Self.isHidden($0) && $0 != "\n" }, "\(fix)")
    }

    try Self.runFixes(fixes.joined(separator: "\n"), in: viaJSON)
    let markdown = try compare(viaMarkdown, format: "markdown")
    try Self.runFixes(
      try Self.fixBlock(markdown.output, after: "## Suggested fixes"), in: viaMarkdown)
    let github = try compare(viaGitHub, format: "github")
    try Self.runFixes(try Self.fixBlock(github.output, after: "Suggested fixes"), in: viaGitHub)

    for database in [viaMarkdown, viaGitHub] {
      #expect(
        try database.scalar(
          """
          SELECT s.setconfig = ARRAY['envdrift.note=' || \(Self.literal(setting))]
          FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase
          WHERE d.datname = current_database() AND s.setrole = 0
          """) == "t", "the setting's fix in \(database.name)")
    }
    for database in [viaJSON, viaMarkdown, viaGitHub] {
      #expect(try database.scalar("SELECT string_agg(id::text, ',') FROM public.sentinel") == "42")
      for round in rounds {
        let schema = Self.literal(round.schema)
        let table = Self.literal(round.table)
        // Compared in the server: names may end in white space that psql's output would lose.
        let exact = try database.scalar(
          """
          SELECT (SELECT array_agg(indexname::text ORDER BY indexname::text) FROM pg_indexes
                  WHERE schemaname = \(schema) AND tablename = \(table))
               = (SELECT array_agg(name ORDER BY name)
                  FROM unnest(ARRAY[\(Self.literal(round.index)), \(Self.literal(round.renamedFrom))])
                    AS name)
          """)
        let actual = try database.scalar(
          """
          SELECT to_jsonb(array_agg(indexname::text ORDER BY indexname::text)) FROM pg_indexes
          WHERE schemaname = \(schema) AND tablename = \(table)
          """)
        let wanted = [round.index, round.renamedFrom].map(\.debugDescription)
        #expect(
          exact == "t", "indexes of \(round.table.debugDescription): \(actual), expected \(wanted)")
        #expect(
          try database.scalar(
            "SELECT count(*) FROM pg_namespace WHERE nspname = \(Self.literal(round.emptySchema))")
            == "1")
        if round.defaultLiteral == nil {
          #expect(
            try database.scalar(
              """
              SELECT count(*) FROM information_schema.columns
              WHERE table_schema = \(schema) AND table_name = \(table)
                AND column_name = \(Self.literal(round.column))
              """) == "1")
        }
      }
      // Nothing else was made: the only differences left are those no fix was offered for.
      let after = try Self.findings(try compare(database, format: "json").output)
      for finding in after {
        let kind = finding["kind"] as? String ?? ""
        let sentinel = kind == "table.missing" && finding["name"] as? String == "sentinel"
        #expect(
          sentinel || kind == "extension.missing"
            || (kind == "column.missing" && finding["fix"] == nil),
          "left after the fixes: \(finding)")
      }
    }
    #expect(!FileManager.default.fileExists(atPath: "/tmp/envdrift-pwned"))

    for (name, report) in [("markdown", markdown), ("github", github)] {
      #expect(report.status == 1)
      try Self.expectInertMarkdown(report.output, name: name)
      #expect(Self.hiddenCharacters(in: report.error).isEmpty)
    }
  }

  @Test func tenantFixesCommentsAndReportsStayInertWithHostileTenantSchemas() throws {
    var random = SplitMix64(state: 7)
    let hostile =
      (1...4).map { HostileText.name("h\($0)", using: &random) } + [
        "E'evil\nDROP TABLE public.sentinel; --'", "evil\rDROP TABLE public.sentinel; --",
      ]
    let rowApp = HostileText.name("app", using: &random)
    let rowName = HostileText.name("0001", using: &random)
    var sql = Self.sentinelSQL
    let healthy = (1...8).map { "t\($0)" }
    for schema in healthy + hostile {
      let s = Self.quoted(schema)
      sql += """
        CREATE SCHEMA \(s);
        CREATE TABLE \(s).django_migrations (
          id serial PRIMARY KEY, app varchar(255) NOT NULL, name varchar(255) NOT NULL,
          applied timestamptz NOT NULL);
        CREATE TABLE \(s).orders (amount integer);

        """
      // The last hostile tenants never got the shop app: a cause that names them.
      if !hostile.suffix(3).contains(schema) {
        sql += """
          INSERT INTO \(s).django_migrations (app, name, applied)
            VALUES ('shop', '0001_initial', '2025-01-01T00:00:00Z');

          """
      }
      if !hostile.contains(schema) {
        sql += "CREATE INDEX orders_amount_idx ON \(s).orders (amount);\n"
      } else {
        sql += """
          INSERT INTO \(s).django_migrations (app, name, applied)
            VALUES (\(Self.literal(rowApp)), \(Self.literal(rowName)), '2025-02-01T00:00:00Z');

          """
      }
    }
    let database = try TestPostgres.createDatabase("hostile_tenants", sql: sql)
    defer { database.drop() }

    let json = try Envdrift.run([
      "tenants", "prod=dbname=\(database.name)", "--format", "json", "--output", "-",
    ])
    #expect(json.status == 1, "\(json.error)")
    let fixes = try Self.findings(json.output).compactMap { $0["fix"] as? String }
    #expect(fixes.count == hostile.count, "\(fixes)")
    for fix in fixes {
      let lines = fix.split(separator: "\n")
      #expect(lines.count == 2, "\(fix)")
      #expect(lines.first?.hasPrefix("-- make ") == true)
      #expect(lines.last?.hasPrefix("CREATE INDEX IF NOT EXISTS orders_amount_idx ON ") == true)
    }
    for format in ["markdown", "github"] {
      let report = try Envdrift.run([
        "tenants", "prod=dbname=\(database.name)", "--format", format, "--output", "-",
      ])
      #expect(report.status == 1)
      try Self.expectInertMarkdown(report.output, name: format)
    }
    let summary = try Envdrift.run(["tenants", "prod=dbname=\(database.name)", "--output", "-"])
    #expect(Self.hiddenCharacters(in: summary.error).isEmpty)

    // verify prints a line per schema that needs migrating: hostile schema names included.
    let code = try Envdrift.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: code) }
    let migrations = code.appendingPathComponent("shop/migrations")
    try FileManager.default.createDirectory(at: migrations, withIntermediateDirectories: true)
    try """
    from django.db import migrations


    class Migration(migrations.Migration):
        dependencies = []
        operations = []

    """.write(
      to: migrations.appendingPathComponent("0001_initial.py"), atomically: true,
      encoding: .utf8)
    try """
    from django.db import migrations


    class Migration(migrations.Migration):
        dependencies = [("shop", "0001_initial")]
        operations = []

    """.write(
      to: migrations.appendingPathComponent("0002_more.py"), atomically: true, encoding: .utf8)
    let verify = try Envdrift.run(["verify", code.path, "prod=dbname=\(database.name)"])
    #expect(verify.status == 1, "\(verify.output)\(verify.error)")
    #expect(Self.hiddenCharacters(in: verify.output + verify.error).isEmpty, "\(verify.output)")
    #expect(verify.output.contains("\\nDROP TABLE public.sentinel; --"), "\(verify.output)")

    try Self.runFixes(fixes.joined(separator: "\n"), in: database)
    #expect(try database.scalar("SELECT string_agg(id::text, ',') FROM public.sentinel") == "42")
    for schema in hostile {
      #expect(
        try database.scalar(
          """
          SELECT count(*) FROM pg_indexes
          WHERE schemaname = \(Self.literal(schema)) AND indexname = 'orders_amount_idx'
          """) == "1", "no index made in \(schema.debugDescription)")
    }
    #expect(
      try database.scalar("SELECT count(*) FROM pg_indexes WHERE indexname = 'orders_amount_idx'")
        == String(healthy.count + hostile.count))
  }

  // MARK: - Checks

  static func findings(_ json: String) throws -> [[String: Any]] {
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    return Envdrift.schemaFindings(try #require(document["findings"] as? [[String: Any]]))
  }

  /// The body of the first fenced SQL block after `heading`.
  static func fixBlock(_ markdown: String, after heading: String) throws -> String {
    let tail = try #require(markdown.range(of: heading).map { markdown[$0.upperBound...] })
    let lines = tail.split(separator: "\n", omittingEmptySubsequences: false)
    let open = try #require(lines.firstIndex { $0.hasPrefix("```") && $0.hasSuffix("sql") })
    let fence = lines[open].dropLast(3)
    let close = try #require(lines[(open + 1)...].firstIndex { $0 == fence })
    return lines[(open + 1)..<close].joined(separator: "\n")
  }

  /// Runs `sql` with psql as a user piping the fixes would, carrying on past errors.
  static func runFixes(_ sql: String, in database: TestDatabase) throws {
    try TestPostgres.runPSQL(
      database: database.name, arguments: ["-v", "ON_ERROR_STOP=0", "-f", "-"], input: sql)
  }

  static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
    if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) { return true }
    switch scalar.properties.generalCategory {
    case .format, .lineSeparator, .paragraphSeparator, .control: return true
    case .spaceSeparator: return scalar != " "
    default: return false
    }
  }

  /// Hidden characters in `text` other than the line breaks and tabs that lay out output.
  static func hiddenCharacters(in text: String) -> [Unicode.Scalar] {
    text.unicodeScalars.filter { isHidden($0) && $0 != "\n" && $0 != "\t" }
  }

  /// The report, rendered by cmark-gfm with raw HTML let through, has only the tags its
  /// templates write, no link, and outside code no mention, reference, shortcode or autolink.
  static func expectInertMarkdown(
    _ markdown: String, name: String, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    #expect(
      hiddenCharacters(in: markdown).isEmpty, "\(name): hidden characters",
      sourceLocation: sourceLocation)
    guard CommonMark.checksRun else { return }
    let html = try CommonMark.html(markdown, unsafe: true)
    let outside = CommonMark.outsideCode(html)
    let allowed: Set<String> = [
      "p", "h1", "h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td", "ul", "ol", "li",
      "strong", "em", "code", "pre", "details", "summary", "br", "hr", "blockquote", "del", "sub",
    ]
    for tag in CommonMark.tags(in: outside) {
      #expect(
        allowed.contains(tag.name)
          && (tag.attributes.isEmpty || tag.attributes.hasPrefix("align=")),
        "\(name): tag <\(tag.name)\(tag.attributes)> outside code", sourceLocation: sourceLocation)
    }
    let text = CommonMark.text(of: outside)
    for pattern in [
      #"@[A-Za-z0-9]"#, #"#[0-9]"#, #"(?i)GH-[0-9]"#, #":[A-Za-z0-9_+-]+:"#, #"(?i)www\."#,
      #"://"#,
    ] {
      let match = text.range(of: pattern, options: .regularExpression)
      #expect(
        match == nil,
        "\(name): \(pattern) outside code: \(match.map { String(text[$0]) } ?? "")",
        sourceLocation: sourceLocation)
    }
  }
}
