import DriftCode
import DriftCompare
import DriftModel
import Testing

/// Builders for code-versus-database cases.
enum Code {
  static func migration(
    _ key: String,
    after dependencies: [String] = [],
    replaces: [String] = [],
    _ operations: MigrationOperation...
  ) -> CodeMigration {
    let parts = key.split(separator: ".").map(String.init)
    return CodeMigration(
      app: parts[0],
      name: parts[1],
      file: "\(parts[0])/migrations/\(parts[1]).py",
      dependencies: dependencies.map(Self.key),
      replaces: replaces.map(Self.key),
      operations: operations
    )
  }

  static func key(_ text: String) -> MigrationKey {
    let parts = text.split(separator: ".").map(String.init)
    return MigrationKey(app: parts[0], name: parts[1])
  }

  static func op(
    _ kind: MigrationOperation.Kind,
    model: String? = nil,
    name: String? = nil,
    old: String? = nil,
    new: String? = nil,
    fields: [String] = [],
    indexes: [String] = [],
    sql: [String] = [],
    touchesDatabase: Bool = true,
    changesState: Bool = true
  ) -> MigrationOperation {
    MigrationOperation(
      kind: kind,
      touchesDatabase: touchesDatabase,
      changesState: changesState,
      model: model,
      name: name,
      oldName: old,
      newName: new,
      fields: fields.map { CodeField(name: $0, type: "CharField", column: $0) },
      indexes: indexes,
      sql: sql
    )
  }

  /// One environment with schema `public` holding `tables` and the migration rows `applied`.
  static func environment(
    tables: [Table],
    applied: [String],
    extraSchemas: [Schema] = [],
    extraMigrations: [MigrationTable] = [],
    registry: TenantRegistry? = nil
  ) -> Snapshot {
    Fixture.snapshot(
      "prod",
      schemas: [Schema(name: "public", tables: tables)] + extraSchemas,
      migrations: [
        Fixture.djangoMigrations(
          "public",
          applied.map { key in
            (
              key.split(separator: ".").map(String.init)[0],
              key.split(separator: ".").map(String.init)[1], "2025-11-29T21:41:00Z"
            )
          })
      ] + extraMigrations,
      registry: registry
    )
  }

  /// `schema kind name failure` of each finding (its change where it has no failure), sorted.
  static func check(_ migrations: [CodeMigration], against snapshot: Snapshot) -> [String] {
    CodeComparer(codeName: "code", code: MigrationCode(source: "./backend", migrations: migrations))
      .findings(for: snapshot)
      .map { "\($0.schema ?? "") \($0.kind) \($0.name) \($0.failure ?? $0.kind.change.rawValue)" }
      .sorted()
  }
}

@Suite("Code versus database: pending migrations and pre-flight hazards")
struct CodeComparerTests {
  static let domain = Fixture.table(
    "tenants_tenantdomain",
    columns: [
      Column(name: "id", position: 1, type: "bigint", notNull: true),
      Column(name: "domain", position: 2, type: "character varying(253)", notNull: true),
    ],
    indexes: [Index(name: "tenants_ten_domain_6df599_idx", definition: "USING btree (domain)")]
  )
  static let initial = Code.migration(
    "tenants.0001_initial",
    Code.op(
      .createModel, model: "tenantdomain", fields: ["id", "domain"],
      indexes: ["tenants_ten_domain_6df599_idx"])
  )
  static let rename = Code.migration(
    "tenants.0002_rename_tenants_ten_domain_6df599_idx_tenants_ten_domain_f3abe6_idx",
    after: ["tenants.0001_initial"],
    Code.op(
      .renameIndex, model: "tenantdomain", old: "tenants_ten_domain_6df599_idx",
      new: "tenants_ten_domain_f3abe6_idx")
  )

  @Test func aRenameIndexWhoseOldIndexIsMissingWillFail() throws {
    var table = Self.domain
    table.indexes = [
      Index(name: "tenants_ten_domain_0a1b2c_idx", definition: "USING btree (domain)")
    ]
    let snapshot = Code.environment(tables: [table], applied: ["tenants.0001_initial"])
    let findings = CodeComparer(
      codeName: "code",
      code: MigrationCode(source: "./backend", migrations: [Self.initial, Self.rename])
    ).findings(for: snapshot)
    let hazard = try #require(findings.first { $0.kind == FindingKind(.migration, .hazard) })
    #expect(hazard.severity == .error)
    #expect(hazard.environment == "prod" && hazard.schema == "public")
    #expect(hazard.table == "tenants_tenantdomain")
    #expect(hazard.name == Self.rename.key.description)
    #expect(hazard.values["prod"] == "relation \"tenants_ten_domain_6df599_idx\" does not exist")
    #expect(hazard.aspect == .definition)
    #expect(hazard.failure == "UndefinedTable")
    #expect(
      hazard.fix?.contains(
        "ALTER INDEX tenants_ten_domain_6df599_idx RENAME TO tenants_ten_domain_f3abe6_idx") == true
    )
    #expect(
      hazard.fix?.contains("to_regclass('tenants_ten_domain_6df599_idx') IS NOT NULL") == true)
    #expect(
      findings.filter { $0.kind == FindingKind(.migration, .pending) }.map(\.name) == [
        Self.rename.key.description
      ])
  }

  @Test func aRenameIndexIsSafeWhereTheOldIndexExistsAndFailsWhereTheNewNameIsTaken() {
    let ready = Code.environment(tables: [Self.domain], applied: ["tenants.0001_initial"])
    #expect(
      Code.check([Self.initial, Self.rename], against: ready)
        == ["public migration.pending \(Self.rename.key) pending"])
    var taken = Self.domain
    taken.indexes.append(
      Index(name: "tenants_ten_domain_f3abe6_idx", definition: "USING btree (id)"))
    #expect(
      Code.check(
        [Self.initial, Self.rename],
        against: Code.environment(tables: [taken], applied: ["tenants.0001_initial"])
      )
      .contains("public migration.hazard \(Self.rename.key) DuplicateTable"))
  }

  @Test func pendingMigrationsAreCheckedInOrderAgainstWhatEarlierOnesCreate() {
    let empty = Code.environment(tables: [], applied: [])
    #expect(
      Code.check([Self.initial, Self.rename], against: empty) == [
        "public migration.pending tenants.0001_initial pending",
        "public migration.pending \(Self.rename.key) pending",
      ])
  }

  @Test func aCreateModelOfAnExistingTableWillFailUnlessItIsIdempotent() {
    let snapshot = Code.environment(tables: [Fixture.table("shop_order")], applied: [])
    let plain = Code.migration(
      "shop.0001_initial", Code.op(.createModel, model: "order", fields: ["id"]))
    #expect(
      Code.check([plain], against: snapshot).contains(
        "public migration.hazard shop.0001_initial DuplicateTable"))
    let idempotent = Code.migration(
      "shop.0001_initial",
      Code.op(
        .runSQL, sql: ["CREATE TABLE IF NOT EXISTS shop_order (id bigint)"], changesState: false),
      Code.op(.createModel, model: "order", fields: ["id"], touchesDatabase: false)
    )
    #expect(
      Code.check([idempotent], against: snapshot) == [
        "public migration.pending shop.0001_initial pending"
      ])
    let unguardedSQL = Code.migration(
      "shop.0001_initial",
      Code.op(
        .runSQL, sql: ["-- made by hand\nCREATE TABLE \"public\".\"shop_order\" (id bigint);"],
        changesState: false)
    )
    #expect(
      Code.check([unguardedSQL], against: snapshot).contains(
        "public migration.hazard shop.0001_initial DuplicateTable"))
  }

  @Test func eachOperationIsCheckedAgainstTheObjectItNeeds() {
    let invoice = Fixture.table(
      "finance_invoice",
      columns: [
        Column(name: "id", position: 1, type: "bigint", notNull: true),
        Column(name: "due", position: 2, type: "date", notNull: false),
      ],
      indexes: [Index(name: "finance_inv_due_idx", definition: "USING btree (due)")],
      constraints: [
        Constraint(name: "finance_invoice_pkey", kind: .primaryKey, definition: "PRIMARY KEY (id)")
      ]
    )
    let snapshot = Code.environment(tables: [invoice], applied: ["finance.0001_initial"])
    let base = Code.migration(
      "finance.0001_initial", Code.op(.createModel, model: "invoice", fields: ["id", "due"]))
    func hazards(_ operation: MigrationOperation) -> [String] {
      Code.check(
        [base, Code.migration("finance.0002_x", after: ["finance.0001_initial"], operation)],
        against: snapshot
      )
      .filter { $0.contains("hazard") }
      .map { String($0.split(separator: " ").last ?? "") }
    }
    #expect(
      hazards(Code.op(.addIndex, model: "invoice", name: "finance_inv_due_idx")) == [
        "DuplicateTable"
      ])
    #expect(hazards(Code.op(.addIndex, model: "invoice", name: "finance_inv_new_idx")) == [])
    #expect(
      hazards(Code.op(.removeIndex, model: "invoice", name: "finance_inv_gone_idx")) == [
        "UndefinedObject"
      ])
    #expect(hazards(Code.op(.removeIndex, model: "invoice", name: "finance_inv_due_idx")) == [])
    #expect(
      hazards(Code.op(.addConstraint, model: "invoice", name: "finance_invoice_pkey")) == [
        "DuplicateObject"
      ])
    #expect(
      hazards(Code.op(.removeConstraint, model: "invoice", name: "finance_invoice_gone")) == [
        "UndefinedObject"
      ])
    #expect(
      hazards(Code.op(.removeConstraint, model: "invoice", name: "finance_invoice_pkey")) == [])
    #expect(
      hazards(Code.op(.addField, model: "invoice", name: "due", fields: ["due"])) == [
        "DuplicateColumn"
      ])
    #expect(hazards(Code.op(.addField, model: "invoice", name: "paid", fields: ["paid"])) == [])
    #expect(hazards(Code.op(.removeField, model: "invoice", name: "paid")) == ["UndefinedColumn"])
    #expect(hazards(Code.op(.removeField, model: "invoice", name: "due")) == [])
    #expect(hazards(Code.op(.deleteModel, model: "payment")) == ["UndefinedTable"])
    #expect(hazards(Code.op(.deleteModel, model: "invoice")) == [])
    #expect(
      hazards(Code.op(.addField, model: "payment", name: "x", fields: ["x"])) == ["UndefinedTable"])
    #expect(hazards(Code.op(.runSQL, sql: ["ALTER INDEX IF EXISTS nope RENAME TO other"])) == [])
    #expect(hazards(Code.op(.runSQL, sql: ["DROP INDEX nope"])) == ["UndefinedObject"])
    #expect(hazards(Code.op(.runPython)) == [], "RunPython's effect is unknown and never flagged")
  }

  @Test func ghostRowsAreAppliedMigrationsOfCodeAppsWithoutAFile() {
    let snapshot = Code.environment(
      tables: [Self.domain],
      applied: [
        "tenants.0001_initial", "tenants.0009_from_a_branch", "auth.0001_initial",
        "celery.0001_initial",
      ])
    #expect(
      Code.check([Self.initial], against: snapshot)
        == ["public migration.ghost tenants.0009_from_a_branch ghost"],
      "Django's own apps and apps the code does not have are not ghosts")
  }

  @Test func aMigrationAppliedBeforeItsDependencyIsAnInconsistentHistory() {
    let snapshot = Code.environment(tables: [Self.domain], applied: [Self.rename.key.description])
    let findings = Code.check([Self.initial, Self.rename], against: snapshot)
    #expect(findings.contains("public migration.inconsistent \(Self.rename.key) inconsistent"))
  }

  @Test func aSquashedMigrationCountsAsAppliedWhenEverythingItReplacesIs() {
    var squash = Code.migration(
      "tenants.0001_squashed_0002", replaces: ["tenants.0001_initial", Self.rename.key.description])
    squash.operations = Self.initial.operations + Self.rename.operations
    var renamed = Self.domain
    renamed.indexes = [
      Index(name: "tenants_ten_domain_f3abe6_idx", definition: "USING btree (domain)")
    ]
    let applied = Code.environment(
      tables: [renamed], applied: ["tenants.0001_initial", Self.rename.key.description])
    #expect(Code.check([squash], against: applied) == [])
    let appliedAsSquash = Code.environment(
      tables: [renamed], applied: ["tenants.0001_squashed_0002"])
    #expect(Code.check([squash, Self.initial, Self.rename], against: appliedAsSquash) == [])
    let halfway = Code.environment(tables: [Self.domain], applied: ["tenants.0001_initial"])
    #expect(
      Code.check([squash, Self.initial, Self.rename], against: halfway)
        == ["public migration.pending \(Self.rename.key) pending"],
      "with part of the replaced migrations applied, Django runs the rest, not the squash")
  }

  @Test func sharedAppsOperationsAreCheckedInPublicOnlyButPendingEverywhere() {
    var table = Self.domain
    table.indexes = []
    let tenant = Schema(name: "acme", tables: [Fixture.table("finance_invoice")])
    let snapshot = Code.environment(
      tables: [table],
      applied: ["tenants.0001_initial"],
      extraSchemas: [tenant],
      extraMigrations: [
        Fixture.djangoMigrations("acme", [("tenants", "0001_initial", "2025-11-29T21:41:00Z")])
      ],
      registry: TenantRegistry(table: "public.tenants_client", schemas: ["acme"])
    )
    #expect(
      Code.check([Self.initial, Self.rename], against: snapshot) == [
        "acme migration.pending \(Self.rename.key) pending",
        "acme table.unexplained finance_invoice unexplained",
        "public migration.hazard \(Self.rename.key) UndefinedTable",
        "public migration.pending \(Self.rename.key) pending",
        "public migration.unfulfilled tenants.0001_initial unfulfilled",
      ],
      "0001's index is absent in public; acme, where tenants does not run, expects nothing")
  }

  @Test func hazardsComeFirstAmongTheLikelyCauses() {
    var table = Self.domain
    table.indexes = []
    let snapshot = Code.environment(tables: [table], applied: ["tenants.0001_initial"])
    let comparison = Comparer().compare(
      [CollectedEnvironment(snapshot: snapshot)],
      baseline: "prod",
      generatedAt: "2026-11-21T03:00:00Z",
      code: NamedCode(
        name: "code",
        files: MigrationCode(source: "./backend", migrations: [Self.initial, Self.rename]))
    )
    #expect(comparison.causes.first?.severity == .error)
    #expect(
      comparison.causes.first.map {
        guard
          case .hazardIn("prod", Self.rename.key.description, ["public"], _, _, _) = $0.statement
        else { return false }
        return true
      } == true)
    #expect(comparison.code?.migrations == 2)
    #expect(
      comparison.findings.filter { $0.severity == .error }.map(\.kind) == [
        FindingKind(.migration, .hazard), FindingKind(.migration, .unfulfilled),
      ],
      "0001 is recorded but its index is absent, so the rename that needs it will fail")
  }
}
