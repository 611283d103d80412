import DriftCompare
import DriftModel
import Foundation
import Testing

@Suite("Comparing environments")
struct ComparerTests {
  static let base = Schema(
    name: "public",
    owner: "app",
    tables: [
      Fixture.migrationTableShape,
      Fixture.table(
        "tenants_domain",
        columns: [
          Column(name: "id", position: 1, type: "bigint", notNull: true),
          Column(name: "domain", position: 2, type: "character varying(253)", notNull: true),
        ],
        indexes: [
          Index(
            name: "tenants_domain_pkey", definition: "UNIQUE USING btree (id)", isUnique: true,
            isPrimary: true, constraint: "tenants_domain_pkey"),
          Index(name: "tenants_ten_domain_6df599_idx", definition: "USING btree (domain)"),
        ],
        constraints: [
          Constraint(name: "tenants_domain_pkey", kind: .primaryKey, definition: "PRIMARY KEY (id)")
        ]
      ),
    ]
  )

  static let history = [
    ("tenants", "0001_initial", "2025-09-01T09:00:00Z"),
    ("tenants", "0005_client_domain", "2025-11-20T12:00:00Z"),
  ]

  @Test func aSnapshotComparedWithItselfHasNoFindings() {
    let prod = Fixture.snapshot(
      "prod", schemas: [Self.base], migrations: [Fixture.djangoMigrations("public", Self.history)])
    var copy = prod
    copy.environment.name = "dev"
    let comparison = Fixture.compare([copy, prod])
    #expect(comparison.findings.isEmpty)
    #expect(comparison.environments.map(\.status) == [.inSync, .baseline])
  }

  @Test func aMigrationRowMissingInTheBaselineIsOneErrorFinding() {
    let prod = Fixture.snapshot(
      "prod", schemas: [Self.base], migrations: [Fixture.djangoMigrations("public", Self.history)])
    let dev = Fixture.snapshot(
      "dev",
      schemas: [Self.base],
      migrations: [
        Fixture.djangoMigrations(
          "public", Self.history + [("tenants", "0006_add_flag", "2025-11-29T21:41:07Z")])
      ]
    )
    let comparison = Fixture.compare([dev, prod])
    let findings = comparison.findings("migration.missing")
    #expect(findings.count == 1)
    let finding = findings[0]
    #expect(finding.name == "tenants.0006_add_flag")
    #expect(finding.schema == "public")
    #expect(finding.severity == .error)
    #expect(finding.values["dev"] == .some("applied 2025-11-29T21:41:07Z"))
    #expect(finding.values["prod"] == .some(nil))
    #expect(comparison.environments[0].status == .drifted)
    #expect(
      comparison.causes.contains {
        guard
          case .missingMigration("tenants.0006_add_flag", ["prod"], ["public"], let applied) =
            $0.statement
        else { return false }
        return applied == [.init(environment: "dev", at: "2025-11-29T21:41:07Z")]
      })
  }

  @Test func appliedTimestampsAndColumnOrderAreNeverDrift() {
    let prod = Fixture.snapshot(
      "prod", schemas: [Self.base], migrations: [Fixture.djangoMigrations("public", Self.history)])
    var shuffled = Self.base
    shuffled.tables[1].columns = shuffled.tables[1].columns.enumerated().map { offset, column in
      var moved = column
      moved.position = 10 - offset
      return moved
    }
    let later = Self.history.map { ($0.0, $0.1, "2026-01-01T00:00:00Z") }
    let dev = Fixture.snapshot(
      "dev", schemas: [shuffled], migrations: [Fixture.djangoMigrations("public", later)])
    #expect(Fixture.compare([dev, prod]).findings.isEmpty)
  }

  @Test func anIndexWithTheSameDefinitionUnderAnotherNameIsOneRename() {
    let prod = Fixture.snapshot(
      "prod", schemas: [Self.base], migrations: [Fixture.djangoMigrations("public", Self.history)])
    var renamed = Self.base
    renamed.tables[1].indexes[1].name = "tenants_ten_domain_f3abe6_idx"
    let migration =
      "0006_rename_tenants_ten_domain_6df599_idx_tenants_ten_domain_f3abe6_idx_and_more"
    let dev = Fixture.snapshot(
      "dev",
      schemas: [renamed],
      migrations: [
        Fixture.djangoMigrations(
          "public", Self.history + [("tenants", migration, "2025-11-29T21:41:07Z")])
      ]
    )
    let comparison = Fixture.compare([dev, prod])
    #expect(comparison.findings("index.missing").isEmpty)
    let renames = comparison.findings("index.renamed")
    #expect(renames.count == 1)
    #expect(renames.first?.name == "tenants_ten_domain_6df599_idx")
    #expect(renames.first?.renamedTo == "tenants_ten_domain_f3abe6_idx")
    #expect(renames.first?.table == "tenants_domain")
    #expect(renames.first?.migration == "tenants.\(migration)")
    #expect(renames.first?.detail == "USING btree (domain)")
    #expect(
      renames.first?.cause
        == .renamedByMigration(
          migration: "tenants.\(migration)",
          appliedIn: [.init(environment: "dev", at: "2025-11-29T21:41:07Z")],
          baselineLacking: "prod", name: "tenants_ten_domain_6df599_idx",
          renamedTo: "tenants_ten_domain_f3abe6_idx", sides: ["dev"]))
    // dev records the migration that renamed the index: the fix promotes it to prod in its
    // idempotent form, and never renames dev's index back.
    #expect(
      renames.first?.fix
        == "-- promote tenants.\(migration) to prod: do what it does where it is not recorded,"
        + " then record it there (migrate --fake)\n"
        + "ALTER INDEX IF EXISTS public.tenants_ten_domain_6df599_idx RENAME TO"
        + " tenants_ten_domain_f3abe6_idx;")

    // The same rename with no migration to explain it is made to match the baseline.
    var unexplained = dev
    unexplained.migrationTables = prod.migrationTables
    let renamedByHand = Fixture.compare([unexplained, prod]).findings("index.renamed")
    #expect(
      renamedByHand.first?.fix
        == "-- make dev match prod\n"
        + "ALTER INDEX IF EXISTS public.tenants_ten_domain_f3abe6_idx RENAME TO"
        + " tenants_ten_domain_6df599_idx;")
  }

  @Test func aMissingTableIsOneFindingNotOnePerColumnOrIndex() {
    let prod = Fixture.snapshot("prod", schemas: [Self.base])
    var smaller = Self.base
    smaller.tables.removeAll { $0.name == "tenants_domain" }
    let dev = Fixture.snapshot("dev", schemas: [smaller])
    let comparison = Fixture.compare([dev, prod])
    #expect(comparison.findings.map(\.kind.description) == ["table.missing"])
    #expect(comparison.findings.first?.severity == .error)
    #expect(comparison.findings.first?.values == ["dev": nil, "prod": "table"])
  }

  @Test func aChangedColumnTypeShowsEachEnvironmentsValue() {
    let prod = Fixture.snapshot("prod", schemas: [Self.base])
    var wider = Self.base
    wider.tables[1].columns[1].type = "character varying(300)"
    let dev = Fixture.snapshot("dev", schemas: [wider])
    let findings = Fixture.compare([dev, prod]).findings("column.changed")
    #expect(findings.count == 1)
    #expect(findings.first?.name == "domain")
    #expect(findings.first?.values["dev"] == .some("character varying(300) NOT NULL"))
    #expect(findings.first?.values["prod"] == .some("character varying(253) NOT NULL"))
    #expect(findings.first?.severity == .error)
  }

  @Test func threeEnvironmentsAreComparedAgainstTheLastByDefault() {
    let prod = Fixture.snapshot("prod", schemas: [Self.base])
    let uat = Fixture.snapshot("uat", schemas: [Self.base])
    var changed = Self.base
    changed.tables[1].indexes.removeLast()
    let dev = Fixture.snapshot("dev", schemas: [changed])
    let comparison = Fixture.compare([dev, uat, prod])
    #expect(comparison.baseline == "prod")
    #expect(comparison.environments.map(\.status) == [.drifted, .inSync, .baseline])
    let finding = comparison.findings("index.missing").first
    #expect(finding?.severity == .warning)
    #expect(
      finding?.values == [
        "dev": nil, "uat": "USING btree (domain)", "prod": "USING btree (domain)",
      ])
    #expect(
      finding?.fix?.contains(
        "CREATE INDEX IF NOT EXISTS tenants_ten_domain_6df599_idx ON public.tenants_domain USING btree (domain);"
      ) == true)
  }

  @Test func anExplicitBaselineIsRespected() {
    let prod = Fixture.snapshot("prod", schemas: [Self.base])
    let dev = Fixture.snapshot("dev", schemas: [])
    let comparison = Fixture.compare([dev, prod], baseline: "dev")
    #expect(comparison.baseline == "dev")
    #expect(comparison.environments.map(\.status) == [.baseline, .drifted])
  }

  @Test func privilegeOrderOwnershipAndPlpgsqlFollowTheRules() {
    var left = Self.base
    left.tables[1].privileges = [Privilege(grantee: "reporting", privileges: ["SELECT", "INSERT"])]
    var right = Self.base
    right.tables[1].privileges = [
      Privilege(grantee: "reporting", privileges: ["INSERT", "SELECT"])
    ]
    let plpgsql = Extension(name: "plpgsql", version: "1.0", schema: "pg_catalog")
    let prod = Fixture.snapshot("prod", schemas: [left], extensions: [plpgsql])
    let dev = Fixture.snapshot("dev", schemas: [right])
    #expect(Fixture.compare([dev, prod]).findings.isEmpty)

    right.tables[1].owner = "someone_else"
    let owned = Fixture.compare([Fixture.snapshot("dev", schemas: [right]), prod]).findings
    #expect(owned.map(\.kind.description) == ["table.changed"])
    #expect(owned.first?.aspect == .owner)
    #expect(owned.first?.severity == .info)
  }

  @Test func extensionsAreComparedByVersion() {
    let prod = Fixture.snapshot(
      "prod", extensions: [Extension(name: "pg_trgm", version: "1.6", schema: "public")])
    let dev = Fixture.snapshot(
      "dev", extensions: [Extension(name: "pg_trgm", version: "1.5", schema: "public")])
    let changed = Fixture.compare([dev, prod]).findings("extension.changed")
    #expect(changed.count == 1)
    #expect(changed.first?.severity == .warning)

    let none = Fixture.snapshot("dev")
    let missing = Fixture.compare([none, prod]).findings("extension.missing")
    #expect(missing.first?.severity == .error)
    #expect(
      missing.first?.fix?.contains(
        "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public VERSION '1.6';") == true)
  }

  @Test func aTenantPresentInOneEnvironmentOnlyIsOneSchemaFinding() {
    let prod = Fixture.tenantsSnapshot("prod", tenants: ["acme", "globex"])
    let dev = Fixture.tenantsSnapshot("dev", tenants: ["acme", "globex", "initech"])
    let comparison = Fixture.compare([dev, prod])
    let environmentFindings = comparison.findings.filter { $0.scope == .environments }
    #expect(environmentFindings.map(\.kind.description) == ["schema.missing"])
    #expect(environmentFindings.first?.name == "initech")
  }

  @Test func aTableCreatedByHandMakesThePendingMigrationADuplicateTableCause() {
    let history = [
      ("tenants", "0001_initial", "2025-09-01T09:00:00Z"),
      ("tenants", "0005_domain", "2025-11-20T12:00:00Z"),
    ]
    let prod = Fixture.snapshot(
      "prod", schemas: [Self.base], migrations: [Fixture.djangoMigrations("public", history)])
    let uat = Fixture.snapshot(
      "uat", schemas: [Self.base],
      migrations: [Fixture.djangoMigrations("public", Array(history.prefix(1)))])
    let comparison = Fixture.compare([uat, prod])
    let finding = comparison.findings("migration.missing").first
    let hazard = Statement.duplicateTable(
      table: "tenants_domain", schemas: ["public"], environment: "uat",
      migration: "tenants.0005_domain")
    #expect(finding?.cause == hazard)
    #expect(comparison.causes.first?.statement == hazard)
  }

  @Test func aHandMadeTableInEveryTenantIsOneGroupedCause() {
    let tenants = (1...300).map { "t\($0)" }
    func snapshot(_ name: String, recorded: Bool) -> Snapshot {
      let schemas = tenants.map { tenant in
        Schema(
          name: tenant, tables: [Fixture.migrationTableShape, Fixture.table("finance_payment")])
      }
      let tables = tenants.map { tenant in
        Fixture.djangoMigrations(
          tenant,
          [("finance", "0001_initial", "2025-01-01T00:00:00Z")]
            + (recorded ? [("finance", "0002_payment", "2025-02-01T00:00:00Z")] : [])
        )
      }
      return Fixture.snapshot(name, schemas: schemas, migrations: tables)
    }
    let comparison = Fixture.compare([
      snapshot("uat", recorded: false), snapshot("prod", recorded: true),
    ])
    let hazards = comparison.causes.compactMap { cause -> (String, [String])? in
      guard case .duplicateTable(let table, let schemas, "uat", _) = cause.statement else {
        return nil
      }
      return (table, schemas)
    }
    #expect(hazards.count == 1)
    #expect(hazards.first?.0 == "finance_payment")
    #expect(hazards.first?.1 == tenants.sorted())
    #expect(comparison.findings("migration.missing").count == 300)
  }

  @Test func aTenantsOwnNameIsTakenOutOfDefinitionsButNotOutOfLongerSchemaNames() {
    let tenants = ["acme", "beta", "gamma", "delta"]
    func orders(_ tenant: String) -> Table {
      let customers = tenant == "delta" ? "delta" : "megaacme"
      return Fixture.table(
        "orders",
        constraints: [
          Constraint(
            name: "orders_customer_fk", kind: .foreignKey,
            definition: "FOREIGN KEY (customer_id) REFERENCES \(customers).customer(id)"),
          Constraint(
            name: "orders_parent_fk", kind: .foreignKey,
            definition: "FOREIGN KEY (parent_id) REFERENCES \(tenant).orders(id)"),
        ]
      )
    }
    let snapshot = Fixture.snapshot(
      "prod",
      schemas: tenants.map { Schema(name: $0, owner: "app", tables: [orders($0)]) },
      registry: TenantRegistry(table: "public.tenants_client", schemas: tenants)
    )
    let findings = Fixture.compare([snapshot]).findings.filter { $0.scope == .tenants }
    #expect(findings.map(\.kind.description) == ["constraint.changed"])
    #expect(findings.first?.schema == "delta")
    #expect(findings.first?.name == "orders_customer_fk")
  }

  @Test func sharingEqualArraysChangesNoValueAndSharesTenantTables() {
    let tenants = (1...20).map { String(format: "t%02d", $0) }
    var snapshot = Fixture.tenantsSnapshot("prod", tenants: tenants, brokenTenants: ["t07"])
    let before = snapshot
    snapshot.shareEqualArrays()
    #expect(snapshot == before)
    func indexBuffer(_ tenant: String) -> UnsafeRawPointer? {
      snapshot.schema(named: tenant)?.table(named: "finance_invoice")?.indexes
        .withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }
    #expect(indexBuffer("t01") != nil)
    #expect(indexBuffer("t01") == indexBuffer("t20"))
    #expect(Fixture.compare([snapshot]).findings == Fixture.compare([before]).findings)
  }

  @Test func aSchemaAlikeEverywhereStillReportsItsMigrationRowsAndViewsOverChangedTables() {
    let view = View(name: "order_totals", definition: "SELECT 1", dependsOn: ["app.orders"])
    func snapshot(_ name: String, status: String, applied: Bool) -> Snapshot {
      let app = Schema(
        name: "app", owner: "app",
        tables: [
          Fixture.table(
            "orders",
            columns: [
              Column(name: "id", position: 1, type: "bigint", notNull: true),
              Column(name: "status", position: 2, type: status),
            ])
        ])
      let reporting = Schema(
        name: "reporting", owner: "app", tables: [Fixture.migrationTableShape], views: [view])
      let rows =
        [("reports", "0001_initial", "2025-01-01T00:00:00Z")]
        + (applied ? [("reports", "0002_totals", "2025-02-01T00:00:00Z")] : [])
      return Fixture.snapshot(
        name, schemas: [app, reporting],
        migrations: [Fixture.djangoMigrations("reporting", rows)])
    }
    let comparison = Fixture.compare([
      snapshot("dev", status: "text", applied: false),
      snapshot("prod", status: "character varying(20)", applied: true),
    ])
    let kinds = Set(comparison.findings.map { "\($0.kind) \($0.schema ?? "") \($0.name)" })
    #expect(kinds.contains("column.changed app status"))
    #expect(kinds.contains("migration.missing reporting reports.0002_totals"))
    #expect(comparison.findings.contains { $0.schema == "reporting" && $0.name == "order_totals" })
  }

  @Test func unreadableMigrationTablesAreNotComparedRowByRow() {
    let prod = Fixture.snapshot(
      "prod", schemas: [Self.base], migrations: [Fixture.djangoMigrations("public", Self.history)])
    let hidden = MigrationTable(
      schema: "public", unreadableReason: "permission denied for table django_migrations")
    var dev = Fixture.snapshot("dev", schemas: [Self.base], migrations: [hidden])
    dev.unreadable = [
      UnreadableObject(schema: "public", object: "django_migrations", reason: "permission denied")
    ]
    let comparison = Fixture.compare([dev, prod])
    #expect(comparison.findings.isEmpty)
    #expect(
      comparison.causes.map(\.statement).contains(
        .unreadableMigrationTable(
          environment: "dev", schema: "public", name: "django_migrations",
          reason: "permission denied")))
  }

  @Test func schemaFiltersLimitTheComparison() {
    let prod = Fixture.tenantsSnapshot("prod", tenants: ["acme"])
    let dev = Fixture.tenantsSnapshot("dev", tenants: ["acme", "beta"])
    let filtered = Comparer(filter: SchemaFilter(exclude: ["b*"])).compare(
      [CollectedEnvironment(snapshot: dev), CollectedEnvironment(snapshot: prod)],
      baseline: "prod",
      generatedAt: "2026-11-21T03:00:00Z"
    )
    #expect(filtered.findings.isEmpty)
    let only = Comparer(filter: SchemaFilter(include: ["public"]), compareTenants: false)
    #expect(
      only.compare(
        [.init(snapshot: dev), .init(snapshot: prod)], baseline: "prod", generatedAt: ""
      ).findings.isEmpty)
  }

  @Test func anUnreachableEnvironmentIsReportedAndTheOthersStillCompared() {
    let prod = Fixture.snapshot("prod", schemas: [Self.base])
    let dev = Fixture.snapshot("dev", schemas: [])
    let comparison = Comparer().compare(
      [
        CollectedEnvironment(snapshot: dev),
        CollectedEnvironment(
          name: "uat", source: "postgresql://uat/app", error: "connection refused"),
        CollectedEnvironment(snapshot: prod),
      ],
      baseline: "prod",
      generatedAt: "2026-11-21T03:00:00Z"
    )
    #expect(comparison.hasUnreachable)
    #expect(comparison.environments[1].status == .unreachable)
    #expect(comparison.environments[1].error == "connection refused")
    #expect(comparison.findings("schema.missing").count == 1)
  }

  @Test func anUnreachableBaselineIsTheFirstCause() {
    let dev = Fixture.snapshot("dev", schemas: [Self.base])
    let comparison = Comparer().compare(
      [
        CollectedEnvironment(snapshot: dev),
        CollectedEnvironment(
          name: "prod", source: "postgresql://prod/app", error: "connection refused"),
      ],
      baseline: "prod",
      generatedAt: ""
    )
    #expect(comparison.findings.isEmpty)
    #expect(comparison.causes.first?.statement == .baselineUnreadable(baseline: "prod"))
  }

  @Test func findingsAreSortedTheSameWayEveryTime() {
    let prod = Fixture.tenantsSnapshot("prod", tenants: ["a", "b", "c", "d"], brokenTenants: ["c"])
    let dev = Fixture.tenantsSnapshot(
      "dev", tenants: ["a", "b", "c", "d"], extraMigration: ("finance", "0002_x"))
    let first = Fixture.compare([dev, prod])
    let second = Fixture.compare([dev, prod])
    #expect(first == second)
    #expect(first.findings == first.findings.sorted(by: Finding.canonicalOrder))
  }
}

@Suite("Comparing tenant schemas")
struct TenantComparisonTests {
  @Test func theBrokenTenantIsReportedNotTheHealthyMajority() {
    let snapshot = Fixture.tenantsSnapshot(
      "prod", tenants: ["acme", "demo", "globex", "initech"], brokenTenants: ["demo"])
    let comparison = Comparer().compareTenants(
      of: CollectedEnvironment(snapshot: snapshot),
      reference: nil,
      generatedAt: "2026-11-21T03:00:00Z"
    )
    #expect(Set(comparison.findings.compactMap(\.schema)) == ["demo"])
    let migration = comparison.findings("migration.missing", scope: .tenants)
    #expect(migration.map(\.name) == ["finance.0001_initial"])
    #expect(migration.first?.reference == "acme")
    #expect(migration.first?.environment == "prod")
    #expect(migration.first?.values == ["acme": "applied 2025-09-15T10:00:00Z", "demo": nil])
    #expect(
      comparison.findings("table.missing", scope: .tenants).map(\.name) == ["finance_invoice"])
    #expect(
      comparison.causes.contains {
        guard case .tenantsWithoutApp(["demo"], "prod", "finance", _, "acme") = $0.statement else {
          return false
        }
        return true
      })
  }

  @Test func tenantFindingsShowValuesExactlyWithOnlyTheTenantsOwnNameTakenOut() {
    var snapshot = Fixture.tenantsSnapshot("prod", tenants: ["acme", "demo", "globex"])
    for position in snapshot.schemas.indices where snapshot.schemas[position].name == "demo" {
      let column = Column(
        name: "rate",
        position: 9,
        type: "numeric(5,2)",
        defaultValue: "'1.5'::numeric + demo.next_rate()"
      )
      snapshot.schemas[position].tables[1].columns.append(column)
    }
    let comparison = Comparer().compareTenants(
      of: .init(snapshot: snapshot), reference: nil, generatedAt: "")
    let finding = comparison.findings("column.missing", scope: .tenants).first
    #expect(finding?.values["demo"] == .some("numeric(5,2) DEFAULT '1.5'::numeric + next_rate()"))
  }

  @Test func anExplicitReferenceIsUsed() {
    let snapshot = Fixture.tenantsSnapshot(
      "prod", tenants: ["acme", "demo", "globex"], brokenTenants: ["demo"])
    let comparison = Comparer().compareTenants(
      of: CollectedEnvironment(snapshot: snapshot),
      reference: "demo",
      generatedAt: ""
    )
    #expect(Set(comparison.findings.compactMap(\.schema)) == ["acme", "globex"])
    #expect(comparison.findings.allSatisfy { $0.reference == "demo" })
  }

  @Test func tenantsWithoutARegistryAreSchemasWithTheirOwnMigrationTable() {
    var snapshot = Fixture.tenantsSnapshot("prod", tenants: ["a", "b", "c"], brokenTenants: ["b"])
    snapshot.tenantRegistry = nil
    let comparison = Comparer().compareTenants(
      of: .init(snapshot: snapshot), reference: nil, generatedAt: "")
    #expect(Set(comparison.findings.compactMap(\.schema)) == ["b"])
  }

  @Test func tenantIndexRenamesAreFoundWithinOneEnvironment() {
    var snapshot = Fixture.tenantsSnapshot("prod", tenants: ["a", "b", "c"])
    if let position = snapshot.schemas.firstIndex(where: { $0.name == "b" }) {
      snapshot.schemas[position].tables[1].indexes[0].name = "finance_invoice_due_renamed"
    }
    let comparison = Comparer().compareTenants(
      of: .init(snapshot: snapshot), reference: nil, generatedAt: "")
    let renames = comparison.findings("index.renamed", scope: .tenants)
    #expect(renames.count == 1)
    #expect(renames.first?.schema == "b")
    #expect(renames.first?.renamedTo == "finance_invoice_due_renamed")
  }
}

@Suite struct SupportTests {
  @Test(arguments: [
    ("tenant_*", "tenant_acme", true), ("tenant_*", "public", false), ("*", "", true),
    ("a?c", "abc", true), ("a?c", "ac", false), ("*_archive", "x_archive", true),
  ])
  func globsMatchWholeNames(pattern: String, text: String, expected: Bool) {
    #expect(Glob.matches(pattern, text) == expected)
  }

  @Test(arguments: [
    ("plain", "plain"), ("Mixed", "\"Mixed\""), ("with space", "\"with space\""),
    ("select", "\"select\""), ("quo\"te", "\"quo\"\"te\""), ("1abc", "\"1abc\""),
  ])
  func identifiersAreQuotedOnlyWhenNeeded(name: String, quoted: String) {
    #expect(SQL.quoteIdent(name) == quoted)
  }

  @Test func severityFollowsRuntimeImpact() {
    #expect(SeverityRule.severity(of: .table, change: .missing, aspect: .definition) == .error)
    #expect(SeverityRule.severity(of: .column, change: .changed, aspect: .definition) == .error)
    #expect(SeverityRule.severity(of: .migration, change: .missing, aspect: .definition) == .error)
    #expect(SeverityRule.severity(of: .index, change: .missing, aspect: .definition) == .warning)
    #expect(SeverityRule.severity(of: .index, change: .renamed, aspect: .definition) == .warning)
    #expect(SeverityRule.severity(of: .privilege, change: .changed, aspect: .definition) == .info)
    #expect(SeverityRule.severity(of: .table, change: .changed, aspect: .comment) == .info)
  }
}
