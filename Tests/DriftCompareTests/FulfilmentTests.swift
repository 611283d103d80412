import DriftCode
import DriftCompare
import DriftModel
import Testing

@Suite("Applied must mean present: recorded migrations against the real schema")
struct FulfilmentTests {
  static let invoiceInitial = Code.migration(
    "finance.0001_initial",
    Code.op(.createModel, model: "invoice", fields: ["id", "number"], indexes: ["finance_num_idx"])
  )
  static let invoiceDue = Code.migration(
    "finance.0002_invoice_due_on", after: ["finance.0001_initial"],
    Code.op(.addField, model: "invoice", fields: ["due_on"]))
  static let code = [invoiceInitial, invoiceDue]
  static let applied = ["finance.0001_initial", "finance.0002_invoice_due_on"]

  static func invoice(columns: [String] = ["id", "number", "due_on"], indexed: Bool = true) -> Table
  {
    Fixture.table(
      "finance_invoice",
      columns: columns.enumerated().map {
        Column(name: $0.element, position: $0.offset + 1, type: "text", notNull: false)
      },
      indexes: indexed ? [Index(name: "finance_num_idx", definition: "USING btree (number)")] : []
    )
  }

  static func findings(_ migrations: [CodeMigration], _ snapshot: Snapshot) -> [Finding] {
    CodeComparer(codeName: "code", code: MigrationCode(source: "./backend", migrations: migrations))
      .findings(for: snapshot)
  }

  @Test func aColumnAnAppliedMigrationAddsButTheTableLacksIsOneUnfulfilledError() throws {
    let snapshot = Code.environment(
      tables: [Self.invoice(columns: ["id", "number"])], applied: Self.applied)
    let findings = Self.findings(Self.code, snapshot)
    #expect(findings.count == 1)
    let finding = try #require(findings.first)
    #expect(finding.kind == FindingKind(.migration, .unfulfilled))
    #expect(finding.severity == .error)
    #expect(finding.name == "finance.0002_invoice_due_on")
    #expect(finding.migration == "finance.0002_invoice_due_on")
    #expect(finding.schema == "public" && finding.table == "finance_invoice")
    #expect(finding.detail == "column finance_invoice.due_on")
    #expect(
      finding.values["prod"]
        == "recorded as applied on 2025-11-29T21:41:00Z; column finance_invoice.due_on is absent")
    #expect(
      finding.statement
        == .unfulfilledMigration(
          migration: finding.name, environment: "prod", schema: finding.schema ?? "",
          effect: "column finance_invoice.due_on"))
  }

  @Test func theSameMigrationsOnTheSchemaTheyMakeGiveNoFinding() {
    let snapshot = Code.environment(tables: [Self.invoice()], applied: Self.applied)
    #expect(Self.findings(Self.code, snapshot).isEmpty)
  }

  @Test func anAbsentTableIsOneFindingForTheMigrationThatCreatesItNotOnePerColumn() {
    let snapshot = Code.environment(tables: [], applied: Self.applied)
    #expect(
      Code.check(Self.code, against: snapshot) == [
        "public migration.unfulfilled finance.0001_initial unfulfilled"
      ])
    let finding = Self.findings(Self.code, snapshot).first
    #expect(finding?.detail == "table finance_invoice")
  }

  @Test func anIndexIsExpectedUnderTheNameTheLastAppliedRenameGaveIt() {
    let rename = Code.migration(
      "finance.0003_rename_idx", after: ["finance.0002_invoice_due_on"],
      Code.op(.renameIndex, model: "invoice", old: "finance_num_idx", new: "finance_num_2_idx"))
    let notRenamed = Code.environment(
      tables: [Self.invoice()], applied: Self.applied + [rename.key.description])
    let findings = Self.findings(Self.code + [rename], notRenamed)
    #expect(findings.map(\.name) == ["finance.0003_rename_idx"])
    #expect(findings.first?.detail == "index finance_num_2_idx on finance_invoice")
    let pending = Code.environment(tables: [Self.invoice()], applied: Self.applied)
    #expect(
      Self.findings(Self.code + [rename], pending).map(\.kind) == [
        FindingKind(.migration, .pending)
      ])
  }

  @Test func droppingAColumnForgetsTheIndexesPostgreSQLDropsWithIt() {
    let remove = Code.migration(
      "finance.0003_remove_number", after: ["finance.0002_invoice_due_on"],
      Code.op(.removeField, model: "invoice", name: "number"))
    let snapshot = Code.environment(
      tables: [Self.invoice(columns: ["id", "due_on"], indexed: false)],
      applied: Self.applied + [remove.key.description])
    #expect(Self.findings(Self.code + [remove], snapshot).isEmpty)
  }

  @Test func sqlEnvdriftCannotReadAndRunPythonAreNeverFlagged() {
    let opaque = Code.migration(
      "finance.0003_backfill", after: ["finance.0002_invoice_due_on"],
      Code.op(.runPython),
      Code.op(
        .runSQL, sql: ["DO $$ BEGIN EXECUTE 'ALTER TABLE finance_invoice DROP due_on'; END $$"])
    )
    let snapshot = Code.environment(
      tables: [Self.invoice(columns: ["id", "number"])],
      applied: Self.applied + [opaque.key.description])
    #expect(
      Self.findings(Self.code + [opaque], snapshot).isEmpty,
      "SQL that names the table and cannot be read may have dropped the column")
    let readable = Code.migration(
      "finance.0003_archive", after: ["finance.0002_invoice_due_on"],
      Code.op(.runSQL, sql: ["CREATE TABLE finance_archive (id bigint)"]))
    let withoutArchive = Code.environment(
      tables: [Self.invoice()], applied: Self.applied + [readable.key.description])
    #expect(
      Code.check(Self.code + [readable], against: withoutArchive) == [
        "public migration.unfulfilled finance.0003_archive unfulfilled"
      ])
  }

  @Test func unmanagedAndProxyModelsAreNeverExpectedNorCheckedBeforeRunning() {
    let unmanaged = CodeMigration(
      app: "reports", name: "0001_initial", file: "reports/migrations/0001_initial.py",
      operations: [
        MigrationOperation(
          kind: .createModel, model: "summary",
          fields: [CodeField(name: "id", type: "IntegerField", column: "id")], managed: false),
        MigrationOperation(
          kind: .addField, model: "summary",
          fields: [CodeField(name: "total", type: "IntegerField", column: "total")]),
      ])
    let applied = Code.environment(tables: [], applied: ["reports.0001_initial"])
    #expect(Self.findings([unmanaged], applied).isEmpty)
    let existingView = Code.environment(tables: [Fixture.table("reports_summary")], applied: [])
    #expect(
      Code.check([unmanaged], against: existingView) == [
        "public migration.pending reports.0001_initial pending"
      ],
      "an unmanaged CreateModel does not create the table, so it cannot collide with it")
  }

  @Test func aUniqueConstraintMadeAsAnIndexIsPresent() {
    let constraint = Code.migration(
      "finance.0003_unique", after: ["finance.0002_invoice_due_on"],
      MigrationOperation(
        kind: .addConstraint, model: "invoice", name: "finance_number_uniq",
        constraintHasIndex: true))
    var table = Self.invoice()
    table.indexes.append(
      Index(name: "finance_number_uniq", definition: "UNIQUE USING btree (number) WHERE due_on"))
    let asIndex = Code.environment(tables: [table], applied: Self.applied + ["finance.0003_unique"])
    #expect(Self.findings(Self.code + [constraint], asIndex).isEmpty)
    let absent = Code.environment(
      tables: [Self.invoice()], applied: Self.applied + ["finance.0003_unique"])
    #expect(
      Self.findings(Self.code + [constraint], absent).map(\.detail) == [
        "constraint finance_number_uniq on finance_invoice"
      ])
  }

  @Test func tablesAndColumnsNoMigrationMakesAreUnexplainedInfo() {
    let snapshot = Code.environment(
      tables: [
        Self.invoice(columns: ["id", "number", "due_on", "hand_note"]),
        Fixture.table("finance_backup_2024"),
        Fixture.table("auth_user"),
        Fixture.table("django_session"),
        Fixture.table("celery_taskmeta"),
        Fixture.table("finance_invoice_tags"),
        Fixture.migrationTableShape,
      ],
      applied: Self.applied + ["celery.0001_initial"])
    let findings = Self.findings(Self.code, snapshot)
    #expect(
      findings.map { "\($0.kind) \($0.table ?? "-") \($0.name) \($0.severity)" } == [
        "table.unexplained - finance_backup_2024 info",
        "column.unexplained finance_invoice hand_note info",
      ],
      "framework, third-party, many-to-many and history tables come from outside the code")
  }

  @Test func compareLinksAMissingColumnToTheAppliedMigrationThatShouldHaveMadeIt() throws {
    let dev = Code.environment(tables: [Self.invoice()], applied: Self.applied)
    var prod = Code.environment(
      tables: [Self.invoice(columns: ["id", "number"])], applied: Self.applied)
    prod.environment.name = "prod"
    var devNamed = dev
    devNamed.environment.name = "dev"
    let comparison = Comparer().compare(
      [CollectedEnvironment(snapshot: devNamed), CollectedEnvironment(snapshot: prod)],
      baseline: "dev",
      generatedAt: "2026-11-21T03:00:00Z",
      code: NamedCode(
        name: "code", files: MigrationCode(source: "./backend", migrations: Self.code))
    )
    let missing = try #require(
      comparison.findings.first { $0.kind == FindingKind(.column, .missing) })
    #expect(missing.migration == "finance.0002_invoice_due_on")
    #expect(
      missing.cause
        == .appliedWithoutEffect(
          migration: "finance.0002_invoice_due_on", environment: "prod", schema: "public"))
    #expect(
      comparison.causes.contains {
        guard case .unfulfilledIn("prod", "finance.0002_invoice_due_on", _, _) = $0.statement
        else { return false }
        return true
      })
  }
}
