import DriftCompare
import DriftModel
import Foundation
import TestSupport
import Testing

@testable import DriftReport

@Suite("Wording findings and causes")
struct WordingTests {
  @Test func aMissingObjectNamesWhereItIsAbsentAndWhereItIsPresent() {
    let text = Wording.sentence(
      .difference(
        object: .column, place: .init(schema: "public", table: "orders", name: "total"),
        aspect: .definition, change: .missing, values: ["dev": nil, "uat": nil, "prod": "numeric"],
        order: ["dev", "uat", "prod"], baseline: "prod", scope: .environments))
    #expect(
      text == "column `public.orders.total` is missing in dev and uat; present in prod (baseline)")
  }

  @Test func aChangedPropertyListsEverySidesValueAndTenantsSpeakOfTheReferenceSchema() {
    let text = Wording.sentence(
      .difference(
        object: .table, place: .init(schema: "demo", table: nil, name: "invoice"),
        aspect: .owner, change: .changed, values: ["acme": "app", "demo": nil],
        order: ["acme", "demo"], baseline: "acme", scope: .tenants))
    #expect(
      text
        == "the owner of table `demo.invoice` differs: acme (reference schema) has `app`;"
        + " demo has nothing")
  }

  @Test func aMigrationAppliedWhereTheBaselineLacksItSaysWhenAndWarnsAboutTheRename() {
    let text = Wording.sentence(
      .renamedByMigration(
        migration: "tenants.0006_rename",
        appliedIn: [
          .init(environment: "dev", at: "2025-11-29T21:41:07Z"), .init(environment: "uat", at: nil),
        ], baselineLacking: "prod", name: "old_idx", renamedTo: "new_idx", sides: ["dev", "uat"]))
    #expect(
      text
        == "dev on 2025-11-29 21:41 UTC applied `tenants.0006_rename`; prod has no row for it, so"
        + " `old_idx` is `new_idx` in dev and uat. A RenameIndex assumes the old name exists: make"
        + " it idempotent (IF EXISTS) before promoting it")
  }

  @Test func longListsOfSchemasAreCutAfterFiveAndCounted() {
    let schemas = (1...7).map { "t\($0)" }
    #expect(
      Wording.sentence(
        .duplicateTable(table: "x", schemas: schemas, environment: "uat", migration: "a.0001")
      )
      .hasPrefix("table `x` (in 7 schemas: `t1`, `t2`, `t3`, `t4`, `t5` and 2 more) exists in uat"))
    #expect(
      Wording.sentence(
        .behindCode(environment: "dev", source: "./app", migrations: ["a.1"], schemas: schemas))
        == "dev is behind the code (`./app`): 1 migration pending in 7 schemas (`t1`, `t2`, `t3`,"
        + " `t4`, `t5` and 2 more) — `a.1`")
  }

  /// Every statement with a hostile name or text, each worded: nothing it holds becomes
  /// Markdown or HTML (a name is a code span; free text such as a reason is escaped prose).
  @Test(arguments: ["<img src=QQ>|<b>QQ</b>", "x`<img src=QQ>`|*QQ*``", "QQ\n# QQ"])
  func aHostileNameIsAlwaysACodeSpan(name: String) throws {
    guard CommonMark.checksRun else { return }
    for statement in Self.statements(naming: name) {
      let text = Wording.sentence(statement)
      let html = try CommonMark.html(text, unsafe: true)
      #expect(Set(CommonMark.tags(in: html).map(\.name)).isSubset(of: ["p", "code"]), "\(text)")
      #expect(html.contains("QQ"), "\(text)")
    }
  }

  static func statements(naming name: String) -> [Statement] {
    [
      .difference(
        object: .index, place: .init(schema: name, table: name, name: name), aspect: .comment,
        change: .changed, values: ["dev": name, "prod": nil], order: ["dev", "prod"],
        baseline: "prod", scope: .environments),
      .dependencyDiffers(
        object: .view, place: .init(schema: name, table: nil, name: name), dependency: name),
      .renamed(
        object: .index, name: name, table: name, renamedTo: name, sides: ["dev"],
        baseline: "prod", scope: .environments),
      .pendingMigration(migration: name, environment: "dev", schema: name),
      .ghostMigration(migration: name, environment: "dev", schema: name),
      .unfulfilledMigration(migration: name, environment: "dev", schema: name, effect: name),
      .unexplainedObject(object: .table, name: name, environment: "dev", schema: name),
      .inconsistentMigration(migration: name, environment: "dev", schema: name, dependency: name),
      .hazard(
        migration: name, environment: "dev", schema: name, operation: name, error: "E",
        problem: name),
      .failedMigration(
        framework: .flyway, version: name, description: name, environment: "dev", schema: name),
      .failedMigration(
        framework: .golangMigrate, version: name, description: nil, environment: "dev",
        schema: name),
      .appliedWithoutEffect(migration: name, environment: "dev", schema: name),
      .renamedByHand(name: name, renamedTo: name, sides: ["dev"]),
      .renamedByMigration(
        migration: name, appliedIn: [.init(environment: "dev", at: name)], baselineLacking: nil,
        name: name, renamedTo: name, sides: ["dev"]),
      .duplicateTable(table: name, schemas: [name], environment: "dev", migration: name),
      .duplicateTable(table: name, schemas: [name, name], environment: "dev", migration: name),
      .explainedByMigration(migration: name, recordedIn: ["dev"], missingIn: ["prod"]),
      .changedOutsideMigrations(app: name),
      .differencesOutsideMigrations(count: 2, app: name, tenantsOf: nil),
      .missingMigration(
        migration: name, missingIn: ["prod"], schemas: [name],
        appliedIn: [.init(environment: "dev", at: name)]),
      .tenantsWithoutApp(
        tenants: [name], environment: "dev", app: name, count: 1, reference: name),
      .unreadRelation(environment: "dev", schema: name, name: name, reason: name),
      .unreadableMigrationTable(environment: "dev", schema: name, name: name, reason: name),
      .acceptanceExpired(rule: name, until: "2026-01-01", reason: name),
      .hazardIn(
        environment: "dev", migration: name, schemas: [name], operation: name, error: "E",
        problem: name),
      .unfulfilledIn(environment: "dev", migration: name, schemas: [name], effect: name),
      .inconsistentIn(environment: "dev", migration: name, schemas: [name], dependency: name),
      .behindCode(environment: "dev", source: name, migrations: [name], schemas: [name]),
      .aheadOfCode(environment: "dev", source: name, migrations: [name]),
      .unreadableCode(source: name, problems: [CodeProblem(file: name, reason: name)]),
    ]
  }

  @Test func theJSONDocumentKeepsEveryContractFieldAndWordsEachStatement() throws {
    let prod = Snapshot(
      environment: EnvironmentInfo(name: "prod", source: "prod"),
      schemas: [Schema(name: "billing")])
    let dev = Snapshot(environment: EnvironmentInfo(name: "dev", source: "dev"))
    let comparison = Comparer().compare(
      [.init(snapshot: dev), .init(snapshot: prod)], baseline: "prod",
      generatedAt: "2026-11-21T03:00:00Z")
    let text = try ReportRenderer.json(comparison)
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    for key in ["formatVersion", "generatedAt", "baseline", "environments", "findings", "causes"] {
      #expect(object[key] != nil, "missing \(key)")
    }
    #expect(object["overview"] == nil)
    let finding = try #require((object["findings"] as? [[String: Any]])?.first)
    for key in ["kind", "schema", "table", "name", "values", "severity", "message", "scope"] {
      #expect(finding.keys.contains(key), "missing \(key)")
    }
    #expect(finding["kind"] as? String == "schema.missing")
    #expect(finding["table"] is NSNull)
    #expect(
      finding["message"] as? String
        == "schema `billing` is missing in dev; present in prod (baseline)")
    let values = try #require(finding["values"] as? [String: Any])
    #expect(values["dev"] is NSNull)
  }
}
