import ArgumentParser
import DriftModel
import DriftRunner
import Foundation
import PostgresClient

/// The `envdrift` command: finds where PostgreSQL environments have drifted apart.
struct Envdrift: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "envdrift",
    abstract: "Find where PostgreSQL environments have drifted apart: migrations, schema, tenants.",
    discussion: """
      Examples:
        envdrift compare dev=postgresql://dev-db/app prod=service=prod
        envdrift compare dev=… uat=… prod=… --format github --output comment.md
        envdrift tenants prod=postgresql://prod-db/app
        envdrift snapshot prod=postgresql://prod-db/app --output prod.json

      SOURCE is any libpq connection string (URI, key=value, service=NAME; \
      PGPASSWORD, ~/.pgpass and PGSERVICEFILE work as in psql) or a snapshot file (*.json).

      Exit codes: 0 no drift, 1 drift found, 2 usage, configuration or output error, \
      3 an environment could not be read (the report is still written).
      """,
    version: EnvdriftVersion.current,
    subcommands: [Compare.self, Tenants.self, Verify.self, Explain.self, Snapshot.self, Init.self]
  )
}

/// The time of a run, for every command that reads a database: the clock, or `--now`.
///
/// Snapshots record it, reports are stamped and dated with it, and accepted drift expires by
/// it; tests and reproducible reports give it with `--now`.
struct ClockFlags: ParsableArguments {
  @Option(
    name: .customLong("now"),
    help: ArgumentHelp("The time to record instead of the clock (ISO 8601).", visibility: .hidden)
  )
  var now: String?

  func validate() throws {
    if let now, ISO8601DateFormatter().date(from: now) == nil {
      throw ValidationError("--now must be an ISO 8601 time such as 2026-11-21T03:00:00Z")
    }
  }

  /// The time of this run: `--now`, or the clock.
  var date: Date {
    now.flatMap { ISO8601DateFormatter().date(from: $0) } ?? Date()
  }
}

/// Options shared by every command that reads a database.
struct ConnectionFlags: ParsableArguments {
  @Option(
    name: .customLong("connect-timeout"), parsing: .unconditional,
    help: "Seconds to wait for each connection (1 or more).")
  var connectTimeout: Int = 10

  @Option(
    name: .customLong("statement-timeout"), parsing: .unconditional,
    help: "Seconds any one catalog query may run (0.001 or more).")
  var statementTimeout: Double = 60

  @Option(
    name: .customLong("lock-timeout"), parsing: .unconditional,
    help: "Seconds a query may wait for a lock (0.001 or more).")
  var lockTimeout: Double = 5

  @Option(
    name: .customLong("environment-timeout"), parsing: .unconditional,
    help: "Seconds reading one environment may take in all (0.001 or more).")
  var environmentTimeout: Double = 600

  @Option(name: .customLong("jobs"), help: "How many environments to read at once.")
  var jobs: Int = 4

  func validate() throws {
    let limit = EnvironmentCollector.maximumTimeoutSeconds
    guard connectTimeout > 0, Double(connectTimeout) <= limit else {
      throw ValidationError(
        "--connect-timeout must be a whole number of seconds from 1 to \(Int(limit))")
    }
    for (option, value) in [
      ("statement", statementTimeout), ("lock", lockTimeout), ("environment", environmentTimeout),
    ]
    where ConnectionOptions.milliseconds(fromSeconds: value) == nil {
      throw ValidationError("--\(option)-timeout must be \(ConnectionOptions.acceptedSeconds)")
    }
    guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 64") }
  }

  /// A collector with these settings that records `now` in the snapshots it takes.
  func collector(quiet: Bool, now: Date) -> EnvironmentCollector {
    var collector = EnvironmentCollector(
      connectTimeout: connectTimeout,
      statementTimeout: statementTimeout,
      lockTimeout: lockTimeout,
      environmentTimeout: environmentTimeout,
      concurrency: jobs,
      now: now
    )
    if !quiet, Terminal.isInteractive(FileHandle.standardError) {
      collector.progress = { line in Output.progress(line) }
    }
    return collector
  }
}

/// Options for where and how a report is written.
struct ReportFlags: ParsableArguments {
  @Option(help: "Report format: markdown (default), github or json.")
  var format: ReportFormatArgument?

  @Option(
    name: .shortAndLong,
    help: ArgumentHelp(
      "Where to write the report ('-' for standard output).",
      discussion: "Default: a new file under reports/ for markdown, standard output otherwise."
    )
  )
  var output: String?

  @Flag(help: "Overwrite the output file if it exists.")
  var force = false

  @Option(help: "A Mustache template to render instead of the built-in one.")
  var template: String?

  @Option(
    name: .customLong("fail-on"), help: "When drift exits 1: drift (default), error or never.")
  var failOn: FailOnArgument?

  @Option(
    name: .customLong("schema"), help: "Only compare schemas matching this glob (repeatable).")
  var schemas: [String] = []

  @Option(
    name: .customLong("exclude-schema"), help: "Leave out schemas matching this glob (repeatable).")
  var excludedSchemas: [String] = []

  @Option(
    name: .customLong("save-snapshot"),
    help: "Also save each environment's snapshot as DIR/NAME/<time>.json."
  )
  var saveSnapshot: String?

  @Flag(name: .shortAndLong, help: "Print nothing but errors (for cron).")
  var quiet = false

  @Flag(
    help:
      "Print how long collecting, comparing, freeing the snapshots and rendering took, on standard error."
  )
  var timings = false
}

/// `--format` values.
enum ReportFormatArgument: String, ExpressibleByArgument, CaseIterable {
  case markdown, github, json
}

/// `--fail-on` values.
enum FailOnArgument: String, ExpressibleByArgument, CaseIterable {
  case drift, error, never
}

/// Parses `NAME=SOURCE` arguments, turning a malformed one into a validation error.
func parseSources(_ arguments: [String]) throws -> [SourceArgument] {
  try arguments.map { argument in
    do throws(RunnerError) {
      return try SourceArgument(parsing: argument)
    } catch {
      throw ValidationError(error.description)
    }
  }
}

/// Parses and gathers `NAME=SOURCE` arguments; a name given twice, or a second code, is the
/// run's error.
func parseSourceList(_ arguments: [String]) throws -> SourceList {
  try SourceList(parseSources(arguments))
}

/// Parses the one environment of `tenants` or `snapshot`, which read a database or a snapshot
/// file and never code.
func parseEnvironment(_ argument: String, for command: String) throws -> EnvironmentSpec {
  switch try parseSources([argument])[0] {
  case .environment(let spec): return spec
  case .code(let code):
    throw ValidationError(
      "\"\(code.name)\" is a code source (a directory or git:REF:path); \(command) reads a"
        + " database or a snapshot file")
  }
}
