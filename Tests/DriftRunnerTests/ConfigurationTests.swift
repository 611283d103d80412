import DriftCode
import DriftCollect
import DriftCompare
import DriftModel
import DriftReport
import DriftRunner
import Foundation
import PostgresClient
import Testing

@Suite("Reading envdrift.yml")
struct ConfigurationTests {
  static func parse(_ text: String, environment: [String: String] = [:]) throws -> Configuration {
    try Configuration.parse(text, path: "envdrift.yml", environment: environment)
  }

  static func error(_ text: String, environment: [String: String] = [:]) -> String {
    do {
      _ = try parse(text, environment: environment)
      return "no error"
    } catch {
      return "\(error)"
    }
  }

  @Test func theExampleConfigurationIsValid() throws {
    let configuration = try Self.parse(
      Configuration.example, environment: ["PROD_DATABASE_URL": "service=prod"])
    #expect(configuration.environments.map(\.name) == ["dev", "uat", "prod"])
    #expect(configuration.baseline == "prod")
    #expect(configuration.environments[2].spec?.source == .database("service=prod"))
    #expect(configuration.environments[1].spec?.options?.statementTimeoutMilliseconds == 30_000)
    #expect(configuration.schemas.exclude == ["pg_temp*", "*_archive"])
    #expect(configuration.ignore.map(\.text) == ["index:*_like", "privilege:*"])
    #expect(configuration.ignore[1].until == "2026-12-31")
    #expect(configuration.format == .markdown)
    #expect(configuration.output == "reports/{date}-{envs}.md")
    #expect(configuration.failOn == .drift)
  }

  @Test func anEnvironmentsWholeReadCanBeBoundedAndABadBoundIsALineAndColumn() throws {
    let configuration = try Self.parse(
      """
      environments:
        prod: { url: "service=prod", environment_timeout: 90, lock_timeout: 2 }
      """)
    let options = try #require(configuration.environments.first?.spec?.options)
    #expect(options.environmentTimeoutMilliseconds == 90_000)
    #expect(options.lockTimeoutMilliseconds == 2_000)
    #expect(
      Self.error(
        """
        environments:
          prod: { url: "service=prod", environment_timeout: 0 }
        """
      ).hasPrefix("envdrift.yml:2:"))
  }

  @Test func aCodeEnvironmentIsADirectoryOrAGitRef() throws {
    let configuration = try Self.parse(
      "environments:\n  main: {code: \"git:main:backend\"}\n  local: {code: ./backend}\n"
        + "  prod: {url: service=prod}\n")
    #expect(
      configuration.environments[0]
        == .code(CodeSpec(name: "main", location: .git(ref: "main", path: "backend"))))
    #expect(
      configuration.environments[1]
        == .code(CodeSpec(name: "local", location: .directory("./backend"))))
    #expect(configuration.environments[2].spec?.source == .database("service=prod"))
  }

  @Test func codeWithATimeoutIsRefusedForTheTimeoutWouldApplyToNothing() {
    #expect(
      Self.error(
        "environments:\n  local: {code: ./backend, statement_timeout: 5}\n"
      ).contains("environment local is code"))
  }

  @Test(arguments: [
    (
      "environments:\n  dev:\n    urll: x\n",
      "envdrift.yml:3:5: unknown key \"urll\" in environment dev (expected url, url_env,"
    ),
    ("bogus: 1\n", "envdrift.yml:1:1: unknown key \"bogus\" in the configuration"),
    ("environments:\n\tdev:\n", "envdrift.yml:2:1: invalid YAML"),
    ("environments: [a, b]\n", "envdrift.yml:1:15: environments must be a mapping"),
    (
      "environments:\n  dev: {}\n",
      "envdrift.yml:2:3: environment dev needs url, url_env, snapshot or code"
    ),
    (
      "environments:\n  dev: {url: a, snapshot: b}\n",
      "has more than one of url, url_env, snapshot and code"
    ),
    (
      "environments:\n  dev: {url_env: NOPE}\n",
      "envdrift.yml:2:18: environment variable NOPE (url_env of dev) is not set"
    ),
    ("environments:\n  dev: {url: [1]}\n", "envdrift.yml:2:14: dev.url must be a string"),
    (
      "environments:\n  dev: {url: a, statement_timeout: soon}\n",
      "dev.statement_timeout must be a number of seconds from 0.001 to 2147483"
    ),
    (
      "environments:\n  \"bad name\": {url: a}\n",
      "envdrift.yml:2:3: environment name \"bad name\" is not valid"
    ),
    (
      "baseline: prod\nenvironments:\n  dev: {url: a}\n",
      "envdrift.yml:1:11: baseline \"prod\" is not one of the environments (dev)"
    ),
    ("schemas: {include: public}\n", "schemas.include must be a list of strings"),
    ("ignore: {rule: x}\n", "ignore must be a list of rules"),
    (
      "ignore:\n  - rule: \"tabel:x\"\n",
      "envdrift.yml:2:11: ignore rule \"tabel:x\": \"tabel\" is not an object kind"
    ),
    ("ignore:\n  - nokind\n", "ignore rule \"nokind\" needs a kind"),
    ("ignore:\n  - {rule: \"index:x\", until: tomorrow}\n", "until: \"tomorrow\" is not a date"),
    ("ignore:\n  - {reason: why}\n", "an ignore rule needs rule: kind:pattern"),
    (
      "output: {format: pdf}\n",
      "envdrift.yml:1:18: output.format must be markdown, github or json, not \"pdf\""
    ),
    ("fail_on: sometimes\n", "fail_on must be drift, error or never"),
    ("", "envdrift.yml:1:1: the file is empty"),
    ("a: [1, 2\n", "invalid YAML"),
  ])
  func mistakesAreReportedWithLineAndColumn(text: String, expected: String) {
    let message = Self.error(text)
    #expect(message.contains(expected), "\(message)")
  }

  @Test func aMissingFileIsAClearError() {
    #expect(
      throws: ConfigurationError(
        path: "/no/such.yml", line: nil, column: nil, message: "no such file or directory")
    ) {
      try Configuration.load(path: "/no/such.yml")
    }
  }
}

@Suite("Accepting known drift")
struct AcceptanceTests {
  static func finding(
    _ kind: ObjectKind, _ name: String, table: String? = "t", schema: String = "public"
  ) -> Finding {
    Finding(
      kind: FindingKind(kind, .missing),
      schema: schema,
      table: table,
      name: name,
      values: ["dev": "x", "prod": nil],
      severity: .warning,
      statement: .difference(
        object: kind, place: .init(schema: schema, table: table, name: name),
        aspect: .definition, change: .missing, values: ["dev": "x", "prod": nil],
        order: ["dev", "prod"], baseline: "prod", scope: .environments)
    )
  }

  static func compare(_ rules: [AcceptRule], today: String = "2026-11-21") -> Comparison {
    let index = Index(
      name: "auth_user_username_6821ab7c_like",
      definition: "USING btree (username varchar_pattern_ops)")
    let dev = Snapshot(
      environment: EnvironmentInfo(name: "dev", source: "dev"),
      schemas: [Schema(name: "public", tables: [Table(name: "auth_user", indexes: [index])])]
    )
    let prod = Snapshot(
      environment: EnvironmentInfo(name: "prod", source: "prod"),
      schemas: [Schema(name: "public", tables: [Table(name: "auth_user")])]
    )
    return Comparer(acceptance: Acceptance(rules: rules, today: today))
      .compare([.init(snapshot: dev), .init(snapshot: prod)], baseline: "prod", generatedAt: "")
  }

  @Test func anAcceptedFindingIsCountedNotReported() throws {
    let comparison = Self.compare([try AcceptRule(parsing: "index:*_like")])
    #expect(comparison.findings.isEmpty)
    #expect(comparison.acceptedCount == 1)
    #expect(comparison.environments[0].status == .inSync)
  }

  @Test func theLastMatchingRuleWinsAndNegationUnaccepts() throws {
    let rules = [
      try AcceptRule(parsing: "*:*"), try AcceptRule(parsing: "!index:public.auth_user.*"),
    ]
    #expect(Self.compare(rules).findings.count == 1)
    let rule = try AcceptRule(parsing: "index:auth_user.auth_user_*")
    #expect(rule.matches(Self.finding(.index, "auth_user_x_like", table: "auth_user")))
    #expect(!rule.matches(Self.finding(.column, "auth_user_x_like", table: "auth_user")))
  }

  @Test func anExpiredRuleStopsHidingAndTheReportSaysSo() throws {
    let rule = try AcceptRule(parsing: "index:*_like", reason: "known", until: "2026-01-01")
    let comparison = Self.compare([rule])
    #expect(comparison.findings.count == 1)
    #expect(comparison.acceptedCount == 0)
    #expect(
      comparison.causes.map(\.statement).contains(
        .acceptanceExpired(rule: "index:*_like", until: "2026-01-01", reason: "known")))
    #expect(Self.compare([rule], today: "2026-01-01").findings.isEmpty)
  }
}

extension SourceArgument {
  /// The environment's spec; `nil` for code.
  fileprivate var spec: EnvironmentSpec? {
    if case .environment(let spec) = self { return spec }
    return nil
  }
}
