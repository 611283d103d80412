import DriftCompare
import DriftModel
import Testing

@Suite("The overview a comparison carries for reports")
struct OverviewTests {
  /// Migrations `names` of app `a`, applied in `schema`.
  static func history(_ schema: String, _ names: [String]) -> MigrationTable {
    Fixture.djangoMigrations(schema, names.map { ("a", $0, "2026-01-01T00:00:00Z") })
  }

  /// `0001` to `count`, four digits each.
  static func numbered(_ count: Int) -> [String] {
    (1...count).map { "000\($0)" }
  }

  @Test func eachEnvironmentIsTalliedFromItsSnapshot() {
    let tables = [
      Fixture.table("a", indexes: [Index(name: "a_i", definition: "USING btree (id)")]),
      Fixture.table("b"),
    ]
    var migrations = [Self.history("public", ["0001", "0002"])]
    migrations[0].rows.append(MigrationRow(app: "b", name: "0001", appliedAt: nil))
    migrations.append(Self.history("t1", ["0001", "0003"]))
    let dev = Fixture.snapshot(
      "dev", schemas: [Schema(name: "public", tables: tables), Schema(name: "t1")],
      migrations: migrations)
    let prod = Fixture.snapshot("prod", schemas: [Schema(name: "public")])
    let overview = Fixture.compare([dev, prod]).overview
    let tally = overview.tallies["dev"]
    #expect(tally?.schemas == 2)
    #expect(tally?.tables == 2)
    #expect(tally?.indexes == 1)
    #expect(tally?.migrations["a"] == AppMigrations(count: 3, latest: "0003"))
    #expect(tally?.migrations["b"] == AppMigrations(count: 1, latest: "0001"))
    #expect(overview.tallies["prod"] == Tally(schemas: 1))
  }

  @Test func schemasWhoseHistoriesDifferAlikeShareOneTree() {
    let schemas = ["public", "t2", "t1", "t3"]
    let prod = Fixture.snapshot(
      "prod", migrations: schemas.map { Self.history($0, Self.numbered(6)) })
    let dev = Fixture.snapshot(
      "dev",
      migrations: [
        Self.history("public", Self.numbered(6)),
        Self.history("t1", Self.numbered(5)), Self.history("t2", Self.numbered(5)),
        Self.history("t3", Self.numbered(4)),
      ])
    let trees = Fixture.compare([dev, prod]).overview.migrationTrees
    #expect(trees.map(\.schemas) == [["t1", "t2"], ["t3"]])
    #expect(trees.map(\.earlierAlike) == [3, 2])
    #expect(trees[0].environments == ["dev", "prod"])
    #expect(
      trees[0].steps == [
        .init(name: "0004", lacking: []), .init(name: "0005", lacking: []),
        .init(name: "0006", lacking: ["dev"]),
      ])
    #expect(trees[1].steps.map(\.lacking) == [[], [], ["dev"], ["dev"]])
  }

  @Test func aSchemaWithOneHistoryOrEqualHistoriesDrawsNoTree() {
    let prod = Fixture.snapshot(
      "prod",
      migrations: [Self.history("public", ["0001"]), Self.history("only_prod", ["0001"])])
    let dev = Fixture.snapshot("dev", migrations: [Self.history("public", ["0001"])])
    #expect(Fixture.compare([dev, prod]).overview.migrationTrees.isEmpty)
  }
}
