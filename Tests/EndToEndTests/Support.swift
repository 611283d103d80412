import Foundation
import TestSupport

/// Runs the built `envdrift` binary as a user would.
enum Envdrift {
  /// Finding kinds that describe the test cluster rather than a database.
  ///
  /// The cluster's roles, settings and tablespaces change under a test whenever a suite
  /// running beside it creates or drops one, so a test that compares a snapshot file with the
  /// live cluster, or two clusters, sees them move. Suites about them (the role, setting and
  /// tablespace tests) look at their own objects by name.
  static let clusterKinds = ["role.", "membership.", "setting.", "database.", "tablespace."]

  /// The findings of `envdrift compare a b --baseline a --format json`, with the run's status
  /// checked (0 or 1).
  static func findings(comparing a: String, with b: String) throws -> [[String: Any]] {
    let result = try run([
      "compare", "a=\(a)", "b=\(b)", "--baseline", "a", "--format", "json", "--output", "-",
    ])
    guard [0, 1].contains(result.status),
      let document = try? JSONSerialization.jsonObject(with: Data(result.output.utf8))
        as? [String: Any]
    else {
      throw Failure(message: "compare failed (\(result.status)): \(result.error)")
    }
    return document["findings"] as? [[String: Any]] ?? []
  }

  /// A run that did not give what a helper needs.
  struct Failure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
  }

  /// `findings` without ``clusterKinds``.
  static func schemaFindings(_ findings: [[String: Any]]) -> [[String: Any]] {
    findings.filter { finding in
      let kind = finding["kind"] as? String ?? ""
      return !clusterKinds.contains { kind.hasPrefix($0) }
    }
  }

  static var binary: URL {
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
      .appendingPathComponent("envdrift")
    if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
    return TestFixtures.repositoryRoot.appendingPathComponent(".build/debug/envdrift")
  }

  static func run(
    _ arguments: [String],
    in directory: URL? = nil,
    environment extra: [String: String] = [:],
    removing removed: [String] = [],
    killAfter seconds: Double? = nil,
    input: String? = nil
  ) throws -> Subprocess.Result {
    var environment = ProcessInfo.processInfo.environment
    for (key, value) in extra { environment[key] = value }
    for key in removed { environment.removeValue(forKey: key) }
    return try Subprocess.run(
      binary, arguments, environment: environment, directory: directory, input: input,
      killAfter: seconds)
  }

  static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "envdrift-e2e-\(UUID())")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  static func files(in directory: URL) -> [String] {
    let enumerator = FileManager.default.enumerator(atPath: directory.path)
    var files: [String] = []
    while let next = enumerator?.nextObject() as? String { files.append(next) }
    return files.sorted()
  }
}

/// The seed incident's databases, built once per test run.
enum SeedDatabases {
  struct Set: Sendable {
    var dev: TestDatabase
    var uat: TestDatabase
    var prod: TestDatabase
  }

  static func make() throws -> Set {
    func load(_ name: String) throws -> TestDatabase {
      let directory = TestFixtures.repositoryRoot.appendingPathComponent("examples/seed-incident")
      let database = try TestPostgres.createDatabase("e2e_\(name)")
      try TestPostgres.runPSQL(
        database: database.name,
        arguments: ["-f", directory.appendingPathComponent("\(name).sql").path]
      )
      return database
    }
    return Set(dev: try load("dev"), uat: try load("uat"), prod: try load("prod"))
  }
}
