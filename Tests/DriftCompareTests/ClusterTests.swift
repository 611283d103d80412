import DriftCompare
import DriftModel
import Testing

/// Roles, memberships, settings and database properties, compared between clusters.
@Suite("Comparing roles, settings and databases")
struct ClusterTests {
  /// A snapshot of a database on cluster `cluster`, with `roles` and a table owned by `owner`.
  static func snapshot(
    _ name: String, cluster: String, roles: [Role], owner: String = "postgres",
    database: DatabaseInfo? = nil
  ) -> Snapshot {
    var table = Fixture.table("invoices")
    table.owner = owner
    var snapshot = Fixture.snapshot(
      name, schemas: [Schema(name: "public", owner: "postgres", tables: [table])])
    snapshot.roles = roles
    var info =
      database
      ?? DatabaseInfo(
        encoding: "UTF8", collate: "C.UTF-8", ctype: "C.UTF-8", localeProvider: "libc",
        serverSettings: ["TimeZone=UTC"])
    info.cluster = cluster
    snapshot.database = info
    return snapshot
  }

  static let postgres = Role(name: "postgres", superuser: true, login: true)

  static func kinds(_ comparison: Comparison) -> [String] {
    comparison.findings.map { "\($0.kind) \($0.table.map { "\($0)." } ?? "")\($0.name)" }
  }

  @Test func aMissingRoleThatOwnsSomethingIsAnErrorAndOneThatDoesNotAWarning() {
    let app = Role(name: "app", login: true)
    let idle = Role(name: "idle")
    let dev = Self.snapshot("dev", cluster: "a", roles: [Self.postgres, app, idle], owner: "app")
    let prod = Self.snapshot("prod", cluster: "b", roles: [Self.postgres])
    let comparison = Fixture.compare([dev, prod])
    let roles = comparison.findings.filter { $0.kind.object == .role }
    #expect(roles.map(\.name) == ["app", "idle"])
    #expect(roles.first { $0.name == "app" }?.severity == .error)
    #expect(roles.first { $0.name == "idle" }?.severity == .warning)
  }

  @Test func attributesMembershipsAndSettingsAreOneFindingEach() {
    let before = [
      Self.postgres, Role(name: "reader"),
      Role(name: "app", login: true, memberOf: [Membership(role: "reader")]),
    ]
    let after = [
      Self.postgres, Role(name: "reader"),
      Role(
        name: "app", login: true, connectionLimit: 10, settings: ["statement_timeout=5s"]),
    ]
    let comparison = Fixture.compare([
      Self.snapshot("dev", cluster: "a", roles: after),
      Self.snapshot("prod", cluster: "b", roles: before),
    ])
    #expect(
      Self.kinds(comparison).sorted() == [
        "membership.missing app.reader", "role.changed app",
        "setting.missing app.statement_timeout",
      ])
  }

  @Test func managedAndPredefinedRolesAreNeverDrift() {
    let dev = Self.snapshot(
      "dev", cluster: "a",
      roles: [
        Self.postgres, Role(name: "rds_superuser"), Role(name: "cloudsqlsuperuser"),
        Role(name: "azure_pg_admin"), Role(name: "pg_monitor"),
        Role(name: "admin", memberOf: [Membership(role: "rds_superuser")]),
      ])
    let prod = Self.snapshot(
      "prod", cluster: "b", roles: [Self.postgres, Role(name: "admin")])
    #expect(Fixture.compare([dev, prod]).findings.isEmpty)
  }

  @Test func anUnacceptingIgnoreRuleComparesTheManagedRolesItNamesAndNoOthers() throws {
    let dev = Self.snapshot(
      "dev", cluster: "a",
      roles: [
        Self.postgres, Role(name: "rds_superuser"), Role(name: "azure_pg_admin"),
        Role(name: "admin", memberOf: [Membership(role: "rds_superuser")]),
      ])
    let prod = Self.snapshot(
      "prod", cluster: "b",
      roles: [Self.postgres, Role(name: "rds_superuser", login: true), Role(name: "admin")])
    let rules = [
      try AcceptRule(parsing: "role:*"), try AcceptRule(parsing: "!role:rds_*"),
    ]
    let comparison = Comparer(acceptance: Acceptance(rules: rules, today: "2026-11-30"))
      .compare(
        [dev, prod].map(CollectedEnvironment.init(snapshot:)), baseline: "prod",
        generatedAt: "2026-11-21T03:00:00Z")
    #expect(
      Self.kinds(comparison).sorted() == [
        "membership.missing admin.rds_superuser", "role.changed rds_superuser",
      ])
    // An expired un-accepting rule no longer brings them back.
    let expired = [try AcceptRule(parsing: "!role:rds_*", until: "2026-01-01")]
    let quiet = Comparer(acceptance: Acceptance(rules: expired, today: "2026-11-30"))
      .compare(
        [dev, prod].map(CollectedEnvironment.init(snapshot:)), baseline: "prod",
        generatedAt: "2026-11-21T03:00:00Z")
    #expect(quiet.findings.isEmpty, "\(Self.kinds(quiet))")
  }

  @Test func serverSettingsAndTheDatabasesLocaleAreCompared() {
    let dev = Self.snapshot(
      "dev", cluster: "a", roles: [Self.postgres],
      database: DatabaseInfo(
        encoding: "UTF8", collate: "en_US.UTF-8", ctype: "C.UTF-8", localeProvider: "libc",
        settings: ["search_path=app, public"], serverSettings: ["TimeZone=Europe/Paris"]))
    let prod = Self.snapshot("prod", cluster: "b", roles: [Self.postgres])
    #expect(
      Self.kinds(Fixture.compare([dev, prod])).sorted() == [
        "database.changed collation", "setting.changed TimeZone", "setting.missing search_path",
      ])
  }

  @Test func aServerSettingOneRoleMayNotSeeIsNotMissing() {
    let visible = DatabaseInfo(
      encoding: "UTF8", collate: "C.UTF-8", ctype: "C.UTF-8", localeProvider: "libc",
      serverSettings: ["TimeZone=UTC", "shared_preload_libraries=pg_stat_statements"])
    let dev = Self.snapshot("dev", cluster: "a", roles: [Self.postgres], database: visible)
    let prod = Self.snapshot("prod", cluster: "b", roles: [Self.postgres])
    #expect(Fixture.compare([dev, prod]).findings.isEmpty)
  }

  @Test func twoDatabasesOfOneClusterSayItInsteadOfComparingRoles() {
    let dev = Self.snapshot("dev", cluster: "same", roles: [Self.postgres, Role(name: "x")])
    let uat = Self.snapshot("uat", cluster: "same", roles: [Self.postgres])
    let prod = Self.snapshot("prod", cluster: "other", roles: [Self.postgres])
    let comparison = Fixture.compare([dev, uat, prod])
    #expect(comparison.sharedClusters == [["dev", "uat"]])
    // dev stands for the cluster: its role x is missing from prod, reported once.
    #expect(Self.kinds(comparison) == ["role.missing x"])
    #expect(comparison.findings.first?.values.keys.sorted() == ["dev", "prod"])
  }

  @Test func aSnapshotWithoutRolesComparesNone() {
    var file = Self.snapshot("file", cluster: "b", roles: [])
    file.roles = nil
    file.database = nil
    let live = Self.snapshot("live", cluster: "a", roles: [Self.postgres, Role(name: "app")])
    #expect(Fixture.compare([live, file]).findings.isEmpty)
  }
}
