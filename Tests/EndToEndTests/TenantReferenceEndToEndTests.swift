import Foundation
import TestSupport
import Testing

@Suite("Tenant references on a real database", .enabled(if: TestPostgres.isAvailable))
struct TenantReferenceEndToEndTests {
  /// `beta` changed by hand (an extra column), `alpha` without the billing app, `zeta` healthy:
  /// the shape vote ties `beta` and `zeta`, and `beta` sorts first.
  static let script = """
    CREATE FUNCTION pg_temp.tenant(name text, billing boolean, extra boolean) RETURNS void
    LANGUAGE plpgsql AS $$ BEGIN
      EXECUTE format('CREATE SCHEMA %I', name);
      EXECUTE format('CREATE TABLE %I.django_migrations (id bigserial PRIMARY KEY,
        app varchar(255) NOT NULL, name varchar(255) NOT NULL, applied timestamptz NOT NULL)', name);
      IF billing THEN
        EXECUTE format('CREATE TABLE %I.billing_invoice (id bigserial PRIMARY KEY,
          total numeric NOT NULL)', name);
        EXECUTE format('INSERT INTO %I.django_migrations (app, name, applied)
          VALUES (''billing'', ''0001_initial'', ''2025-11-01 10:00+00'')', name);
      END IF;
      IF extra THEN
        EXECUTE format('ALTER TABLE %I.billing_invoice ADD COLUMN hand_note text', name);
      END IF;
    END $$;
    SELECT pg_temp.tenant('alpha', false, false);
    SELECT pg_temp.tenant('beta', true, true);
    SELECT pg_temp.tenant('zeta', true, false);
    """

  @Test func theSameDatabaseGivesByteIdenticalJSONLiveAndFromAFileEveryTime() throws {
    let database = try TestPostgres.createDatabase("tenant_reference")
    defer { database.drop() }
    try database.load(Self.script)
    let directory = try Envdrift.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("prod.json").path
    let now = "2026-11-21T03:00:00Z"
    let saved = try Envdrift.run([
      "snapshot", "prod=dbname=\(database.name)", "--now", now, "--output", file,
    ])
    #expect(saved.status == 0, "\(saved.error)")
    var outputs = Set<String>()
    for run in 0..<12 {
      let source = run.isMultiple(of: 2) ? "prod=dbname=\(database.name)" : "prod=\(file)"
      let result = try Envdrift.run(["tenants", source, "--format", "json", "--now", now])
      #expect(result.status == 1, "\(result.error)")
      outputs.insert(
        result.output.replacingOccurrences(of: "postgresql:///\(database.name)", with: "SOURCE"))
    }
    #expect(outputs.count == 1, "\(outputs.count) different documents")
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(outputs.first?.utf8 ?? "".utf8))
        as? [String: Any])
    let environment = try #require((document["environments"] as? [[String: Any]])?.first)
    let reference = try #require(environment["tenantReference"] as? [String: Any])
    #expect(reference["schema"] as? String == "beta")
    #expect(reference["reason"] as? String == "name")
    let markdown = try Envdrift.run([
      "tenants", "prod=\(file)", "--output", "-", "--now", now,
    ])
    #expect(
      markdown.output.contains(
        "compared with the reference schema `beta` (tied on every rule; the first by name)"))
  }
}
