import Foundation
import TestSupport
import Testing

/// Flyway, golang-migrate and Rails tables compared with their own meaning, on real tables.
@Suite("Other frameworks' migration tables", .enabled(if: TestPostgres.isAvailable))
struct FrameworkHistoryTests {
  static func script(checksum: Int, secondSucceeded: Bool, dirty: Bool, rails: String) -> String {
    """
    CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50),
      description varchar(200), type varchar(20), script varchar(1000), checksum int,
      installed_by varchar(100), installed_on timestamp, execution_time int, success boolean);
    INSERT INTO flyway_schema_history VALUES
      (1, '1', 'init', 'SQL', 'V1__init.sql', \(checksum), 'me', '2025-01-02 03:04:05', 10, true),
      (2, '2', 'more', 'SQL', 'V2__more.sql', 5, 'me', '2025-01-03 03:04:05', 10, \(secondSucceeded));
    CREATE SCHEMA go;
    CREATE TABLE go.schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL);
    INSERT INTO go.schema_migrations VALUES (20250101120000, \(dirty));
    CREATE SCHEMA rails;
    CREATE TABLE rails.schema_migrations (version varchar PRIMARY KEY);
    INSERT INTO rails.schema_migrations VALUES ('20250101000000');
    CREATE TABLE rails.ar_internal_metadata (key varchar PRIMARY KEY, value varchar);
    INSERT INTO rails.ar_internal_metadata VALUES ('environment', '\(rails)');
    """
  }

  static func findings(_ result: Subprocess.Result) throws -> [[String: Any]] {
    let document =
      try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
    return try #require(document?["findings"] as? [[String: Any]])
  }

  @Test func checksumsFailuresAndDirtyVersionsAreEachOneFindingOfTheRightKind() throws {
    let dev = try TestPostgres.createDatabase("frameworks_dev")
    defer { dev.drop() }
    let prod = try TestPostgres.createDatabase("frameworks_prod")
    defer { prod.drop() }
    try dev.load(Self.script(checksum: 111, secondSucceeded: true, dirty: false, rails: "staging"))
    try prod.load(
      Self.script(checksum: 222, secondSucceeded: false, dirty: true, rails: "production"))

    let same = try Envdrift.run([
      "compare", "a=dbname=\(dev.name)", "b=dbname=\(dev.name)", "--format", "json",
    ])
    #expect(same.status == 0, "\(same.output)\(same.error)")

    let result = try Envdrift.run([
      "compare", "dev=dbname=\(dev.name)", "prod=dbname=\(prod.name)", "--baseline", "dev",
      "--format", "json",
    ])
    #expect(result.status == 1, "\(result.error)")
    let findings = try Self.findings(result)
    let summary = findings.map {
      "\($0["kind"] ?? "") \($0["schema"] ?? "") \($0["name"] ?? "") \($0["severity"] ?? "")"
    }.sorted()
    #expect(
      summary
        == [
          "migration.changed go version error",
          "migration.changed public flyway.1 error",
          "migration.changed public flyway.2 error",
          "migration.failed go schema_migrations.20250101120000 error",
          "migration.failed public flyway.2 error",
        ].sorted(), "\(summary)")
    let checksum = try #require(findings.first { $0["name"] as? String == "flyway.1" })
    let values = try #require(checksum["values"] as? [String: Any])
    #expect(values["dev"] as? String == "applied 2025-01-02T03:04:05Z, checksum 111")
    #expect(values["prod"] as? String == "applied 2025-01-02T03:04:05Z, checksum 222")
    let failed = try #require(
      findings.first {
        $0["kind"] as? String == "migration.failed" && $0["schema"] as? String == "public"
      })
    #expect(failed["environment"] as? String == "prod")
    #expect((failed["message"] as? String)?.contains("flyway repair") == true)

    let markdown = try Envdrift.run([
      "compare", "dev=dbname=\(dev.name)", "prod=dbname=\(prod.name)", "--baseline", "dev",
      "--output", "-",
    ])
    #expect(markdown.output.contains("Rails environment `production`"))
    #expect(markdown.output.contains("Rails environment `staging`"))
    #expect(markdown.output.contains("golang-migrate left version `20250101120000` dirty in prod"))
  }
}
