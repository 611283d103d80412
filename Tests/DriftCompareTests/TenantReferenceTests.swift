import DriftCode
import DriftCompare
import DriftModel
import Testing

/// Tenant schemas compared with each other: names stripped only where they qualify, and the
/// reference chosen the same way on every run.
@Suite("Tenant references and schema names")
struct TenantReferenceTests {
  static func tenant(_ name: String, columns: [Column], indexes: [Index] = []) -> Schema {
    Schema(
      name: name, owner: "app",
      tables: [
        Fixture.migrationTableShape, Fixture.table("site", columns: columns, indexes: indexes),
      ])
  }

  static func snapshot(_ schemas: [Schema]) -> Snapshot {
    Fixture.snapshot(
      "prod", schemas: [Schema(name: "public", owner: "app")] + schemas,
      migrations: schemas.map {
        Fixture.djangoMigrations($0.name, [("sites", "0001_initial", "2025-01-01T00:00:00Z")])
      },
      registry: TenantRegistry(table: "public.tenants_client", schemas: schemas.map(\.name)))
  }

  @Test func aTenantsNameInsideALiteralOrQuotedNameIsNotItsQualificationButInARegclassItIs() {
    let names = ["www", "shop", "blog"]
    let schemas = names.map { name in
      Self.tenant(
        name,
        columns: [
          Column(
            name: "url", position: 1, type: "text", defaultValue: "'https://www.example.com'::text"),
          Column(name: "note", position: 2, type: "text", defaultValue: "E'shop.\\'blog.'::text"),
          Column(name: "kind", position: 3, type: "\(name).kind"),
          // A literal that names an object is a name: its qualification goes.
          Column(
            name: "id", position: 4, type: "bigint",
            defaultValue: "nextval('\(name).site_id_seq'::regclass)"),
        ],
        indexes: [Index(name: "site_url", definition: "USING btree (\"www.url\", \(name).f(url))")])
    }
    let comparison = Fixture.compare([Self.snapshot(schemas)])
    #expect(comparison.findings.isEmpty, "\(comparison.findings.map(\.statement))")
  }

  @Test func aTiedVoteChoosesTheSameReferenceWhateverTheOrder() {
    // Two tenants of one shape and two of another: neither has a majority, and the reference
    // is the first tenant by name, however the tenants are listed.
    let types = ["alpha": "integer", "beta": "bigint", "gamma": "integer", "delta": "bigint"]
    func schemas(_ order: [String]) -> [Schema] {
      order.map { name in
        Self.tenant(name, columns: [Column(name: "id", position: 1, type: types[name] ?? "")])
      }
    }
    let orders = [
      ["alpha", "beta", "gamma", "delta"], ["delta", "gamma", "beta", "alpha"],
      ["beta", "delta", "alpha", "gamma"], ["gamma", "alpha", "delta", "beta"],
    ]
    for order in orders {
      for _ in 0..<5 {
        let references = Set(
          Fixture.compare([Self.snapshot(schemas(order))]).findings.compactMap(\.reference))
        #expect(references == ["alpha"], "\(order)")
      }
    }
  }

  /// Three tenants of one environment, two of them tied on the shape vote.
  ///
  /// `zeta` is healthy, `alpha` lacks the `billing` app, and `beta` was changed by hand (an
  /// extra column). Shape votes tie `beta` and `zeta`; `beta` sorts
  /// first, so only a rule beyond the name can make `zeta` the reference.
  static func threeTenants(named environment: String = "prod", handChanged: Bool = true)
    -> Snapshot
  {
    func tenant(_ name: String, billing: Bool, extra: Bool) -> Schema {
      var invoice = [
        Column(name: "id", position: 1, type: "bigint", notNull: true),
        Column(name: "total", position: 2, type: "numeric", notNull: true),
      ]
      if extra { invoice.append(Column(name: "hand_note", position: 3, type: "text")) }
      return Schema(
        name: name, owner: "app",
        tables: [Fixture.migrationTableShape]
          + (billing ? [Fixture.table("billing_invoice", columns: invoice)] : []))
    }
    let schemas = [
      tenant("alpha", billing: false, extra: false),
      tenant("beta", billing: true, extra: handChanged),
      tenant("zeta", billing: true, extra: false),
    ]
    return Fixture.snapshot(
      environment, schemas: [Schema(name: "public", owner: "app")] + schemas,
      migrations: schemas.map { schema in
        Fixture.djangoMigrations(
          schema.name,
          schema.tables.count > 1 ? [("billing", "0001_initial", "2025-01-01T00:00:00Z")] : [])
      },
      registry: TenantRegistry(table: "public.tenants_client", schemas: schemas.map(\.name)))
  }

  static let billingCode = NamedCode(
    name: "code",
    files: MigrationCode(
      source: "./backend",
      migrations: [
        CodeMigration(
          app: "billing", name: "0001_initial", file: "billing/migrations/0001_initial.py",
          operations: [
            MigrationOperation(
              kind: .createModel, model: "invoice",
              fields: [
                CodeField(name: "id", type: "BigAutoField", column: "id"),
                CodeField(name: "total", type: "DecimalField", column: "total"),
              ])
          ])
      ]))

  static func reference(_ comparison: Comparison, _ environment: String = "prod")
    -> TenantReference?
  {
    comparison.environments.first { $0.name == environment }?.tenantReference
  }

  @Test func withNothingElseToGoOnATieFallsToTheFirstNameAndSaysSo() {
    let comparison = Fixture.compare([Self.threeTenants()])
    #expect(Self.reference(comparison) == TenantReference(schema: "beta", reason: .name))
  }

  @Test func aTieIsBrokenByTheShapeTheBaselinesTenantsShare() {
    let dev = Self.threeTenants(named: "dev", handChanged: false)
    let comparison = Fixture.compare([dev, Self.threeTenants()], baseline: "dev")
    #expect(Self.reference(comparison) == TenantReference(schema: "zeta", reason: .baseline))
    let tenantFindings = comparison.findings.filter { $0.scope == .tenants }
    #expect(
      Set(tenantFindings.map { "\($0.environment ?? "") \($0.schema ?? "")" }) == [
        "dev alpha", "prod alpha", "prod beta",
      ],
      "the hand-changed tenant is reported, never the healthy one")
    #expect(
      Self.reference(comparison, "dev") == TenantReference(schema: "beta", reason: .majority),
      "dev's tenants that have billing are alike: no tie to break")
  }

  @Test func thenByWhatTheCodesMigrationsMake() {
    let comparison = Comparer().compare(
      [CollectedEnvironment(snapshot: Self.threeTenants())], baseline: "prod",
      generatedAt: "2026-11-21T03:00:00Z", code: Self.billingCode)
    #expect(Self.reference(comparison) == TenantReference(schema: "zeta", reason: .code))
    #expect(
      comparison.findings.contains {
        $0.scope == .tenants && $0.schema == "beta" && $0.name == "hand_note"
      })
  }

  @Test func theReferenceAndItsReasonAreInTheJSONAndTheSameWhateverTheOrderOfSchemas() throws {
    var shuffled = Self.threeTenants()
    shuffled.schemas.reverse()
    shuffled.migrationTables.reverse()
    let dev = Self.threeTenants(named: "dev", handChanged: false)
    let first = Fixture.compare([dev, Self.threeTenants()], baseline: "dev")
    let second = Fixture.compare([dev, shuffled], baseline: "dev")
    #expect(first == second)
  }
}
