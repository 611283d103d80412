import Foundation
import TestSupport
import Testing

/// `envdrift compare` on grants of every kind: a pair of databases that differ in one grant
/// gives exactly that finding, and an identical pair none.
@Suite("Privileges of every kind", .enabled(if: TestPostgres.isAvailable), .serialized)
struct PrivilegeDriftTests {
  /// The objects both databases hold.
  static let objects = """
    CREATE TABLE invoices (id int, due_on date);
    CREATE VIEW open_invoices AS SELECT id FROM invoices;
    CREATE MATERIALIZED VIEW invoice_totals AS SELECT count(*) AS n FROM invoices;
    CREATE SEQUENCE invoice_no;
    CREATE FUNCTION total_of(integer) RETURNS integer LANGUAGE sql AS 'SELECT 1';
    CREATE PROCEDURE recalculate() LANGUAGE sql AS 'SELECT 1';
    CREATE TYPE mood AS ENUM ('ok');
    CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
    CREATE SCHEMA billing;
    CREATE FOREIGN DATA WRAPPER billing_fdw;
    CREATE SERVER billing_remote FOREIGN DATA WRAPPER billing_fdw;
    """

  /// One difference each: the statement only the second database runs, and the finding it
  /// must give (`kind`, and what its name ends with).
  static func cases(role: String) -> [(statement: String, kind: String, name: String)] {
    [
      ("GRANT SELECT ON invoices TO \(role)", "privilege.missing", "invoices.\(role)"),
      ("GRANT UPDATE (due_on) ON invoices TO \(role)", "privilege.missing", "due_on.\(role)"),
      ("GRANT SELECT ON open_invoices TO \(role)", "privilege.missing", "open_invoices.\(role)"),
      ("GRANT SELECT ON invoice_totals TO \(role)", "privilege.missing", "invoice_totals.\(role)"),
      ("GRANT USAGE ON SEQUENCE invoice_no TO \(role)", "privilege.missing", "invoice_no.\(role)"),
      (
        "REVOKE EXECUTE ON FUNCTION total_of(integer) FROM PUBLIC", "privilege.missing",
        "total_of(integer).PUBLIC"
      ),
      (
        "GRANT EXECUTE ON PROCEDURE recalculate() TO \(role)", "privilege.missing",
        "recalculate().\(role)"
      ),
      ("REVOKE USAGE ON TYPE mood FROM PUBLIC", "privilege.missing", "mood.PUBLIC"),
      ("GRANT USAGE ON DOMAIN positive TO \(role)", "privilege.missing", "positive.\(role)"),
      ("GRANT USAGE ON SCHEMA billing TO \(role)", "privilege.missing", "billing.\(role)"),
      (
        "GRANT USAGE ON FOREIGN SERVER billing_remote TO \(role)", "privilege.missing",
        "billing_remote.\(role)"
      ),
      (
        "GRANT USAGE ON FOREIGN DATA WRAPPER billing_fdw TO \(role)", "privilege.missing",
        "billing_fdw.\(role)"
      ),
      ("REVOKE USAGE ON LANGUAGE plpgsql FROM PUBLIC", "privilege.missing", "plpgsql.PUBLIC"),
      (
        "DO $$ BEGIN EXECUTE format('GRANT CREATE ON DATABASE %I TO \(role)',"
          + " current_database()); END $$", "privilege.missing", "(database).\(role)"
      ),
      (
        "ALTER DEFAULT PRIVILEGES IN SCHEMA billing GRANT SELECT ON TABLES TO \(role)",
        "default_privilege.missing", "tables to \(role)"
      ),
      (
        "ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC",
        "default_privilege.missing", "functions to PUBLIC"
      ),
    ]
  }

  /// The findings of comparing `a` with `b`, as `kind name` lines, with their severities.
  static func findings(_ a: TestDatabase, _ b: TestDatabase) throws -> [(String, String, String)] {
    let findings = try Envdrift.findings(comparing: "dbname=\(a.name)", with: "dbname=\(b.name)")
    return findings.map { finding in
      let parts = [finding["schema"], finding["table"], finding["name"]].compactMap {
        $0 as? String
      }
      return (
        finding["kind"] as? String ?? "", parts.joined(separator: "."),
        finding["severity"] as? String ?? ""
      )
    }
  }

  @Test func eachKindOfGrantIsOneInfoFindingAndNoneWhenEqual() throws {
    let role = "drift_role_\(UUID().uuidString.prefix(6).lowercased())"
    try TestPostgres.runPSQL(database: "postgres", arguments: ["-c", "CREATE ROLE \(role)"])
    defer {
      _ = try? TestPostgres.runPSQL(
        database: "postgres", arguments: ["-c", "DROP ROLE IF EXISTS \(role)"])
    }
    let base = try TestPostgres.createDatabase("privilege_base", sql: Self.objects)
    defer { base.drop() }
    #expect(try Self.findings(base, base).isEmpty)
    for (statement, kind, name) in Self.cases(role: role) {
      let other = try TestPostgres.createDatabase(
        "privilege_other", sql: Self.objects + statement + ";")
      defer {
        other.drop()
        _ = try? TestPostgres.runPSQL(
          database: "postgres", arguments: ["-c", "DROP OWNED BY \(role)"])
      }
      let found = try Self.findings(base, other)
      #expect(found.count == 1, "\(statement): \(found)")
      #expect(found.first?.0 == kind, "\(statement): \(found)")
      #expect(found.first?.1.hasSuffix(name) == true, "\(statement): \(found)")
      #expect(found.first?.2 == "info", "\(statement): \(found)")
    }
  }

  @Test func aRemovedGrantOptionIsOneChangedFinding() throws {
    let role = "drift_grant_\(UUID().uuidString.prefix(6).lowercased())"
    try TestPostgres.runPSQL(database: "postgres", arguments: ["-c", "CREATE ROLE \(role)"])
    let with = try TestPostgres.createDatabase(
      "privilege_with",
      sql: Self.objects + "GRANT SELECT ON invoices TO \(role) WITH GRANT OPTION;")
    let without = try TestPostgres.createDatabase(
      "privilege_without", sql: Self.objects + "GRANT SELECT ON invoices TO \(role);")
    defer {
      with.drop()
      without.drop()
      _ = try? TestPostgres.runPSQL(
        database: "postgres", arguments: ["-c", "DROP ROLE IF EXISTS \(role)"])
    }
    let found = try Self.findings(with, without)
    #expect(found.map(\.0) == ["privilege.changed"], "\(found)")
    #expect(found.first?.1.hasSuffix("invoices.\(role)") == true)
  }

  @Test func aChangedOwnerIsTheOwnerFindingAloneNotItsGrants() throws {
    let role = "drift_owner_\(UUID().uuidString.prefix(6).lowercased())"
    try TestPostgres.runPSQL(database: "postgres", arguments: ["-c", "CREATE ROLE \(role)"])
    let base = try TestPostgres.createDatabase("privilege_owner_a", sql: Self.objects)
    let owned = try TestPostgres.createDatabase(
      "privilege_owner_b",
      sql: Self.objects + "ALTER FUNCTION total_of(integer) OWNER TO \(role);")
    defer {
      base.drop()
      owned.drop()
      _ = try? TestPostgres.runPSQL(
        database: "postgres", arguments: ["-c", "DROP ROLE IF EXISTS \(role)"])
    }
    let found = try Self.findings(base, owned)
    #expect(found.map(\.0) == ["function.changed"], "\(found)")
  }

  @Test func theSuggestedGrantsGiveTheDriftedSideTheBaselinesAndNothingIsRevoked() throws {
    // A role name that needs quoting in every statement.
    let role = "drift \"app\" --\(UUID().uuidString.prefix(6).lowercased())"
    let quoted = "\"" + role.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    try TestPostgres.runPSQL(database: "postgres", arguments: ["-c", "CREATE ROLE \(quoted)"])
    defer {
      _ = try? TestPostgres.runPSQL(
        database: "postgres",
        arguments: ["-c", "DROP OWNED BY \(quoted); DROP ROLE IF EXISTS \(quoted)"])
    }
    // Every case as the side that has more: grants where it grants, nothing where the case
    // revokes (the other side then runs the revoke).
    let cases = Self.cases(role: quoted).map(\.statement)
    let more = cases.filter { !$0.contains("REVOKE") }.joined(separator: ";\n") + ";"
    let less = cases.filter { $0.contains("REVOKE") }.joined(separator: ";\n") + ";"
    for (baseline, drifted, baselineHasMore) in [(more, less, true), (less, more, false)] {
      let a = try TestPostgres.createDatabase("privilege_fix_a", sql: Self.objects + baseline)
      let b = try TestPostgres.createDatabase("privilege_fix_b", sql: Self.objects + drifted)
      defer {
        a.drop()
        b.drop()
      }
      let findings = try Envdrift.findings(
        comparing: "dbname=\(a.name)", with: "dbname=\(b.name)")
      #expect(findings.count == Self.cases(role: quoted).count)
      let fixes = findings.compactMap { $0["fix"] as? String }
      guard baselineHasMore else {
        // The drifted side has grants the baseline lacks: reported, never revoked for the user.
        #expect(fixes.isEmpty, "\(fixes)")
        continue
      }
      #expect(fixes.count == findings.count, "\(findings)")
      try TestPostgres.runPSQL(
        database: b.name, arguments: ["-v", "ON_ERROR_STOP=1"],
        input: fixes.joined(separator: "\n"))
      #expect(try Self.findings(a, b).isEmpty, "\(fixes)")
    }
  }
}
