import Foundation
import TestSupport
import Testing

/// One distinctive password, planted in every form libpq accepts and in the malformed forms a
/// tired operator types, must appear in no output: standard output, standard error, every
/// report format, snapshot files, `--timings`, and the error path of each form.
@Suite("Secrets never leak", .serialized, .enabled(if: TestPostgres.isAvailable))
struct SecretLeakTests {
  /// A way of handing envdrift the password.
  struct Form: CustomTestStringConvertible, Sendable {
    var name: String
    /// The environment argument (`NAME=SOURCE`, or a malformed argument).
    var argument: String
    var environment: [String: String] = [:]
    /// Whether the password is right and the form valid, so that a snapshot must succeed.
    var connects = false
    /// A configuration file to pass with `--config` instead of the argument.
    var config: String?
    var testDescription: String { name }
  }

  static let password =
    "Lk7-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(14)
  static let role = "leaky_\(UUID().uuidString.prefix(6).lowercased())"

  /// The password with every byte percent-encoded, as a URI may carry it.
  static var encoded: String { password.utf8.map { String(format: "%%%02X", $0) }.joined() }

  static func forms(database: String, directory: URL) -> [Form] {
    let port = TestPostgres.port
    let host = "127.0.0.1"
    let uri = "postgresql://\(role):\(password)@\(host):\(port)/\(database)"
    let keyValue = "host=\(host) port=\(port) user=\(role) dbname=\(database)"
    let passfile = directory.appendingPathComponent("pgpass")
    let servicefile = directory.appendingPathComponent("pg_service.conf")
    return [
      Form(name: "URI", argument: "a=\(uri)", connects: true),
      Form(
        name: "URI, upper-case scheme",
        argument: "a=POSTGRESQL://\(role):\(password)@\(host):\(port)/\(database)"),
      Form(
        name: "URI, percent-encoded password",
        argument: "a=postgresql://\(role):\(encoded)@\(host):\(port)/\(database)", connects: true),
      Form(
        name: "URI query password",
        argument: "a=postgresql://\(host):\(port)/\(database)?user=\(role)&password=\(password)",
        connects: true),
      Form(
        name: "URI query, percent-encoded key",
        argument: "a=postgresql://\(host):\(port)/\(database)?user=\(role)&pass%77ord=\(password)",
        connects: true),
      Form(
        name: "URI query, unknown parameter",
        argument: "a=postgresql://\(host):\(port)/\(database)?password=\(password)&bogus=1"),
      Form(
        name: "URI, two hosts, the first refusing",
        argument: "a=postgresql://\(role):\(password)@\(host):1,\(host):\(port)/\(database)",
        connects: true),
      Form(name: "key=value", argument: "a=\(keyValue) password=\(password)", connects: true),
      Form(
        name: "key = 'quoted'", argument: "a=\(keyValue) password = '\(password)'", connects: true),
      Form(name: "key=value, missing =", argument: "a=\(keyValue) password \(password)"),
      Form(name: "key=value, unterminated quote", argument: "a=\(keyValue) password='\(password)"),
      Form(name: "key=value, broken after", argument: "a=\(keyValue) password=\(password) bogus"),
      Form(name: "dbname holding a URI", argument: "a=dbname=\(uri)"),
      Form(
        name: "PGPASSWORD", argument: "a=\(keyValue)", environment: ["PGPASSWORD": password],
        connects: true),
      Form(
        name: "PGPASSWORD, wrong user",
        argument: "a=host=\(host) port=\(port) user=nobody_\(role) dbname=\(database)",
        environment: ["PGPASSWORD": password]),
      Form(
        name: "password file", argument: "a=\(keyValue)",
        environment: ["PGPASSFILE": passfile.path], connects: true),
      Form(
        name: "service file", argument: "a=service=leak",
        environment: ["PGSERVICEFILE": servicefile.path], connects: true),
      Form(
        name: "service file, missing database", argument: "a=service=leakbroken",
        environment: ["PGSERVICEFILE": servicefile.path]),
      Form(name: "NAME= forgotten", argument: uri),
      Form(name: "NAME= forgotten, with a query", argument: uri + "?sslmode=disable"),
      Form(
        name: "config url", argument: "",
        config: "environments:\n  a: {url: \"\(uri)\"}\n  b: {snapshot: REF}\n"),
      Form(
        name: "config url_env", argument: "", environment: ["LEAK_URL": uri],
        config: "environments:\n  a: {url_env: LEAK_URL}\n  b: {snapshot: REF}\n"),
      Form(
        name: "config, invalid YAML", argument: "",
        config: "environments:\n  a: {url: \"\(uri)\"\n  b: [\n"),
      Form(
        name: "config, unknown key beside the url", argument: "",
        config: "environments:\n  a: {url: \"\(uri)\", \(password): 1}\n  b: {snapshot: REF}\n"),
    ]
  }

  @Test func onePasswordInEveryFormAppearsInNoOutputAndNoFile() throws {
    let database = try TestPostgres.createDatabase(
      "leak",
      sql: """
        CREATE ROLE \(Self.role) LOGIN PASSWORD '\(Self.password)';
        CREATE TABLE t (id integer);
        CREATE TABLE django_migrations (id serial, app text, name text, applied timestamptz);
        GRANT SELECT ON django_migrations TO \(Self.role);
        """)
    defer {
      database.drop()
      _ = try? TestPostgres.runPSQL(
        database: "postgres", arguments: ["-c", "DROP ROLE IF EXISTS \(Self.role)"])
    }
    let directory = try Envdrift.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let port = TestPostgres.port
    try "127.0.0.1:\(port):*:\(Self.role):\(Self.password)\n".write(
      to: directory.appendingPathComponent("pgpass"), atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes(
      [.posixPermissions: 0o600], ofItemAtPath: directory.appendingPathComponent("pgpass").path)
    try """
    [leak]
    host=127.0.0.1
    port=\(port)
    user=\(Self.role)
    dbname=\(database.name)
    password=\(Self.password)

    [leakbroken]
    host=127.0.0.1
    port=\(port)
    user=\(Self.role)
    dbname=nosuch_\(Self.password)
    password=\(Self.password)

    """.write(
      to: directory.appendingPathComponent("pg_service.conf"), atomically: true, encoding: .utf8)
    let reference = directory.appendingPathComponent("ref.json")
    #expect(
      try Envdrift.run(["snapshot", "ref=dbname=\(database.name)", "--output", reference.path])
        .status == 0)
    let code = directory.appendingPathComponent("code/shop/migrations")
    try FileManager.default.createDirectory(at: code, withIntermediateDirectories: true)
    try """
    from django.db import migrations


    class Migration(migrations.Migration):
        operations = []

    """.write(
      to: code.appendingPathComponent("0001_initial.py"), atomically: true, encoding: .utf8)

    let forms = Self.forms(database: database.name, directory: directory)
    #expect(forms.count >= 20)
    var outputs = 0
    for form in forms {
      let work = directory.appendingPathComponent("run-\(outputs)")
      try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
      var environmentArguments = [form.argument]
      if let config = form.config {
        let file = directory.appendingPathComponent("envdrift-\(outputs).yml")
        try config.replacingOccurrences(of: "REF", with: reference.path).write(
          to: file, atomically: true, encoding: .utf8)
        environmentArguments = ["--config", file.path]
      } else {
        environmentArguments.append("b=\(reference.path)")
      }
      let removed = ["PGPASSWORD", "PGPASSFILE", "PGSERVICEFILE", "PGHOST", "PGPORT", "PGUSER"]
      let runs: [[String]] = [
        ["compare"] + environmentArguments + [
          "--format", "json", "--timings", "--save-snapshot",
          work.appendingPathComponent("saved").path,
        ],
        ["compare"] + environmentArguments + [
          "--format", "markdown", "--output", work.appendingPathComponent("report.md").path,
        ],
        ["compare"] + environmentArguments + ["--format", "github"],
        [
          "snapshot", form.config == nil ? form.argument : "a=dbname=x", "--output",
          work.appendingPathComponent("snapshot.json").path,
        ],
        [
          "verify", directory.appendingPathComponent("code").path,
          form.config == nil ? form.argument : "a=x",
        ],
        [
          "verify", directory.appendingPathComponent("code").path, "--format", "json",
          form.argument,
        ],
      ]
      for (index, arguments) in runs.enumerated() {
        if form.config != nil, index >= 3 { continue }
        let result = try Envdrift.run(
          arguments, in: work, environment: form.environment,
          removing: removed.filter {
            form.environment[$0] == nil
          })
        outputs += 1
        for (stream, text) in [("stdout", result.output), ("stderr", result.error)] {
          #expect(!Self.leaks(text), "\(form.name): \(arguments[0]) \(stream): \(text)")
        }
        #expect(result.status != 139 && !result.error.contains("Fatal error"), "\(form.name)")
        if index == 3, form.connects {
          #expect(result.status == 0, "\(form.name) should connect: \(result.error)")
        }
      }
      for file in Envdrift.files(in: work) {
        let url = work.appendingPathComponent(file)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory),
          !isDirectory.boolValue
        else { continue }
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        #expect(!Self.leaks(text), "\(form.name): \(file)")
        outputs += 1
      }
    }
    #expect(outputs > 100)
  }

  /// Whether `text` holds the password, raw, percent-encoded, or in any letter case.
  static func leaks(_ text: String) -> Bool {
    let lowered = text.lowercased()
    return lowered.contains(password.lowercased()) || lowered.contains(encoded.lowercased())
  }
}
