import DriftCompare
import DriftModel
import DriftReport
import Testing

@Suite("Explaining a privilege error from snapshots")
struct PrivilegeExplainerTests {
  /// An environment whose table `invoices` is in `schemas`, owned by `owner`, with `grants`.
  static func environment(
    _ name: String, owner: String = "postgres", grants: [Privilege], schemas: [String] = ["public"]
  ) -> CollectedEnvironment {
    var snapshot = Self.snapshot(
      name,
      schemas: schemas.map {
        Schema(name: $0, owner: "postgres", tables: [Table(name: "invoices", owner: owner)])
      })
    snapshot.namesOnly = Dictionary(
      uniqueKeysWithValues: schemas.map {
        ($0, SchemaNames(relations: ["invoices": SchemaNames.Relation(kind: .table)]))
      })
    snapshot.access = schemas.map {
      ObjectAccess(
        schema: $0, name: "invoices", kind: "table", owner: owner,
        grants: [Privilege(grantee: owner, privileges: ["INSERT", "SELECT"])] + grants)
    }
    return CollectedEnvironment(snapshot: snapshot)
  }

  static func snapshot(_ name: String, schemas: [Schema]) -> Snapshot {
    Snapshot(
      environment: EnvironmentInfo(
        name: name, source: "postgresql://\(name)-db/app", serverVersion: "15.18",
        serverVersionNumber: 150_018, collectedAt: "2026-11-21T03:00:00Z"),
      schemas: schemas)
  }

  static func explain(_ message: String, _ environments: [CollectedEnvironment]) throws
    -> Explanation
  {
    let error = try #require(ErrorText.errors(in: message).first)
    return Explainer().explain(error, in: environments)
  }

  @Test func aGrantOneEnvironmentLacksIsNamedWithWhereItIsGranted() throws {
    let explanation = try Self.explain(
      "ERROR:  permission denied for table invoices",
      [
        Self.environment(
          "dev", grants: [Privilege(grantee: "app", privileges: ["INSERT", "SELECT"])]),
        Self.environment("prod", grants: [Privilege(grantee: "app", privileges: ["SELECT"])]),
      ])
    #expect(
      explanation.missingGrants == [
        Explanation.MissingGrant(
          environment: "prod", schemas: ["public"], grantee: "app", privileges: ["INSERT"],
          grantedIn: ["dev"])
      ])
    #expect(explanation.expectedOwner == nil)
    #expect(explanation.access.map(\.owner) == ["postgres", "postgres"])
  }

  @Test func theOwnersOwnRightsCompareAsTheOwnersWhoeverOwnsIt() throws {
    let explanation = try Self.explain(
      "ERROR:  must be owner of table invoices",
      [
        Self.environment("dev", grants: []),
        Self.environment("uat", grants: []),
        Self.environment("prod", owner: "root", grants: []),
      ])
    #expect(explanation.missingGrants.isEmpty)
    #expect(explanation.expectedOwner == "postgres")
    let text = try ExplainRenderer.render([explanation], format: .text)
    #expect(text.contains("in prod (public) invoices is owned by root, elsewhere by postgres"))
    #expect(text.contains("ALTER TABLE public.invoices OWNER TO postgres;"))
    #expect(!text.contains("in dev (public) invoices is owned"))
  }

  @Test func anOwnerTieGoesToTheEarliestEnvironmentGiven() throws {
    let explanation = try Self.explain(
      "ERROR:  must be owner of table invoices",
      [
        Self.environment("dev", owner: "deployer", grants: []),
        Self.environment("prod", owner: "root", grants: []),
      ])
    #expect(explanation.expectedOwner == "deployer")
  }

  @Test func manyTenantsGetOneLoopWithEveryNameQuotedAndNoGrantToPublic() throws {
    let tenants = (1...7).map { "t\($0)" } + ["o'brien\"; DROP TABLE x; --"]
    let explanation = try Self.explain(
      "ERROR:  permission denied for table invoices",
      [
        Self.environment(
          "dev",
          grants: [
            Privilege(grantee: "app\"--", privileges: ["SELECT"]),
            Privilege(grantee: "PUBLIC", privileges: ["SELECT"]),
          ], schemas: tenants),
        Self.environment("prod", grants: [], schemas: tenants),
      ])
    let text = try ExplainRenderer.render([explanation], format: .text)
    #expect(text.contains("DO $"))
    #expect(text.contains("'o''brien\"; DROP TABLE x; --'"))
    #expect(text.contains("'app\"--'"))
    #expect(!text.contains("TO PUBLIC"))
    #expect(text.contains("grant it to PUBLIC, everyone"))
  }

  @Test func aSnapshotFilesUnrecordedGrantsAreSaidUnknownNotMissing() throws {
    var file = Self.snapshot(
      "prod",
      schemas: [
        Schema(
          name: "public", owner: "postgres",
          views: [View(name: "totals", definition: "SELECT 1", owner: "postgres")])
      ])
    file.namesOnly = nil
    let live = Self.environment("dev", grants: [Privilege(grantee: "app", privileges: ["SELECT"])])
    let error = try #require(ErrorText.errors(in: "permission denied for view totals").first)
    var withView = live
    withView.snapshot?.namesOnly = [
      "public": SchemaNames(relations: ["totals": SchemaNames.Relation(kind: .view)])
    ]
    withView.snapshot?.access = [
      ObjectAccess(
        schema: "public", name: "totals", kind: "view", owner: "postgres",
        grants: [Privilege(grantee: "app", privileges: ["SELECT"])])
    ]
    let explanation = Explainer().explain(
      error, in: [withView, CollectedEnvironment(snapshot: file)])
    #expect(explanation.access.last?.grants == nil)
    #expect(explanation.missingGrants.isEmpty)
  }
}
