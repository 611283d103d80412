import DriftCollect
import DriftCompare
import DriftModel
import DriftReport
import Foundation
import TestSupport
import Testing

@Suite("Rendering reports")
struct ReportRendererTests {
  static let goldenDirectory = TestFixtures.repositoryRoot.appendingPathComponent(
    "Tests/DriftReportTests/Golden")
  static let examples = TestFixtures.repositoryRoot.appendingPathComponent("reports/examples")

  /// The seed incident's three snapshots, compared as `envdrift compare dev=… uat=… prod=…` does.
  static func seedInput() throws -> ReportInput {
    let snapshots = try ["dev", "uat", "prod"].map { name in
      try SnapshotFile.read(
        path: goldenDirectory.appendingPathComponent("\(name).snapshot.json").path)
    }
    let comparison = Comparer().compare(
      snapshots.map(CollectedEnvironment.init(snapshot:)),
      baseline: "prod",
      generatedAt: "2025-11-29T21:59:00Z"
    )
    return ReportInput(comparison: comparison, command: "envdrift compare dev uat prod")
  }

  /// Compares `text` with the golden file, or records it when `ENVDRIFT_RECORD_GOLDEN=1`.
  ///
  /// Recording fails the test, so that a run that records can never pass: the new file is
  /// checked by the next run, without the variable.
  static func assertGolden(
    _ text: String, _ file: URL, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    if ProcessInfo.processInfo.environment["ENVDRIFT_RECORD_GOLDEN"] == "1" {
      try text.write(to: file, atomically: true, encoding: .utf8)
      Issue.record(
        "recorded \(file.lastPathComponent); run the tests again without ENVDRIFT_RECORD_GOLDEN",
        sourceLocation: sourceLocation)
      return
    }
    let expected = try String(contentsOf: file, encoding: .utf8)
    if text != expected {
      let actual = text.split(separator: "\n", omittingEmptySubsequences: false)
      let golden = expected.split(separator: "\n", omittingEmptySubsequences: false)
      let line =
        zip(actual, golden).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        ?? min(actual.count, golden.count)
      Issue.record(
        "\(file.lastPathComponent) differs at line \(line + 1); run scripts/update-examples if the change is intended",
        sourceLocation: sourceLocation
      )
    }
  }

  @Test(arguments: [
    (ReportFormat.markdown, "seed-incident.md"), (.github, "seed-incident.github.md"),
    (.json, "seed-incident.json"),
  ])
  func theSeedIncidentRendersAsItsGoldenFile(format: ReportFormat, file: String) throws {
    let text = try ReportRenderer().render(Self.seedInput(), format: format)
    try Self.assertGolden(text, Self.examples.appendingPathComponent(file))
  }

  @Test func theMarkdownReportTellsTheSeedIncidentsStory() throws {
    let text = try ReportRenderer().render(Self.seedInput(), format: .markdown)
    #expect(text.contains("❌ **dev** — drifted"))
    #expect(text.contains("🎯 **prod** — baseline"))
    #expect(
      text.contains(
        "└── 0006_rename_tenants_ten_domain_6df599_idx_tenants_ten_domain_f3abe6_idx_and_more  ← missing in uat, prod (only in dev)"
      ))
    #expect(
      text.contains(
        "| `public.tenants_domain` | `tenants_ten_domain_6df599_idx` | → `tenants_ten_domain_f3abe6_idx` | same |"
      ))
    #expect(
      text.contains(
        "table `public.tenants_domain` exists in uat but no migration that creates it is recorded there"
      ))
    #expect(text.contains("tenant schema `demo` in prod never got the `finance` app"))
    #expect(
      text.contains(
        "ALTER INDEX IF EXISTS public.tenants_ten_domain_6df599_idx RENAME TO tenants_ten_domain_f3abe6_idx;"
      ))
    #expect(text.contains("- [ ] Run `envdrift compare dev uat prod` again and expect exit code 0"))
    #expect(text.contains("## Timeline"))
  }

  @Test func aComparisonRendersOnItsOwnWithoutTheSnapshotsBehindIt() throws {
    let tree = MigrationTree(
      app: "billing", schemas: ["t1", "t2"], environments: ["dev", "prod"], earlierAlike: 4,
      steps: [.init(name: "0005_a", lacking: []), .init(name: "0006_b", lacking: ["prod"])])
    let comparison = Comparison(
      generatedAt: "2026-11-21T03:00:00Z", baseline: "prod",
      environments: [
        EnvironmentStatus(
          name: "dev", status: .drifted, source: "dev", counts: SeverityCounts(error: 1)),
        EnvironmentStatus(name: "prod", status: .baseline, source: "prod"),
      ],
      findings: [
        Finding(
          kind: FindingKind(.migration, .missing), schema: "t1", name: "billing.0006_b",
          values: ["dev": "2026-11-20", "prod": nil], severity: .error,
          statement: .pendingMigration(
            migration: "billing.0006_b", environment: "prod", schema: "t1"))
      ],
      overview: Overview(
        tallies: [
          "dev": Tally(
            schemas: 3, tables: 12, indexes: 30, tenantSchemas: 2,
            migrations: ["billing": AppMigrations(count: 6, latest: "0006_b")]),
          "prod": Tally(schemas: 3, tables: 11, indexes: 29, tenantSchemas: 2),
        ],
        migrationTrees: [tree]))
    let text = try ReportRenderer().render(ReportInput(comparison: comparison), format: .markdown)
    #expect(text.contains("| Tables | 12 | 11 |"))
    #expect(text.contains("| Tenant schemas | 2 | 2 |"))
    #expect(text.contains("| Migrations: `billing` | 6 · latest `0006_b` | — |"))
    #expect(text.contains("`billing` — 2 schemas: `t1`, `t2`"))
    #expect(
      text.contains(
        "├── … 4 earlier migrations present everywhere\n├── 0005_a\n"
          + "└── 0006_b  ← missing in prod (only in dev)"))
  }

  @Test func theGithubCommentStartsWithItsMarkerAndFoldsDetails() throws {
    let text = try ReportRenderer().render(Self.seedInput(), format: .github)
    #expect(text.hasPrefix("<!-- envdrift-report -->\n"))
    #expect(text.contains("<details><summary>Migrations</summary>"))
    let causes = try #require(text.range(of: "### Likely causes"))
    let details = try #require(text.range(of: "<details>"))
    #expect(causes.lowerBound < details.lowerBound)
  }

  @Test func theEmbeddedTemplatesEqualTheTemplatesFolder() throws {
    let folder = TestFixtures.repositoryRoot.appendingPathComponent("templates")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
      $0.hasSuffix(".mustache")
    }
    #expect(files.sorted() == ["github.mustache", "markdown.mustache"])
    for file in files {
      let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
      let name = String(file.dropLast(".mustache".count))
      #expect(
        ReportRenderer.builtInTemplate(named: name).map { $0 + "\n" } == text,
        "run scripts/embed-templates")
    }
  }

  @Test func aCustomTemplateIsRenderedWithTheSameValues() throws {
    let template =
      "{{% CONTENT_TYPE: TEXT }}\nDrift: {{title}} — {{#causes}}[{{text}}]{{/causes}}\n"
    let text = try ReportRenderer(template: template, path: "custom.mustache").render(
      Self.seedInput(), format: .markdown)
    #expect(
      text.hasPrefix("Drift: dev · uat → prod — [table `public.tenants_domain` exists in uat"))
  }

  @Test func aBrokenTemplateIsASentenceThatSaysWhere() throws {
    let error = try #require(throws: ReportError.self) {
      try ReportRenderer(template: "line one\n{{#open}} never closed", path: "broken.mustache")
    }
    #expect(
      error.description
        == "template broken.mustache is not valid Mustache: line 2, column 23: a section is"
        + " never closed with {{/name}}")
  }

  @Test func aTemplateNestedThousandsDeepIsRefusedBeforeItCanExhaustTheStack() throws {
    let depth = 20_000
    let template =
      String(repeating: "{{#a}}", count: depth) + String(repeating: "{{/a}}", count: depth)
    let error = try #require(throws: ReportError.self) {
      try ReportRenderer(template: template, path: "deep.mustache")
    }
    #expect(
      error.description
        == "template deep.mustache is not valid Mustache: line 1: sections nest more than 64"
        + " levels deep")
    let allowed =
      String(repeating: "{{#a}}", count: 64) + "x" + String(repeating: "{{/a}}", count: 64)
    #expect(throws: Never.self) { try ReportRenderer(template: allowed, path: "ok.mustache") }
  }

  @Test func aThousandDriftedTenantsStillFitInOneGithubComment() throws {
    let tenants = (1...1_000).map { String(format: "tenant_%04d", $0) }
    func snapshot(_ name: String, drifted: Bool) -> Snapshot {
      var schemas: [Schema] = []
      var tables: [MigrationTable] = []
      for (offset, tenant) in tenants.enumerated() {
        let broken = drifted && offset % 3 == 0
        var columns = [Column(name: "id", position: 1, type: "bigint", notNull: true)]
        columns.append(
          Column(
            name: "code_\(offset % 40)", position: 2,
            type: broken ? "text" : "character varying(32)"))
        var indexes = [
          Index(
            name: "idx_\(offset % 50)_\(drifted ? "new" : "old")", definition: "USING btree (id)")
        ]
        if broken {
          indexes.append(
            Index(name: "extra_\(offset)", definition: "USING btree (code_\(offset % 40))"))
        }
        schemas.append(
          Schema(
            name: tenant,
            tables: [
              Table(name: "finance_invoice_\(offset % 25)", columns: columns, indexes: indexes)
            ]))
        var rows = [
          MigrationRow(app: "finance", name: "0001_initial", appliedAt: "2025-01-01T00:00:00Z")
        ]
        if !broken {
          rows.append(
            MigrationRow(
              app: "finance", name: "0002_more_\(offset % 30)", appliedAt: "2025-02-01T00:00:00Z"))
        }
        tables.append(MigrationTable(schema: tenant, rows: rows))
      }
      var result = Snapshot(
        environment: EnvironmentInfo(name: name, source: name), schemas: schemas,
        migrationTables: tables)
      result.sort()
      return result
    }
    let dev = snapshot("dev", drifted: true)
    let prod = snapshot("prod", drifted: false)
    let comparison = Comparer().compare(
      [.init(snapshot: dev), .init(snapshot: prod)], baseline: "prod",
      generatedAt: "2026-11-21T03:00:00Z")
    #expect(comparison.findings.count > 2_000)
    let text = try ReportRenderer().render(
      ReportInput(comparison: comparison), format: .github)
    #expect(text.utf8.count < ReportRenderer.githubCommentLimit)
    #expect(text.contains("more findings not shown"))
    try GFM.expectWellFormedTables(text)
  }
}
