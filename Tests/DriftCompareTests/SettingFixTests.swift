import DriftModel
import Testing

@testable import DriftCompare

/// The `ALTER ROLE … SET` and `ALTER DATABASE … SET` statements suggested for setting findings,
/// and the collation version compared with the database's locale.
@Suite("Fixes for role and database settings")
struct SettingFixTests {
  /// A snapshot of database `app_<name>` on its own cluster.
  static func snapshot(
    _ name: String, roles: [Role] = [ClusterTests.postgres], settings: [String] = [],
    serverSettings: [String] = ["TimeZone=UTC"], collationVersion: String? = "2.36"
  ) -> Snapshot {
    var info = DatabaseInfo(
      encoding: "UTF8", collate: "C.UTF-8", ctype: "C.UTF-8", localeProvider: "libc",
      settings: settings, serverSettings: serverSettings)
    info.collationVersion = collationVersion
    var snapshot = ClusterTests.snapshot(name, cluster: name, roles: roles, database: info)
    snapshot.environment.database = "app \"\(name)\""
    return snapshot
  }

  /// The statements of the comparison's fixes, without their leading comments.
  static func statements(_ comparison: Comparison) -> [String] {
    comparison.findings.compactMap(\.fix).flatMap { fix in
      fix.split(separator: "\n").filter { !$0.hasPrefix("--") }.map(String.init)
    }.sorted()
  }

  @Test func aRoleSettingTheBaselineHasIsSetAndOneItLacksIsReset() {
    let dev = Self.snapshot(
      "dev",
      roles: [
        ClusterTests.postgres,
        Role(name: "app", settings: ["lock_timeout=1s", "statement_timeout=5s (this database)"]),
      ])
    let prod = Self.snapshot(
      "prod",
      roles: [
        ClusterTests.postgres,
        Role(name: "app", settings: ["statement_timeout=30s (this database)", "work_mem=64MB"]),
      ])
    #expect(
      Self.statements(Fixture.compare([dev, prod], baseline: "dev")) == [
        "ALTER ROLE app IN DATABASE \"app \"\"prod\"\"\" SET statement_timeout TO '5s';",
        "ALTER ROLE app RESET work_mem;", "ALTER ROLE app SET lock_timeout TO '1s';",
      ])
  }

  @Test func aListSettingIsWrittenOneLiteralPerElementAndHostileValuesStayLiterals() {
    let dev = Self.snapshot(
      "dev", settings: ["search_path=\"$user\", \"a,b\", public", "app.note=it's; DROP x --"])
    let prod = Self.snapshot("prod")
    #expect(
      Self.statements(Fixture.compare([dev, prod], baseline: "dev")) == [
        "ALTER DATABASE \"app \"\"prod\"\"\" SET app.note TO 'it''s; DROP x --';",
        "ALTER DATABASE \"app \"\"prod\"\"\" SET search_path TO '$user', 'a,b', 'public';",
      ])
  }

  @Test func aSettingWithAnUnusualNameAServerSettingAndAnOpenQuoteGetNoStatement() {
    let dev = Self.snapshot(
      "dev", settings: ["x;y=1", "search_path=\"open, public"],
      serverSettings: ["TimeZone=Europe/Paris"])
    let prod = Self.snapshot("prod")
    let comparison = Fixture.compare([dev, prod], baseline: "dev")
    #expect(comparison.findings.count == 3)
    #expect(Self.statements(comparison).isEmpty)
    #expect(SettingFixes.listElements("\"$user\", public") == ["$user", "public"])
    #expect(SettingFixes.listElements("\"a\"\"b\" , c") == ["a\"b", "c"])
    #expect(SettingFixes.listElements("\"open") == nil)
  }

  @Test func aDifferentCollationVersionIsADatabaseChange() {
    let dev = Self.snapshot("dev", collationVersion: "2.36")
    let prod = Self.snapshot("prod", collationVersion: "2.31")
    let findings = Fixture.compare([dev, prod]).findings
    #expect(
      findings.map { "\($0.kind) \($0.name) \($0.severity)" } == [
        "database.changed collation version warning"
      ])
    // A snapshot from before the version was read compares nothing.
    #expect(Fixture.compare([dev, Self.snapshot("prod", collationVersion: nil)]).findings.isEmpty)
  }
}
