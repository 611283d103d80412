import Foundation
import TestSupport
import Testing

/// Roles, their settings and the database's own settings, compared end to end: across two
/// clusters, and between two databases of one.
@Suite("Roles and settings", .enabled(if: TestPostgres.isAvailable), .serialized)
struct ClusterDriftTests {
  static func findings(_ arguments: [String]) throws -> (
    all: [[String: Any]], document: [String: Any], text: String
  ) {
    let result = try Envdrift.run(["compare"] + arguments + ["--format", "json", "--output", "-"])
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any],
      "\(result.error)")
    let report = FileManager.default.temporaryDirectory.appendingPathComponent(
      "envdrift-cluster-\(UUID().uuidString).md")
    defer { try? FileManager.default.removeItem(at: report) }
    let terminal = try Envdrift.run(["compare"] + arguments + ["--output", report.path])
    return (document["findings"] as? [[String: Any]] ?? [], document, terminal.output)
  }

  /// The findings about this test's own objects, whose names end in `suffix`: other suites
  /// create roles and tablespaces of their own on the same clusters.
  static func naming(_ suffix: some StringProtocol, in findings: [[String: Any]]) -> [[String: Any]]
  {
    findings.filter { finding in
      [finding["table"], finding["name"]].contains { ($0 as? String)?.hasSuffix(suffix) == true }
    }
  }

  @Test(.enabled(if: TestCluster.all.count >= 2))
  func aRoleOnlyOneClusterHasIsAnErrorWhereItHoldsAGrantAndItsSettingsAreCompared() throws {
    let clusters = Array(TestCluster.all.prefix(2))
    let suffix = UUID().uuidString.prefix(6).lowercased()
    let app = "cluster_app_\(suffix)"
    let shared = "cluster_shared_\(suffix)"
    try clusters[0].psql(
      "postgres",
      [
        "-c",
        "CREATE ROLE \(app) LOGIN; CREATE ROLE \(shared);"
          + " ALTER ROLE \(shared) SET statement_timeout = '5s'",
      ])
    try clusters[1].psql("postgres", ["-c", "CREATE ROLE \(shared)"])
    let first = try clusters[0].createDatabase("cluster_a")
    let second = try clusters[1].createDatabase("cluster_b")
    defer {
      clusters[0].drop(first)
      clusters[1].drop(second)
      for cluster in clusters {
        _ = try? cluster.psql(
          "postgres", ["-c", "DROP ROLE IF EXISTS \(app); DROP ROLE IF EXISTS \(shared)"])
      }
    }
    let sql = "CREATE TABLE invoices (id int);"
    try clusters[0].psql(first, ["-c", sql + " GRANT SELECT ON invoices TO \(app)"])
    try clusters[1].psql(second, ["-c", sql])
    let result = try Self.findings([
      "a=\(clusters[0].conninfo(first))", "b=\(clusters[1].conninfo(second))", "--baseline", "b",
    ])
    let mine = Self.naming(suffix, in: result.all)
    let lines = mine.map {
      "\($0["kind"] ?? "") \($0["table"] as? String ?? "-") \($0["name"] ?? "") \($0["severity"] ?? "")"
    }.sorted()
    #expect(
      lines == [
        "privilege.missing invoices \(app) info",
        "role.missing - \(app) error",
        "setting.missing \(shared) statement_timeout warning",
      ], "\(lines)")
    #expect(result.document["sharedClusters"] == nil)
    // The role setting's suggested statement (a reset: the baseline, b, has none), run on
    // the first cluster, aligns it.
    let settingFix = mine.first { $0["kind"] as? String == "setting.missing" }?["fix"] as? String
    #expect(settingFix?.hasSuffix("ALTER ROLE \(shared) RESET statement_timeout;") == true)
    try clusters[0].psql(first, ["-v", "ON_ERROR_STOP=1", "-c", try #require(settingFix)])
    let again = try Self.findings([
      "a=\(clusters[0].conninfo(first))", "b=\(clusters[1].conninfo(second))", "--baseline", "b",
    ])
    #expect(
      !again.all.contains { ($0["table"] as? String) == shared }, "\(again.all)")
  }

  @Test(.enabled(if: TestCluster.all.count >= 2))
  func eachRoleAttributeAndMembershipOptionThatDiffersIsOneFinding() throws {
    let clusters = Array(TestCluster.all.prefix(2))
    let suffix = UUID().uuidString.prefix(6).lowercased()
    let role = "cluster_attrs_\(suffix)"
    let group = "cluster_group_\(suffix)"
    for cluster in clusters {
      try cluster.psql(
        "postgres", ["-c", "CREATE ROLE \(role); CREATE ROLE \(group); GRANT \(group) TO \(role)"])
    }
    let first = try clusters[0].createDatabase("cluster_attrs_a")
    let second = try clusters[1].createDatabase("cluster_attrs_b")
    defer {
      clusters[0].drop(first)
      clusters[1].drop(second)
      for cluster in clusters {
        _ = try? cluster.psql(
          "postgres", ["-c", "DROP ROLE IF EXISTS \(role); DROP ROLE IF EXISTS \(group)"])
      }
    }
    func mine() throws -> [String] {
      let result = try Self.findings([
        "a=\(clusters[0].conninfo(first))", "b=\(clusters[1].conninfo(second))",
      ])
      return Self.naming(suffix, in: result.all).map {
        "\($0["kind"] ?? "") \($0["name"] ?? "") \($0["severity"] ?? "")"
      }
    }
    #expect(try mine().isEmpty)
    for (change, undo) in [
      ("LOGIN", "NOLOGIN"), ("SUPERUSER", "NOSUPERUSER"), ("CREATEDB", "NOCREATEDB"),
      ("CREATEROLE", "NOCREATEROLE"), ("REPLICATION", "NOREPLICATION"),
      ("BYPASSRLS", "NOBYPASSRLS"), ("NOINHERIT", "INHERIT"),
      ("CONNECTION LIMIT 5", "CONNECTION LIMIT -1"),
      ("VALID UNTIL '2030-01-01 00:00:00+00'", "VALID UNTIL 'infinity'"),
    ] {
      try clusters[0].psql("postgres", ["-c", "ALTER ROLE \(role) \(change)"])
      #expect(try mine() == ["role.changed \(role) warning"], "\(change)")
      try clusters[0].psql("postgres", ["-c", "ALTER ROLE \(role) \(undo)"])
    }
    try clusters[0].psql("postgres", ["-c", "GRANT \(group) TO \(role) WITH ADMIN OPTION"])
    #expect(try mine() == ["membership.changed \(group) warning"])
    try clusters[0].psql("postgres", ["-c", "REVOKE \(group) FROM \(role)"])
    #expect(try mine() == ["membership.missing \(group) warning"])
  }

  @Test(.enabled(if: TestCluster.all.count >= 2))
  func aTablespaceOnlyOneClusterHasIsOneFindingAndItsGrantsGoWithIt() throws {
    let clusters = Array(TestCluster.all.prefix(2))
    let suffix = UUID().uuidString.prefix(6).lowercased()
    let tablespace = "cluster_space_\(suffix)"
    try clusters[0].psql(
      "postgres",
      [
        "-c", "SET allow_in_place_tablespaces = on", "-c",
        "CREATE TABLESPACE \(tablespace) LOCATION ''", "-c",
        "GRANT CREATE ON TABLESPACE \(tablespace) TO PUBLIC",
      ])
    let first = try clusters[0].createDatabase("cluster_space_a")
    let second = try clusters[1].createDatabase("cluster_space_b")
    defer {
      clusters[0].drop(first)
      clusters[1].drop(second)
      _ = try? clusters[0].psql("postgres", ["-c", "DROP TABLESPACE IF EXISTS \(tablespace)"])
    }
    let result = try Self.findings([
      "a=\(clusters[0].conninfo(first))", "b=\(clusters[1].conninfo(second))",
    ])
    let lines = Self.naming(suffix, in: result.all).map {
      "\($0["kind"] ?? "") \($0["name"] ?? "") \($0["severity"] ?? "")"
    }
    #expect(lines == ["tablespace.missing \(tablespace) warning"], "\(lines)")
  }

  @Test func anICUDatabaseRecordsItsCollationVersionAndDiffersFromALibcOne() throws {
    if let missing = try TestPostgres.lacks(for: "provider = icu") {
      print("collation version: skipped, this PostgreSQL build lacks \(missing)")
      return
    }
    let icu = "cluster_icu_\(UUID().uuidString.prefix(8).lowercased())"
    try TestPostgres.runPSQL(
      database: "postgres",
      arguments: [
        "-c", "CREATE DATABASE \(icu) LOCALE_PROVIDER icu ICU_LOCALE 'und' TEMPLATE template0",
      ])
    let libc = try TestPostgres.createDatabase("cluster_libc")
    defer {
      libc.drop()
      _ = try? TestPostgres.runPSQL(
        database: "postgres", arguments: ["-c", "DROP DATABASE IF EXISTS \(icu)"])
    }
    let snapshot = try Envdrift.run(["snapshot", "a=dbname=\(icu)", "--output", "-"])
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(snapshot.output.utf8)) as? [String: Any])
    let database = try #require(document["database"] as? [String: Any])
    #expect(database["localeProvider"] as? String == "icu")
    #expect((database["collationVersion"] as? String)?.isEmpty == false, "\(database)")
    let result = try Self.findings(["a=dbname=\(icu)", "b=dbname=\(libc.name)"])
    let lines = result.all.map { "\($0["kind"] ?? "") \($0["name"] ?? "")" }.sorted()
    #expect(lines.contains("database.changed locale provider"), "\(lines)")
  }

  @Test func twoDatabasesOfOneClusterSaySoAndTheirOwnSettingsAreCompared() throws {
    let a = try TestPostgres.createDatabase("cluster_same_a")
    let b = try TestPostgres.createDatabase("cluster_same_b")
    defer {
      a.drop()
      b.drop()
    }
    try a.load("ALTER DATABASE \(a.name) SET search_path = app, public;")
    let result = try Self.findings(["a=dbname=\(a.name)", "b=dbname=\(b.name)"])
    let lines = result.all.map { "\($0["kind"] ?? "") \($0["name"] ?? "")" }
    #expect(lines == ["setting.missing search_path"], "\(lines)")
    #expect(result.document["sharedClusters"] as? [[String]] == [["b", "a"]])
    #expect(
      result.text.contains(
        "b and a are databases of one cluster: its roles and server settings are compared once,"
          + " as b's"), "\(result.text)")
    let same = try Self.findings(["a=dbname=\(b.name)", "b=dbname=\(b.name)"])
    #expect(same.all.isEmpty)
    // The suggested statement, run where it is suggested, gives b a's search path.
    let withA = try Self.findings([
      "a=dbname=\(a.name)", "b=dbname=\(b.name)", "--baseline", "a",
    ])
    let fixes = withA.all.compactMap { $0["fix"] as? String }
    #expect(fixes.count == 1, "\(withA.all)")
    try TestPostgres.runPSQL(
      database: b.name, arguments: ["-v", "ON_ERROR_STOP=1"], input: fixes.joined(separator: "\n"))
    #expect(try Self.findings(["a=dbname=\(a.name)", "b=dbname=\(b.name)"]).all.isEmpty)
  }
}
