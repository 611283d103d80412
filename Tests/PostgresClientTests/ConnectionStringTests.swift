import PostgresClient
import Testing

@Suite struct ConnectionStringTests {
  @Test(arguments: [
    ("postgresql://alice:pw@db.example.com:5433/app", "postgresql://alice@db.example.com:5433/app"),
    ("host=db port=5432 dbname=app user=bob password=pw", "postgresql://bob@db:5432/app"),
    ("service=prod", "service=prod"),
    ("appdb", "postgresql:///appdb"),
    ("", "postgresql://"),
  ])
  func redactedFormKeepsWhereButNeverThePassword(text: String, expected: String) throws {
    let connectionString = try ConnectionString(text, environment: [:])
    #expect(connectionString.redacted == expected)
  }

  @Test func nulBytesAreRejectedBeforeLibpqSeesThem() {
    #expect(throws: PostgresError.self) {
      try ConnectionString("host=a\0b", environment: [:])
    }
  }
}

@Suite struct SecretScrubberTests {
  @Test(arguments: [
    ("postgresql://u:p%40ss-W0rd@h/db", ["p%40ss-W0rd", "p@ss-W0rd"]),
    ("postgres://h/db?password=Qu3ry-Pw&sslmode=off", ["Qu3ry-Pw"]),
    ("host=h password = 'quoted pass' user=u", ["quoted pass"]),
    ("host=h password=plain-pw user=u", ["plain-pw"]),
    ("host=h password forgot-equals", ["forgot-equals"]),
  ])
  func findsPasswordsInEveryForm(text: String, secrets: [String]) {
    let scrubber = SecretScrubber(conninfo: text, environment: [:])
    for secret in secrets {
      #expect(scrubber.scrub("before \(secret) after") == "before ******** after")
    }
  }

  @Test func scrubsThePGPASSWORDEnvironmentVariable() {
    let scrubber = SecretScrubber(conninfo: "", environment: ["PGPASSWORD": "from-env-pw"])
    #expect(scrubber.scrub("x from-env-pw y") == "x ******** y")
  }

  @Test func leavesTextWithoutSecretsUnchanged() {
    let scrubber = SecretScrubber(conninfo: "host=h user=u", environment: [:])
    #expect(scrubber.scrub("connection refused") == "connection refused")
  }
}
