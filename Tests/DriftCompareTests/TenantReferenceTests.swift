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
    #expect(comparison.findings.isEmpty, "\(comparison.findings.map(\.message))")
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
}
