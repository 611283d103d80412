import DriftCompare
import DriftModel
import Testing

@Suite("Reading error messages")
struct ErrorTextTests {
  @Test(arguments: [
    "ERROR:  relation \"tenants_ten_domain_6df599_idx\" does not exist",
    "psycopg2.errors.UndefinedTable: relation \"tenants_ten_domain_6df599_idx\" does not exist",
    "django.db.utils.ProgrammingError: relation \"tenants_ten_domain_6df599_idx\" does not exist",
    "relation \"tenants_ten_domain_6df599_idx\" does not exist",
    "2025-11-29 21:41:07 UTC [31] ERROR:  relation \"tenants_ten_domain_6df599_idx\" does not exist",
  ])
  func anUndefinedRelationIsReadInLibpqPsycopgAndDjangoWording(line: String) throws {
    let errors = ErrorText.errors(in: line)
    #expect(errors.count == 1)
    let error = try #require(errors.first)
    #expect(error.kind == .undefinedRelation)
    #expect(error.name == "tenants_ten_domain_6df599_idx")
    #expect(error.errorName == "UndefinedTable")
    #expect(error.schema == nil)
  }

  @Test func eachKindOfMessageGivesItsKindNameAndTable() {
    let cases: [(String, ErrorReport.Kind, String, String?)] = [
      (
        "ERROR:  relation \"tenants_domain\" already exists", .duplicateRelation, "tenants_domain",
        nil
      ),
      ("ERROR:  index \"old_idx\" does not exist", .undefinedIndex, "old_idx", nil),
      ("ERROR:  column \"due_on\" does not exist", .undefinedColumn, "due_on", nil),
      (
        "ERROR:  column \"due_on\" of relation \"finance_invoice\" does not exist",
        .undefinedColumn, "due_on", "finance_invoice"
      ),
      (
        "ERROR:  column finance_invoice.due_on does not exist", .undefinedColumn, "due_on",
        "finance_invoice"
      ),
      (
        "ERROR:  column \"due_on\" of relation \"finance_invoice\" already exists",
        .duplicateColumn, "due_on", "finance_invoice"
      ),
      (
        "ERROR:  constraint \"uniq\" for relation \"finance_invoice\" already exists",
        .duplicateConstraint, "uniq", "finance_invoice"
      ),
      (
        "ERROR:  constraint \"uniq\" of relation \"finance_invoice\" does not exist",
        .undefinedConstraint, "uniq", "finance_invoice"
      ),
      ("ERROR:  schema \"demo\" does not exist", .undefinedSchema, "demo", nil),
      (
        "ERROR:  function public.total_of(integer) does not exist", .undefinedFunction, "total_of",
        nil
      ),
      (
        "ERROR:  function total_of(integer, text) does not exist", .undefinedFunction, "total_of",
        nil
      ),
      ("ERROR:  type \"mood\" does not exist", .undefinedType, "mood", nil),
      ("FATAL:  role \"reporting_ro\" does not exist", .undefinedRole, "reporting_ro", nil),
    ]
    for (line, kind, name, table) in cases {
      let error = ErrorText.errors(in: line).first
      #expect(error?.kind == kind, "\(line)")
      #expect(error?.name == name, "\(line)")
      #expect(error?.table == table, "\(line)")
    }
  }

  @Test func djangosHistoryErrorsNameTheMigrationAndItsDependency() {
    let inconsistent = ErrorText.errors(
      in:
        "django.db.migrations.exceptions.InconsistentMigrationHistory: Migration"
        + " purchase_orders.0004_auto is applied before its dependency sales_orders.0002_line on"
        + " database 'default'.")
    #expect(inconsistent.first?.kind == .inconsistentHistory)
    #expect(inconsistent.first?.name == "purchase_orders.0004_auto")
    #expect(inconsistent.first?.dependency == "sales_orders.0002_line")
    let missing = ErrorText.errors(
      in:
        "django.db.migrations.exceptions.NodeNotFoundError: Migration finance.0005_total"
        + " dependencies reference nonexistent parent node ('finance', '0004_currency')")
    #expect(missing.first?.kind == .nodeNotFound)
    #expect(missing.first?.name == "finance.0005_total")
    #expect(missing.first?.dependency == "finance.0004_currency")
  }

  @Test func aTracebackGivesItsErrorOnceWithTheSchemaItsSQLNames() {
    let traceback = """
      Traceback (most recent call last):
        File "/app/venv/lib/python3.12/site-packages/django/db/backends/utils.py", line 105, in _execute
          return self.cursor.execute(sql, params)
      psycopg2.errors.UndefinedTable: relation "finance_invoice" does not exist
      LINE 1: SELECT "finance_invoice"."id" FROM "finance_invoice"

      The above exception was the direct cause of the following exception:

      django.db.utils.ProgrammingError: relation "finance_invoice" does not exist
      LINE 1: SELECT "finance_invoice"."id" FROM "finance_invoice"
      [django_tenants] SET search_path = 'demo','public'
      """
    let errors = ErrorText.errors(in: traceback)
    #expect(errors.count == 1)
    #expect(errors.first?.name == "finance_invoice")
    #expect(errors.first?.schema == "demo")
  }

  @Test func aQualifiedNameGivesTheSchemaAndKeepsTheNameAsWritten() {
    let error = ErrorText.errors(in: "ERROR:  relation \"demo.finance_invoice\" does not exist")
      .first
    #expect(error?.schema == "demo")
    #expect(error?.name == "finance_invoice")
    #expect(error?.written == "demo.finance_invoice")
  }

  @Test func privilegeMessagesGiveTheObjectItsKindAndWhetherOwnershipWasNeeded() {
    let cases: [(String, ErrorReport.Kind, String, String, String?)] = [
      (
        "ERROR:  permission denied for table invoices", .insufficientPrivilege, "invoices", "table",
        nil
      ),
      (
        "psycopg2.errors.InsufficientPrivilege: permission denied for materialized view totals",
        .insufficientPrivilege, "totals", "materialized view", nil
      ),
      ("ERROR:  permission denied for view v", .insufficientPrivilege, "v", "view", nil),
      (
        "ERROR:  permission denied for sequence s_id_seq", .insufficientPrivilege, "s_id_seq",
        "sequence", nil
      ),
      ("ERROR:  permission denied for schema acme", .insufficientPrivilege, "acme", "schema", nil),
      (
        "ERROR:  permission denied for function total_of", .insufficientPrivilege, "total_of",
        "function", nil
      ),
      (
        "FATAL:  permission denied for database shop", .insufficientPrivilege, "shop", "database",
        nil
      ),
      (
        "ERROR:  permission denied for relation invoices", .insufficientPrivilege, "invoices",
        "relation", nil
      ),
      (
        "ERROR:  permission denied for column \"due_on\" of relation \"invoices\"",
        .insufficientPrivilege, "due_on", "column", "invoices"
      ),
      ("ERROR:  must be owner of table invoices", .notOwner, "invoices", "table", nil),
      ("ERROR:  must be owner of index invoices_idx", .notOwner, "invoices_idx", "index", nil),
    ]
    for (line, kind, name, type, table) in cases {
      let error = ErrorText.errors(in: line).first
      #expect(error?.kind == kind, "\(line)")
      #expect(error?.name == name, "\(line)")
      #expect(error?.objectType == type, "\(line)")
      #expect(error?.table == table, "\(line)")
      #expect(error?.errorName == "InsufficientPrivilege", "\(line)")
    }
    #expect(ErrorText.errors(in: "ERROR:  permission denied for frobnicator x").isEmpty)
  }

  @Test func aWholeCILogGivesEachErrorItHoldsOnce() {
    let log = """
      2026-11-30T02:14:07.1234567Z ##[group]Run python manage.py migrate_schemas --noinput
      2026-11-30T02:14:09.0000000Z [standard:public] === Starting migration
      2026-11-30T02:14:11.5000000Z Traceback (most recent call last):
      2026-11-30T02:14:11.5000001Z   File "/app/manage.py", line 22, in <module>
      2026-11-30T02:14:11.5000002Z psycopg2.errors.DuplicateTable: relation "tenants_domain" already exists
      2026-11-30T02:14:11.5000003Z django.db.utils.ProgrammingError: relation "tenants_domain" already exists
      2026-11-30T02:14:12.0000000Z ERROR:  permission denied for table tenants_client
      2026-11-30T02:14:12.1000000Z ##[error]Process completed with exit code 1.
      """
    let errors = ErrorText.errors(in: log)
    #expect(errors.map(\.kind) == [.duplicateRelation, .insufficientPrivilege])
    #expect(errors.map(\.name) == ["tenants_domain", "tenants_client"])
  }

  @Test func aCILogWithoutAnErrorGivesNothingAndHostileQuotesStayInTheName() {
    #expect(ErrorText.errors(in: "Step 3/9 : RUN pip install\nall tests passed\n").isEmpty)
    let hostile = ErrorText.errors(
      in: "ERROR:  relation \"a\"\"b; DROP TABLE x --\" does not exist")
    #expect(hostile.first?.name == "a\"b; DROP TABLE x --")
  }
}

@Suite("Explaining an error from snapshots")
struct ExplainerTests {
  static func environment(_ name: String, indexName: String, rows: [(String, String, String)])
    -> CollectedEnvironment
  {
    let table = Fixture.table(
      "tenants_domain",
      indexes: [Index(name: indexName, definition: "USING btree (domain)")])
    return CollectedEnvironment(
      snapshot: Fixture.snapshot(
        name, schemas: [Schema(name: "public", owner: "app", tables: [table])],
        migrations: [Fixture.djangoMigrations("public", rows)]))
  }

  static let rename = "0006_rename_tenants_ten_domain_6df599_idx_tenants_ten_domain_f3abe6_idx"

  @Test func aRenamedIndexIsFoundUnderItsNewNameWithTheMigrationThatRenamedIt() throws {
    let dev = Self.environment(
      "dev", indexName: "tenants_ten_domain_f3abe6_idx",
      rows: [("tenants", Self.rename, "2025-11-20T10:00:00Z")])
    let prod = Self.environment("prod", indexName: "tenants_ten_domain_6df599_idx", rows: [])
    let error = try #require(
      ErrorText.errors(in: "ERROR:  relation \"tenants_ten_domain_6df599_idx\" does not exist")
        .first)
    let explanation = Explainer().explain(error, in: [dev, prod])
    #expect(explanation.renamedTo == "tenants_ten_domain_f3abe6_idx")
    #expect(explanation.relationKind == .index)
    #expect(explanation.places.map(\.renamed) == [["public"], []])
    #expect(explanation.places.map(\.present) == [[], ["public"]])
    let migration = try #require(explanation.migrations.first)
    #expect(migration.name == "tenants.\(Self.rename)")
    #expect(migration.applied.map(\.schemas) == [["public"], []])
    #expect(migration.applied.first?.appliedAt == "2025-11-20T10:00:00Z")
  }

  @Test func anObjectFoundNowhereSaysSo() throws {
    let prod = Self.environment("prod", indexName: "x_idx", rows: [])
    let error = try #require(ErrorText.errors(in: "relation \"nothing_here\" does not exist").first)
    let explanation = Explainer().explain(error, in: [prod])
    #expect(!explanation.foundAnywhere)
    #expect(explanation.places.first?.absent == ["public"])
  }

  @Test func aSnapshotFilesRolesAnswerARoleError() throws {
    var withRole = Fixture.snapshot("dev")
    withRole.roles = [Role(name: "deploy", login: true)]
    var without = Fixture.snapshot("prod")
    without.roles = []
    let old = Fixture.snapshot("old")
    let error = try #require(ErrorText.errors(in: "FATAL:  role \"deploy\" does not exist").first)
    let explanation = Explainer().explain(
      error, in: [withRole, without, old].map(CollectedEnvironment.init(snapshot:)))
    #expect(explanation.places.map(\.present) == [["deploy"], [], []])
    #expect(explanation.places.map(\.read) == [true, true, false])
  }

  @Test func anUnreadEnvironmentIsMarkedNotGuessed() throws {
    let error = try #require(ErrorText.errors(in: "relation \"x\" does not exist").first)
    let explanation = Explainer().explain(
      error, in: [CollectedEnvironment(name: "prod", source: "db", error: "timeout expired")])
    #expect(explanation.places.first?.read == false)
    #expect(explanation.places.first?.error == "timeout expired")
  }
}

@Suite("Finding a rename by equal definitions")
struct SameDefinitionTests {
  static func names(_ relations: [String: SchemaNames.Relation]) -> [String: SchemaNames] {
    ["public": SchemaNames(relations: relations)]
  }

  static func domains(_ indexes: [String: String]) -> SchemaNames.Relation {
    var relation = SchemaNames.Relation(
      kind: .table, columns: ["id", "domain"], indexes: indexes.keys.sorted())
    relation.definitions = indexes
    return relation
  }

  static func error(_ line: String) throws -> ErrorReport {
    try #require(ErrorText.errors(in: line).first)
  }

  @Test func anIndexOfTheSameTableWithTheSameDefinitionIsTheRenamedOne() throws {
    let prod = Self.names(["domains": Self.domains(["old_idx": "USING btree (domain)"])])
    let dev = Self.names([
      "domains": Self.domains(["new_idx": "USING btree (domain)", "id_idx": "USING btree (id)"])
    ])
    let found = Explainer.sameDefinition(
      as: try Self.error("relation \"old_idx\" does not exist"), in: [dev, prod])
    #expect(found?.name == "new_idx")
    #expect(found?.definition == "USING btree (domain)")
  }

  @Test func anIndexTheOriginalsTableAlsoHasIsNotARename() throws {
    // prod has both: new_idx is another index, not old_idx renamed.
    let prod = Self.names([
      "domains": Self.domains([
        "old_idx": "USING btree (domain)", "new_idx": "USING btree (domain)",
      ])
    ])
    let dev = Self.names(["domains": Self.domains(["new_idx": "USING btree (domain)"])])
    #expect(
      Explainer.sameDefinition(
        as: try Self.error("relation \"old_idx\" does not exist"), in: [dev, prod]) == nil)
  }

  @Test func aTableWithTheSameColumnsIsTheRenamedOneButNotAOneColumnTable() throws {
    let prod = Self.names([
      "customer": SchemaNames.Relation(kind: .table, columns: ["id", "name", "email"]),
      "tag": SchemaNames.Relation(kind: .table, columns: ["id"]),
    ])
    let dev = Self.names([
      "client": SchemaNames.Relation(kind: .table, columns: ["email", "id", "name"]),
      "label": SchemaNames.Relation(kind: .table, columns: ["id"]),
    ])
    let table = Explainer.sameDefinition(
      as: try Self.error("relation \"customer\" does not exist"), in: [dev, prod])
    #expect(table?.name == "client")
    #expect(
      Explainer.sameDefinition(
        as: try Self.error("relation \"tag\" does not exist"), in: [dev, prod]) == nil)
  }

  @Test func theNameMostSchemasHaveWinsAndTiesGoToTheFirstByName() throws {
    func tenant(_ index: String) -> SchemaNames {
      SchemaNames(relations: ["domains": Self.domains([index: "USING btree (domain)"])])
    }
    let prod = Self.names(["domains": Self.domains(["old_idx": "USING btree (domain)"])])
    let dev = ["public": tenant("b_idx"), "t1": tenant("b_idx"), "t2": tenant("a_idx")]
    let error = try Self.error("relation \"old_idx\" does not exist")
    #expect(Explainer.sameDefinition(as: error, in: [dev, prod])?.name == "b_idx")
    let tie = ["public": tenant("b_idx"), "t1": tenant("a_idx")]
    #expect(Explainer.sameDefinition(as: error, in: [tie, prod])?.name == "a_idx")
  }
}
