import DriftModel
import Testing

@testable import DriftCompare

/// Environments on different PostgreSQL majors: what only the version changes is not drift,
/// and each rule still lets a real change of its kind through.
@Suite("Comparing across PostgreSQL majors")
struct VersionNormalisationTests {
  static func on(_ major: Int, _ snapshot: Snapshot) -> Snapshot {
    var result = snapshot
    result.environment.serverVersionNumber = major * 10_000 + 1
    result.environment.serverVersion = "\(major).1"
    return result
  }

  static func schema(_ tables: [Table], views: [View] = []) -> [Schema] {
    [Schema(name: "shop", owner: "app", tables: tables, views: views)]
  }

  static let ownerGrants = [
    "DELETE", "INSERT", "REFERENCES", "SELECT", "TRIGGER", "TRUNCATE", "UPDATE",
  ]

  @Test func theMaintainPrivilegeOf17IsNotDriftAgainst15ButAnyOtherGrantIs() {
    func orders(app: [String], ownerMaintain: Bool) -> Table {
      Fixture.table(
        "orders",
        privileges: [
          Privilege(
            grantee: "app", privileges: Self.ownerGrants + (ownerMaintain ? ["MAINTAIN"] : [])),
          Privilege(grantee: "reader", privileges: app),
        ])
    }
    let old = Self.on(
      15,
      Fixture.snapshot(
        "prod", schemas: Self.schema([orders(app: ["SELECT"], ownerMaintain: false)])))
    let new = Self.on(
      17,
      Fixture.snapshot("dev", schemas: Self.schema([orders(app: ["SELECT"], ownerMaintain: true)])))
    let clean = Fixture.compare([new, old])
    #expect(clean.findings.isEmpty, "\(clean.findings.map(\.statement))")
    #expect(
      clean.versions
        == VersionNormalisation(
          majors: ["dev": 17, "prod": 15],
          rules: [.viewQualification, .maintainPrivilege, .extensionDefaultVersion]))

    let changed = Self.on(
      17,
      Fixture.snapshot(
        "dev", schemas: Self.schema([orders(app: ["INSERT", "SELECT"], ownerMaintain: true)])))
    let drift = Fixture.compare([changed, old])
    #expect(drift.findings.map(\.kind.description) == ["privilege.changed"])
    #expect(drift.findings.first?.name == "reader")
    #expect(drift.findings.first?.values["dev"] == "INSERT, SELECT")

    // Between two majors that both have MAINTAIN, revoking it is drift.
    let both = Fixture.compare([
      changed,
      Self.on(
        18,
        Fixture.snapshot(
          "prod", schemas: Self.schema([orders(app: ["INSERT", "SELECT"], ownerMaintain: false)]))),
    ])
    #expect(both.findings.map(\.kind.description) == ["privilege.changed"])
    // `app` owns the table: its own rights are the owner's, whoever owns it.
    #expect(both.findings.first?.name == Privilege.ownerGrantee)
    #expect(both.findings.first?.normalised == nil)
  }

  @Test func notNullConstraintRowsOf18AreTheColumnsPropertyButANullableColumnIsStillDrift() {
    func customer(notNull: Bool, constraints: [Constraint]) -> Table {
      Fixture.table(
        "customer",
        columns: [
          Column(name: "id", position: 1, type: "bigint", notNull: true),
          Column(name: "email", position: 2, type: "text", notNull: notNull),
        ],
        constraints: constraints)
    }
    let rows = [
      Constraint(name: "customer_id_not_null", kind: .notNull, definition: "NOT NULL id"),
      Constraint(name: "customer_email_not_null", kind: .notNull, definition: "NOT NULL email"),
    ]
    let old = Self.on(
      17, Fixture.snapshot("prod", schemas: Self.schema([customer(notNull: true, constraints: [])]))
    )
    let new = Self.on(
      18,
      Fixture.snapshot("dev", schemas: Self.schema([customer(notNull: true, constraints: rows)])))
    #expect(Fixture.compare([new, old]).findings.isEmpty)

    let nullable = Self.on(
      18,
      Fixture.snapshot(
        "dev", schemas: Self.schema([customer(notNull: false, constraints: [rows[0]])])))
    let drift = Fixture.compare([nullable, old])
    #expect(drift.findings.map(\.kind.description) == ["column.changed"])
    #expect(drift.findings.first?.name == "email")

    // Between two environments on 18, a NOT NULL constraint's own name is compared.
    let named = Self.on(
      18,
      Fixture.snapshot(
        "prod",
        schemas: Self.schema([
          customer(
            notNull: true,
            constraints: [
              rows[0],
              Constraint(name: "email_required", kind: .notNull, definition: "NOT NULL email"),
            ])
        ])))
    let renamed = Fixture.compare([new, named])
    #expect(
      Set(renamed.findings.map(\.name)) == ["email_required"],
      "\(renamed.findings.map(\.statement))")
    #expect(renamed.versions == nil)
  }

  /// Expected names as PostgreSQL 18 itself chose them for these tables and columns.
  @Test func aDefaultNotNullNameIsRecognisedAsPostgreSQLShortensIt() {
    let t40 = String(repeating: "t", count: 40)
    let c40 = String(repeating: "c", count: 40)
    let e30 = String(repeating: "é", count: 30)
    #expect(
      VersionNormaliser.objectName(t40, c40, label: "not_null")
        == String(repeating: "t", count: 27) + "_" + String(repeating: "c", count: 26) + "_not_null"
    )
    #expect(
      VersionNormaliser.objectName(t40, e30, label: "not_null")
        == String(repeating: "t", count: 27) + "_" + String(repeating: "é", count: 13) + "_not_null"
    )
    #expect(
      VersionNormaliser.objectName(e30, "x", label: "not_null")
        == String(repeating: "é", count: 26) + "_x_not_null")
    #expect(
      VersionNormaliser.isDefaultNotNullName("orders_id_not_null1", table: "orders", column: "id"))
    #expect(!VersionNormaliser.isDefaultNotNullName("id_required", table: "orders", column: "id"))
  }

  @Test func viewsPrintedWithoutQualificationBy16AreTheSameViewButAChangedViewIsNot() {
    func view(_ definition: String) -> View {
      View(name: "big_customers", definition: definition, owner: "app")
    }
    let fifteen =
      "SELECT customer.id, customer.email FROM shop.customer WHERE (customer.score > 90);"
    let sixteen = "SELECT id, email FROM shop.customer WHERE (score > 90);"
    let old = Self.on(
      15, Fixture.snapshot("prod", schemas: Self.schema([], views: [view(fifteen)])))
    let new = Self.on(16, Fixture.snapshot("dev", schemas: Self.schema([], views: [view(sixteen)])))
    #expect(Fixture.compare([new, old]).findings.isEmpty)

    let changed = Self.on(
      16,
      Fixture.snapshot(
        "dev",
        schemas: Self.schema(
          [], views: [view("SELECT id, email FROM shop.customer WHERE (score > 80);")])))
    let drift = Fixture.compare([changed, old])
    #expect(drift.findings.map(\.kind.description) == ["view.changed"])
    #expect(drift.findings.first?.normalised == .viewQualification)
    #expect(drift.findings.first?.values["prod"] == fifteen, "the server's own text is shown")

    // Two majors from 16 on print the same text: compared as it is.
    let same = Fixture.compare([
      changed,
      Self.on(18, Fixture.snapshot("prod", schemas: Self.schema([], views: [view(sixteen)]))),
    ])
    #expect(same.findings.first?.normalised == nil)
    #expect(same.findings.count == 1)
  }

  /// Each pair is a view's text as PostgreSQL 15 and 16 printed it (captured from both servers),
  /// or a case built the same way.
  @Test(arguments: [
    (
      "SELECT q.x, q.y AS why FROM a q WHERE (q.y ~~ 'x%'::text) GROUP BY q.x, q.y HAVING (count(*) > 1);",
      "SELECT x, y AS why FROM a q WHERE (y ~~ 'x%'::text) GROUP BY x, y HAVING (count(*) > 1);"
    ),
    (
      "SELECT CASE WHEN (a.x > 1) THEN a.y ELSE 'n'::text END AS c, count(*) FILTER (WHERE (a.x > 0)) AS count FROM a GROUP BY CASE WHEN (a.x > 1) THEN a.y ELSE 'n'::text END;",
      "SELECT CASE WHEN (x > 1) THEN y ELSE 'n'::text END AS c, count(*) FILTER (WHERE (x > 0)) AS count FROM a GROUP BY CASE WHEN (x > 1) THEN y ELSE 'n'::text END;"
    ),
    (
      "WITH t AS ( SELECT a.x FROM a ) SELECT t.x FROM t;",
      "WITH t AS ( SELECT a.x FROM a ) SELECT x FROM t;"
    ),
    (
      "SELECT DISTINCT ON (a.y) a.y, a.x FROM a ORDER BY a.y, a.x DESC;",
      "SELECT DISTINCT ON (y) y, x FROM a ORDER BY y, x DESC;"
    ),
    (
      "SELECT a.x FROM a WHERE (EXISTS ( SELECT 1 FROM b WHERE (b.x = a.x)));",
      "SELECT x FROM a WHERE (EXISTS ( SELECT 1 FROM b WHERE (b.x = a.x)));"
    ),
    (
      "SELECT s.x FROM ( SELECT a.x FROM a) s;",
      "SELECT x FROM ( SELECT a.x FROM a) s;"
    ),
    (
      "SELECT g.g FROM generate_series(1, 3) g(g);",
      "SELECT g FROM generate_series(1, 3) g(g);"
    ),
    (
      "SELECT a.x, s.n FROM a, LATERAL ( SELECT (a.x + 1) AS n) s;",
      "SELECT a.x, s.n FROM a, LATERAL ( SELECT (a.x + 1) AS n) s;"
    ),
    (
      "SELECT a.x FROM a WHERE (a.x IN ( SELECT b.x FROM b));",
      "SELECT x FROM a WHERE (x IN ( SELECT b.x FROM b));"
    ),
    (
      "SELECT a.x FROM a UNION SELECT b.x FROM b;",
      "SELECT a.x FROM a UNION SELECT b.x FROM b;"
    ),
    (
      "SELECT v.c FROM ( VALUES (1), (2)) v(c);",
      "SELECT c FROM ( VALUES (1), (2)) v(c);"
    ),
    (
      "SELECT a.x, row_number() OVER (PARTITION BY a.y ORDER BY a.x) AS row_number FROM a ORDER BY a.x;",
      "SELECT x, row_number() OVER (PARTITION BY y ORDER BY x) AS row_number FROM a ORDER BY x;"
    ),
    (
      "SELECT \"Order\".id FROM public.\"Order\";",
      "SELECT id FROM public.\"Order\";"
    ),
    (
      "SELECT orders.customer_id, sum((orders.amount)::numeric) AS total, count(*) AS orders FROM shop.orders GROUP BY orders.customer_id;",
      "SELECT customer_id, sum((amount)::numeric) AS total, count(*) AS orders FROM shop.orders GROUP BY customer_id;"
    ),
    (
      "SELECT o.id FROM shop.orders o WHERE (o.note = 'o.id');",
      "SELECT id FROM shop.orders o WHERE (note = 'o.id');"
    ),
  ])
  func viewTextLosesQualificationOnlyWhereSixteenDropsIt(before: String, after: String) {
    #expect(ViewText.withoutSingleRelationQualification(before) == after)
  }

  @Test func anExtensionAtEachServersDefaultIsTheSameButOneLeftBehindIsNot() {
    let old = Self.on(
      15,
      Fixture.snapshot(
        "prod",
        extensions: [
          Extension(name: "citext", version: "1.6", schema: "public", defaultVersion: "1.6")
        ]))
    let new = Self.on(
      18,
      Fixture.snapshot(
        "dev",
        extensions: [
          Extension(name: "citext", version: "1.8", schema: "public", defaultVersion: "1.8")
        ]))
    #expect(Fixture.compare([new, old]).findings.isEmpty)

    let behind = Self.on(
      18,
      Fixture.snapshot(
        "dev",
        extensions: [
          Extension(name: "citext", version: "1.6", schema: "public", defaultVersion: "1.8")
        ]))
    let drift = Fixture.compare([
      behind,
      Self.on(
        18,
        Fixture.snapshot(
          "prod",
          extensions: [
            Extension(name: "citext", version: "1.8", schema: "public", defaultVersion: "1.8")
          ])),
    ])
    #expect(drift.findings.map(\.kind.description) == ["extension.changed"])
    let acrossMajors = Fixture.compare([behind, old])
    #expect(acrossMajors.findings.map(\.kind.description) == ["extension.changed"])
    #expect(acrossMajors.findings.first?.normalised == .extensionDefaultVersion)
  }

  @Test func oneMajorNeedsNoRuleAndSaysNothing() {
    let comparison = Fixture.compare([
      Self.on(15, Fixture.snapshot("dev")), Self.on(15, Fixture.snapshot("prod")),
    ])
    #expect(comparison.versions == nil)
    #expect(VersionRule.needed(for: [15]) == [])
    #expect(VersionRule.needed(for: [16, 17]) == [.maintainPrivilege, .extensionDefaultVersion])
    #expect(VersionRule.needed(for: [17, 18]) == [.notNullConstraints, .extensionDefaultVersion])
  }
}
