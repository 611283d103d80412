import Foundation
import PostgresClient
import TestSupport
import Testing

@Suite("Connection against the throwaway PostgreSQL", .enabled(if: TestPostgres.isAvailable))
struct ConnectionTests {
  @Test func connectingReportsServerVersionDatabaseAndUser() throws {
    let connection = try Connection(ConnectionString(""))
    #expect(connection.serverVersionNumber >= 120_000)
    #expect(!connection.serverVersion.isEmpty)
    #expect(connection.database == "postgres")
    #expect(connection.user == "postgres")
  }

  @Test func sessionIdentifiesItselfAsEnvdriftWithTimeouts() throws {
    let connection = try Connection(
      ConnectionString(""),
      options: ConnectionOptions(
        statementTimeoutMilliseconds: 12_000, lockTimeoutMilliseconds: 3_000)
    )
    let result = try connection.query(
      "SELECT current_setting('application_name'), current_setting('statement_timeout'),"
        + " current_setting('lock_timeout')"
    )
    #expect(result.rows == [["envdrift", "12s", "3s"]])
  }

  @Test func uriAndKeyValueFormsConnectOverTCP() throws {
    let password = TestPostgres.tcpPassword
    let uri = "postgresql://postgres:\(password)@127.0.0.1:\(TestPostgres.port)/postgres"
    let keyValue =
      "host=127.0.0.1 port=\(TestPostgres.port) user=postgres password='\(password)' dbname=postgres"
    for text in [uri, keyValue] {
      let connection = try Connection(ConnectionString(text))
      #expect(try connection.query("SELECT 1").rows == [["1"]])
    }
  }

  @Test func wrongPasswordGivesSQLStateAndNeverThePassword() throws {
    let secret = "Wr0ng-Secret-\(UUID().uuidString)"
    let text =
      "postgresql://postgres:\(secret)@127.0.0.1:\(TestPostgres.port)/postgres"
    let error = try #require(throws: PostgresError.self) {
      try Connection(ConnectionString(text))
    }
    #expect(error.kind == .connectionFailed)
    #expect(error.description.contains("password authentication failed"))
    #expect(!error.description.contains(secret))
  }

  @Test func unknownDatabaseIsNamedInTheError() throws {
    let error = try #require(throws: PostgresError.self) {
      try Connection(ConnectionString("dbname=no_such_database_here"))
    }
    #expect(error.kind == .connectionFailed)
    #expect(error.description.contains("no_such_database_here"))
    #expect(error.description.contains("does not exist"))
  }

  @Test func closedPortIsRefusedQuickly() throws {
    let started = Date()
    let error = try #require(throws: PostgresError.self) {
      try Connection(ConnectionString("host=127.0.0.1 port=1 password=hunter2-closed-port"))
    }
    #expect(error.kind == .connectionFailed)
    #expect(error.description.contains("refused"))
    #expect(!error.description.contains("hunter2-closed-port"))
    #expect(Date().timeIntervalSince(started) < 10)
  }

  @Test func unknownHostIsNamedInTheError() throws {
    let error = try #require(throws: PostgresError.self) {
      try Connection(
        ConnectionString("postgresql://u:Top-Secret-9@no-such-host.invalid/db?connect_timeout=3")
      )
    }
    #expect(error.kind == .connectionFailed)
    #expect(error.description.contains("no-such-host.invalid"))
    #expect(!error.description.contains("Top-Secret-9"))
  }

  @Test(arguments: [
    "postgresql://user:S3cret-Pass@host:notaport/db",
    "postgresql://user:S3cret-Pass@host/db?nosuchoption=1",
    "host=localhost password S3cret-Pass",
    "host=localhost password='S3cret-Pass",
    "host=localhost nosuchkey=S3cret-Pass password=S3cret-Pass",
  ])
  func malformedConnectionStringsFailWithoutEchoingSecrets(text: String) throws {
    let error = try #require(throws: PostgresError.self) {
      let connectionString = try ConnectionString(text)
      _ = try Connection(connectionString, options: ConnectionOptions(defaultConnectTimeout: 2))
    }
    #expect(!error.description.contains("S3cret-Pass"))
    #expect(!error.description.isEmpty)
  }

  @Test func parametersRoundTripExactly() throws {
    let connection = try Connection(ConnectionString(""))
    let values: [String?] = [
      nil, "", "it's \"quoted\"", #"back\slash \\ \n"#, "ünïcødé 🐘 日本語", "new\nline\ttab",
      String(repeating: "x", count: 10_000),
    ]
    for value in values {
      let result = try connection.query("SELECT $1::text AS value, $1::text IS NULL", [value])
      #expect(result.rows == [[value, value == nil ? "t" : "f"]])
      #expect(result.columns == ["value", "?column?"])
    }
  }

  @Test func statementTimeoutCancelsLongQueriesWith57014() throws {
    let connection = try Connection(
      ConnectionString(""),
      options: ConnectionOptions(statementTimeoutMilliseconds: 200)
    )
    let started = Date()
    let error = try #require(throws: PostgresError.self) {
      try connection.query("SELECT pg_sleep(5)")
    }
    #expect(error.sqlState == "57014")
    #expect(Date().timeIntervalSince(started) < 4)
    #expect(try connection.query("SELECT 2").rows == [["2"]])
  }

  @Test func serverErrorsCarryDetailAndHint() throws {
    let connection = try Connection(ConnectionString(""))
    let error = try #require(throws: PostgresError.self) {
      try connection.query("SELECT * FROM no_such_table_anywhere")
    }
    #expect(error.sqlState == "42P01")
    #expect(error.message == #"relation "no_such_table_anywhere" does not exist"#)
  }

  @Test func rowsStreamInOrderWithNullsAndParameters() throws {
    let connection = try Connection(ConnectionString(""))
    var seen: [[String?]] = []
    try connection.forEachRow(
      "SELECT g::text AS number, CASE WHEN g % 2 = 0 THEN NULL ELSE $1 || g END"
        + " FROM generate_series(1, 5000) g ORDER BY g",
      ["n"]
    ) { row in
      seen.append([row[0], row[1]])
    }
    #expect(seen.count == 5000)
    #expect(seen.first == ["1", "n1"])
    #expect(seen[1] == ["2", nil])
    #expect(seen.last == ["5000", nil])
  }

  @Test func aStreamThatFailsHalfWayThrowsAndLeavesTheConnectionUsable() throws {
    let connection = try Connection(ConnectionString(""))
    var rows = 0
    let error = try #require(throws: PostgresError.self) {
      try connection.forEachRow(
        "SELECT 1 / (100 - g) FROM generate_series(1, 200) g"
      ) { _ in rows += 1 }
    }
    #expect(error.sqlState == "22012")
    #expect(rows < 100)
    #expect(try connection.query("SELECT 2").rows == [["2"]])
  }

  @Test func aBodyThatThrowsStopsTheStreamAndLeavesTheConnectionUsable() throws {
    struct Enough: Error {}
    let connection = try Connection(ConnectionString(""))
    var rows = 0
    #expect(throws: Enough.self) {
      try connection.forEachRow("SELECT g FROM generate_series(1, 10000) g") { _ in
        rows += 1
        if rows == 3 { throw Enough() }
      }
    }
    #expect(rows == 3)
    #expect(try connection.query("SELECT 3").rows == [["3"]])
  }

  @Test func identifiersAreQuotedByLibpq() throws {
    let connection = try Connection(ConnectionString(""))
    #expect(try connection.quoteIdentifier("plain") == "\"plain\"")
    #expect(try connection.quoteIdentifier("we\"ird") == "\"we\"\"ird\"")
  }

  @Test func terminatedBackendIsReportedAsConnectionLost() throws {
    let connection = try Connection(ConnectionString(""))
    let pid = try #require(try connection.query("SELECT pg_backend_pid()").rows.first?.first ?? nil)
    let killer = try Connection(ConnectionString(""))
    try killer.query("SELECT pg_terminate_backend($1::int)", [pid])
    let error = try #require(throws: PostgresError.self) {
      try connection.query("SELECT 1")
    }
    #expect(error.kind == .connectionLost)
  }
}

@Suite struct PostgresAvailabilityTests {
  @Test func theClusterIsThereWhenTheRunRequiresIt() {
    if TestPostgres.isRequired {
      #expect(TestPostgres.isAvailable, "ENVDRIFT_REQUIRE_POSTGRES=1 but PGHOST is not set")
    }
  }
}
