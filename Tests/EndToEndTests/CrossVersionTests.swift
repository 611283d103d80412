import Foundation
import TestSupport
import Testing

/// Environments on different PostgreSQL majors, each a real server of its version: the same
/// SQL compares clean, real drift is found exactly as within one major, and a real change of
/// each normalised kind is still reported.
@Suite(
  "Across PostgreSQL majors", .serialized,
  .enabled(if: TestCluster.all.count >= 2 || TestCluster.isRequired))
struct CrossVersionTests {
  /// The primary cluster and each other one, as (older-or-primary, other) pairs.
  static var pairs: [(TestCluster, TestCluster)] {
    let clusters = TestCluster.all
    guard let primary = clusters.first else { return [] }
    return clusters.dropFirst().map { (primary, $0) }
  }

  static let root = TestFixtures.repositoryRoot

  /// SQL files that build one database, each loaded unchanged on every major.
  static let schemas: [(name: String, files: [URL], variables: [String: String])] = [
    ("versions", [root.appendingPathComponent("Tests/Fixtures/versions/schema.sql")], [:]),
    ("seed_prod", [root.appendingPathComponent("examples/seed-incident/prod.sql")], [:]),
    ("tenants10", [root.appendingPathComponent("bench/generate.sql")], ["tenants": "10"]),
    (
      "migra_everything",
      [root.appendingPathComponent("Tests/Fixtures/migra/fixtures/everything/b.sql")], [:]
    ),
  ]

  struct Findings {
    var status: Int32
    var all: [[String: Any]]
    var document: [String: Any]

    /// Each finding as a comparable line: scope, environment, kind, schema, table, name,
    /// severity, aspect.
    func lines(renaming names: [String: String] = [:]) -> [String] {
      all.map { finding in
        let environment = (finding["environment"] as? String).map { names[$0] ?? $0 } ?? ""
        return [
          finding["scope"] as? String ?? "", environment, finding["kind"] as? String ?? "",
          finding["schema"] as? String ?? "", finding["table"] as? String ?? "",
          finding["name"] as? String ?? "", finding["severity"] as? String ?? "",
          finding["aspect"] as? String ?? "",
        ].joined(separator: " | ")
      }.sorted()
    }
  }

  static func compare(_ arguments: [String]) throws -> Findings {
    let result = try Envdrift.run(["compare"] + arguments + ["--format", "json", "--output", "-"])
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any],
      "\(result.error)")
    // Two test clusters made by different builds, beside suites that create roles, really
    // differ in roles and settings (the role suite checks those); this suite is about what the
    // same SQL makes on each major.
    let findings = Envdrift.schemaFindings(document["findings"] as? [[String: Any]] ?? [])
    let cluster = (document["findings"] as? [[String: Any]] ?? []).count - findings.count
    // Only cluster differences left: the exit status the rest would give.
    let status = findings.isEmpty && cluster > 0 && result.status == 1 ? 0 : result.status
    return Findings(status: status, all: findings, document: document)
  }

  @Test func theRunComparesAtLeastTwoMajors() {
    #expect(Set(TestCluster.all.map(\.major)).count >= 2, "\(TestCluster.all)")
  }

  @Test func theSameSQLComparesCleanOnEveryPairOfMajorsLiveAndFromSnapshotFiles() throws {
    try TestFixtures.ensureMigraRole(on: Self.pairs.flatMap { [$0.0, $0.1] })
    for (first, second) in Self.pairs {
      for schema in Self.schemas {
        let sql = try schema.files.map { try String(contentsOf: $0, encoding: .utf8) }.joined()
        if let missing = try first.lacks(for: sql) ?? second.lacks(for: sql) {
          print("\(schema.name) on \(first) and \(second): skipped, a build lacks \(missing)")
          continue
        }
        let a = try first.createDatabase(
          schema.name, files: schema.files, variables: schema.variables)
        defer { first.drop(a) }
        let b = try second.createDatabase(
          schema.name, files: schema.files, variables: schema.variables)
        defer { second.drop(b) }
        let label = "\(schema.name), \(first) and \(second)"
        let live = try Self.compare(["old=\(first.conninfo(a))", "new=\(second.conninfo(b))"])
        let environments = live.all.filter { $0["scope"] as? String == "environments" }
        #expect(environments.isEmpty, "\(label): \(environments.map { $0["message"] ?? "" })")
        // Tenant drift inside each environment (the seed's demo tenant) is the same on both.
        let tenants = live.lines().filter { $0.hasPrefix("tenants") }
        #expect(
          tenants.filter { $0.contains("| old |") }.map {
            $0.replacingOccurrences(of: "| old |", with: "|")
          }
            == tenants.filter { $0.contains("| new |") }.map {
              $0.replacingOccurrences(of: "| new |", with: "|")
            },
          "\(label)")
        let versions = live.document["versions"] as? [String: Any]
        #expect(
          (versions?["majors"] as? [String: Int]) == ["old": first.major, "new": second.major],
          "\(label): \(String(describing: versions))")

        // A snapshot file taken on one major against a live server of the other.
        let directory = try Envdrift.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("new.json").path
        let saved = try Envdrift.run(["snapshot", "new=\(second.conninfo(b))", "--output", file])
        #expect(saved.status == 0, "\(saved.error)")
        let fromFile = try Self.compare(["old=\(first.conninfo(a))", "new=\(file)"])
        #expect(
          fromFile.all.filter { $0["scope"] as? String == "environments" }.isEmpty,
          "\(label), from a snapshot file")
      }
    }
  }

  @Test func driftBetweenMajorsIsExactlyTheDriftWithinOne() throws {
    let seed = Self.root.appendingPathComponent("examples/seed-incident")
    let generate = Self.root.appendingPathComponent("bench/generate.sql")
    let drift = Self.root.appendingPathComponent("bench/drift.sql")
    for (first, second) in Self.pairs {
      let cases: [(String, [URL], [URL], [String: String])] = [
        (
          "seed", [seed.appendingPathComponent("dev.sql")],
          [seed.appendingPathComponent("prod.sql")], [:]
        ),
        ("tenants10", [generate, drift], [generate], ["tenants": "10"]),
      ]
      for (name, driftedFiles, baseFiles, variables) in cases {
        let sql = try driftedFiles.map { try String(contentsOf: $0, encoding: .utf8) }.joined()
        if let missing = try first.lacks(for: sql) ?? second.lacks(for: sql) {
          print("\(name) on \(first) and \(second): skipped, a build lacks \(missing)")
          continue
        }
        let base = try first.createDatabase(name, files: baseFiles, variables: variables)
        defer { first.drop(base) }
        let sameMajor = try first.createDatabase(name, files: driftedFiles, variables: variables)
        defer { first.drop(sameMajor) }
        let otherMajor = try second.createDatabase(name, files: driftedFiles, variables: variables)
        defer { second.drop(otherMajor) }
        let within = try Self.compare([
          "dev=\(first.conninfo(sameMajor))", "prod=\(first.conninfo(base))",
        ])
        let across = try Self.compare([
          "dev=\(second.conninfo(otherMajor))", "prod=\(first.conninfo(base))",
        ])
        #expect(within.status == 1 && across.status == 1)
        #expect(!within.all.isEmpty)
        #expect(
          within.lines() == across.lines(),
          "\(name) on \(second) against \(first): \(Set(across.lines()).symmetricDifference(within.lines()))"
        )
      }
    }
  }

  @Test func aRealChangeOfEachNormalisedKindIsStillReportedAcrossMajors() throws {
    let schema = Self.root.appendingPathComponent("Tests/Fixtures/versions/schema.sql")
    for (first, second) in Self.pairs {
      let base = try first.createDatabase("versions", files: [schema])
      defer { first.drop(base) }
      let changed = try second.createDatabase("versions", files: [schema])
      defer { second.drop(changed) }
      try second.psql(
        changed,
        [
          "-c",
          """
          CREATE OR REPLACE VIEW shop.big_customers WITH (security_barrier) AS
            SELECT id, email FROM shop.customer WHERE score > 80;
          GRANT INSERT ON shop.customer TO envdrift_readonly;
          ALTER TABLE shop.customer ALTER COLUMN name DROP NOT NULL;
          """,
        ])
      let result = try Self.compare([
        "dev=\(second.conninfo(changed))", "prod=\(first.conninfo(base))",
      ])
      #expect(
        result.lines() == [
          "environments |  | column.changed | shop | customer | name | error | definition",
          "environments |  | privilege.changed | shop | customer | envdrift_readonly | info | definition",
          "environments |  | view.changed | shop |  | big_customers | warning | definition",
          // The join view reads the changed column: it must be recreated, as within one major.
          "environments |  | view.changed | shop |  | open_orders | warning | dependencies",
        ], "\(first) and \(second)")
      let view = result.all.first { $0["name"] as? String == "big_customers" }
      let straddles16 = min(first.major, second.major) < 16 && max(first.major, second.major) >= 16
      #expect((view?["normalised"] as? String) == (straddles16 ? "view_qualification" : nil))
    }
  }
}
