import DriftCompare
import DriftModel
import Testing

/// Tablespaces, languages, foreign-data wrappers, servers, user mappings and the database's own
/// grants, compared in memory.
@Suite("Comparing objects outside every schema")
struct ForeignDataTests {
  /// A snapshot on cluster `cluster` with the given objects outside its schemas.
  static func snapshot(
    _ name: String, cluster: String = "a", servers: [ForeignServer] = [],
    wrappers: [ForeignDataWrapper] = [ForeignDataWrapper(name: "dummy", owner: "postgres")],
    languages: [Language] = [Self.plpgsql()], tablespaces: [Tablespace]? = nil,
    database: (owner: String, grants: [Privilege])? = nil
  ) -> Snapshot {
    var snapshot = Fixture.snapshot(name, schemas: [Schema(name: "public", owner: "postgres")])
    snapshot.environment.database = "app_\(name)"
    snapshot.foreignServers = servers
    snapshot.foreignDataWrappers = wrappers
    snapshot.languages = languages
    snapshot.tablespaces = tablespaces
    var info = DatabaseInfo(
      encoding: "UTF8", collate: "C", ctype: "C", localeProvider: "libc", cluster: cluster)
    info.owner = database?.owner
    info.privileges = database?.grants
    snapshot.database = info
    snapshot.roles = [Role(name: "postgres", superuser: true, login: true)]
    return snapshot
  }

  static func plpgsql(owner: String = "postgres", everyone: Bool = true) -> Language {
    Language(
      name: "plpgsql", trusted: true, owner: owner,
      privileges: [Privilege(grantee: owner, privileges: ["USAGE"])]
        + (everyone ? [Privilege(grantee: "PUBLIC", privileges: ["USAGE"])] : []),
      fromExtension: "plpgsql")
  }

  static func server(
    _ options: [String], grants: [Privilege] = [], mappings: [UserMapping] = []
  ) -> ForeignServer {
    ForeignServer(
      name: "remote", wrapper: "dummy", owner: "postgres", options: options,
      privileges: [Privilege(grantee: "postgres", privileges: ["USAGE"])] + grants,
      userMappings: mappings)
  }

  static func lines(_ comparison: Comparison) -> [String] {
    comparison.findings.map {
      "\($0.kind) \($0.table.map { "\($0)." } ?? "")\($0.name) \($0.severity)"
    }.sorted()
  }

  @Test func aServersAddressIsShownButNotComparedAndItsOtherOptionsAre() {
    let dev = Self.snapshot("dev", servers: [Self.server(["dbname=app_dev", "host=dev-db"])])
    let prod = Self.snapshot("prod", servers: [Self.server(["dbname=app", "host=prod-db"])])
    #expect(Fixture.compare([dev, prod]).findings.isEmpty)
    let tuned = Self.snapshot(
      "prod", servers: [Self.server(["fetch_size=500", "host=prod-db"])])
    let comparison = Fixture.compare([dev, tuned])
    #expect(Self.lines(comparison) == ["foreign_server.changed remote warning"])
    #expect(
      comparison.findings.first?.values["prod"]
        == "FOREIGN DATA WRAPPER dummy OPTIONS (fetch_size=500, host=prod-db)")
  }

  @Test func userMappingsAreComparedByTheirOptionsNamesAndAHiddenOneSaysSo() {
    let readable = UserMapping(user: "app", options: ["password=(redacted)", "user=remote_app"])
    let hidden = UserMapping(user: "app", options: nil)
    let dev = Self.snapshot("dev", servers: [Self.server([], mappings: [readable])])
    let other = UserMapping(user: "app", options: ["password=(redacted)", "user=other"])
    let prod = Self.snapshot("prod", servers: [Self.server([], mappings: [other])])
    #expect(Fixture.compare([dev, prod]).findings.isEmpty)
    let unseen = Self.snapshot("prod", servers: [Self.server([], mappings: [hidden])])
    let comparison = Fixture.compare([dev, unseen])
    #expect(Self.lines(comparison) == ["user_mapping.changed remote.app warning"])
    #expect(
      comparison.findings.first?.values["prod"] == "options not readable by the connecting role")
    let missing = Self.snapshot("prod", servers: [Self.server([])])
    #expect(
      Self.lines(Fixture.compare([dev, missing])) == ["user_mapping.missing remote.app warning"])
    // Without the server, its mappings are not findings of their own.
    let noServer = Self.snapshot("prod")
    #expect(
      Self.lines(Fixture.compare([dev, noServer])) == ["foreign_server.missing remote warning"])
  }

  @Test func aLanguageOrWrapperAnExtensionMadeIsItsExtensionsButItsGrantsAreCompared() {
    let fdw = ForeignDataWrapper(
      name: "postgres_fdw", owner: "postgres", handler: "postgres_fdw_handler",
      fromExtension: "postgres_fdw")
    var otherOwner = fdw
    otherOwner.owner = "admin"
    otherOwner.privileges = [Privilege(grantee: "app", privileges: ["USAGE"])]
    let dev = Self.snapshot("dev", wrappers: [fdw], languages: [Self.plpgsql(owner: "rdsadmin")])
    let prod = Self.snapshot(
      "prod", wrappers: [otherOwner], languages: [Self.plpgsql(owner: "postgres", everyone: false)])
    #expect(
      Self.lines(Fixture.compare([dev, prod])) == [
        "privilege.missing plpgsql.PUBLIC info", "privilege.missing postgres_fdw.app info",
      ])
  }

  @Test func theDatabasesGrantsAreComparedWhateverEachDatabaseIsCalled() {
    let everyone = Privilege(grantee: "PUBLIC", privileges: ["CONNECT", "TEMPORARY"])
    let owner = Privilege(grantee: "postgres", privileges: ["CONNECT", "CREATE", "TEMPORARY"])
    let dev = Self.snapshot("dev", database: ("postgres", [everyone, owner]))
    let prod = Self.snapshot("prod", database: ("postgres", [owner]))
    let comparison = Fixture.compare([dev, prod], baseline: "dev")
    #expect(Self.lines(comparison) == ["privilege.missing (database).PUBLIC info"])
    #expect(
      comparison.findings.first?.fix?.hasSuffix(
        "\nGRANT CONNECT, TEMPORARY ON DATABASE app_prod TO PUBLIC;") == true,
      "\(comparison.findings.first?.fix ?? "")")
    var admin = owner
    admin.grantee = "admin"
    let owned = Self.snapshot("prod", database: ("admin", [admin]))
    #expect(
      Self.lines(Fixture.compare([Self.snapshot("dev", database: ("postgres", [owner])), owned]))
        == ["database.changed owner info"])
  }

  @Test func tablespacesAreComparedOncePerClusterWithoutTheBuiltInOwners() {
    let builtIn = Tablespace(name: "pg_default", owner: "rdsadmin")
    let fast = Tablespace(
      name: "fast", owner: "postgres", options: ["random_page_cost=1.1"],
      privileges: [Privilege(grantee: "postgres", privileges: ["CREATE"])])
    let dev = Self.snapshot("dev", cluster: "a", tablespaces: [builtIn, fast])
    let prod = Self.snapshot(
      "prod", cluster: "b", tablespaces: [Tablespace(name: "pg_default", owner: "postgres")])
    #expect(Self.lines(Fixture.compare([dev, prod])) == ["tablespace.missing fast warning"])
    let sameCluster = Self.snapshot(
      "prod", cluster: "a", tablespaces: [Tablespace(name: "pg_default", owner: "postgres")])
    #expect(Fixture.compare([dev, sameCluster]).findings.isEmpty)
    #expect(Fixture.compare([dev, Self.snapshot("prod", cluster: "b")]).findings.isEmpty)
  }

  @Test func grantsOnOutsideObjectsGetQuotedStatementsAndAnAmbiguousNameGetsNone() {
    let name = "remote\"; DROP TABLE x; --"
    var granted = Self.server([], grants: [Privilege(grantee: "app", privileges: ["USAGE"])])
    granted.name = name
    var plain = Self.server([])
    plain.name = name
    let dev = Self.snapshot("dev", servers: [granted])
    let prod = Self.snapshot("prod", servers: [plain])
    let fix = Fixture.compare([dev, prod], baseline: "dev").findings.first?.fix ?? ""
    #expect(
      fix.split(separator: "\n").last
        == "GRANT USAGE ON FOREIGN SERVER \"remote\"\"; DROP TABLE x; --\" TO app;", "\(fix)")
    // A language of the same name whose grants differ too: which object a grant is on cannot
    // be told from the finding's name, so nothing is suggested.
    var language = Self.plpgsql()
    language.name = name
    language.fromExtension = nil
    var languageGranted = language
    languageGranted.privileges.append(Privilege(grantee: "app", privileges: ["USAGE"]))
    let devBoth = Self.snapshot(
      "dev", servers: [granted], languages: [Self.plpgsql(), languageGranted])
    let prodBoth = Self.snapshot(
      "prod", servers: [plain], languages: [Self.plpgsql(), language])
    let findings = Fixture.compare([devBoth, prodBoth], baseline: "dev").findings
    #expect(findings.count == 2)
    #expect(findings.allSatisfy { $0.fix == nil }, "\(findings.map(\.fix))")
  }

  @Test func optionsThatLookSecretAreRedactedBeforeTheyAreKept() {
    #expect(OptionRedaction.stored("password=hunter2") == "password=(redacted)")
    #expect(OptionRedaction.stored("passfile=/home/app/.pgpass") == "passfile=(redacted)")
    #expect(OptionRedaction.stored("api_key=abc") == "api_key=(redacted)")
    #expect(
      OptionRedaction.stored("dsn=host=db user=app password=hunter2") == "dsn=(redacted)")
    #expect(OptionRedaction.stored("table_name=passengers") == "table_name=passengers")
    #expect(OptionRedaction.stored("host=db") == "host=db")
    #expect(OptionRedaction.stored("user=app", userMapping: true) == "user=app")
    #expect(OptionRedaction.stored("sslcert=/x", userMapping: true) == "sslcert=(redacted)")
    #expect(OptionRedaction.withoutAddress("host=db") == "host=…")
    #expect(OptionRedaction.withoutAddress("fetch_size=5") == "fetch_size=5")
  }
}
