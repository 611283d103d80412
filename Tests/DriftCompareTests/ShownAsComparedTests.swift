import DriftCompare
import DriftModel
import Testing

/// Small things that were read and never compared, or compared and shown alike.
@Suite("Shown as compared")
struct ShownAsComparedTests {
  @Test func aChangedFlywayChecksumShowsBothChecksums() {
    func snapshot(_ name: String, checksum: String) -> Snapshot {
      Fixture.snapshot(
        name,
        schemas: [
          Schema(name: "public", owner: "app", tables: [Fixture.table("flyway_schema_history")])
        ],
        migrations: [
          MigrationTable(
            schema: "public", name: "flyway_schema_history", framework: .flyway,
            rows: [
              MigrationRow(
                app: "flyway", name: "1.2", appliedAt: "2025-01-01T00:00:00Z", checksum: checksum)
            ])
        ])
    }
    let comparison = Fixture.compare([
      snapshot("dev", checksum: "-123"), snapshot("prod", checksum: "456"),
    ])
    let finding = comparison.findings.first { $0.kind.object == .migration }
    #expect(finding?.values["dev"] == "applied 2025-01-01T00:00:00Z, checksum -123")
    #expect(finding?.values["prod"] == "applied 2025-01-01T00:00:00Z, checksum 456")
  }

  @Test func aCommentOnAMaterializedViewsIndexIsCompared() {
    func snapshot(_ name: String, comment: String?) -> Snapshot {
      Fixture.snapshot(
        name,
        schemas: [
          Schema(
            name: "public", owner: "app",
            views: [
              View(
                name: "totals", materialized: true, definition: "SELECT 1;",
                indexes: [
                  Index(name: "totals_idx", definition: "USING btree (x)", comment: comment)
                ])
            ])
        ])
    }
    let comparison = Fixture.compare([
      snapshot("dev", comment: "by day"), snapshot("prod", comment: nil),
    ])
    // The index is everywhere; its comment is set in one: a change, not a missing index.
    #expect(comparison.findings.map(\.kind.description) == ["index.changed"])
    #expect(comparison.findings.first?.aspect == .comment)
  }
}

@Suite("Alembic heads")
struct AlembicHeadTests {
  static func snapshot(_ name: String, heads: [String]) -> Snapshot {
    Fixture.snapshot(
      name,
      schemas: [Schema(name: "public", owner: "app", tables: [Fixture.table("alembic_version")])],
      migrations: [
        MigrationTable(
          schema: "public", framework: .alembic,
          rows: heads.map { MigrationRow(app: "alembic", name: $0) })
      ])
  }

  @Test func headsAreComparedAsHeadsInOneFinding() {
    let comparison = Fixture.compare([
      Self.snapshot("dev", heads: ["abc123"]), Self.snapshot("prod", heads: ["def456"]),
    ])
    #expect(comparison.findings.map(\.kind.description) == ["migration.changed"])
    #expect(comparison.findings.first?.name == "head")
    #expect(comparison.findings.first?.values == ["dev": "abc123", "prod": "def456"])
    let same = Fixture.compare([
      Self.snapshot("dev", heads: ["b2", "a1"]), Self.snapshot("prod", heads: ["a1", "b2"]),
    ])
    #expect(same.findings.isEmpty)
  }
}
