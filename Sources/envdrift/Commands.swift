import ArgumentParser
import DriftModel
import DriftReport
import DriftRunner
import Foundation
import PostgresClient

/// `envdrift compare`: compare two or more environments against a baseline.
struct Compare: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Compare two or more environments against a baseline.",
    discussion: """
      The baseline is the last environment listed unless --baseline names another, so \
      `envdrift compare dev=… uat=… prod=…` compares dev and uat against prod. Tenant \
      schemas of each environment are compared with each other too.

      Examples:
        envdrift compare dev=postgresql://localhost/app_dev prod=service=prod
        envdrift compare dev=dev.json prod=postgresql://prod/app --format json
        envdrift compare --config envdrift.yml --format github --output comment.md
        envdrift compare prod=service=prod --since snaps --save-snapshot snaps

      Command-line options win over the configuration file's.
      """
  )

  @Argument(help: "Environments as NAME=SOURCE (a connection string or a snapshot .json file).")
  var environments: [String] = []

  @Option(help: "The environment the others are compared against (default: the last one).")
  var baseline: String?

  @Option(help: "Read environments, schemas, accepted drift and output from this YAML file.")
  var config: String?

  @Option(
    help: ArgumentHelp(
      "Compare one environment with its newest snapshot saved under this directory.",
      discussion: "Saved by --save-snapshot as DIR/NAME/<time>.json; reports what changed since."
    )
  )
  var since: String?

  @OptionGroup var report: ReportFlags
  @OptionGroup var connection: ConnectionFlags
  @OptionGroup var clock: ClockFlags

  func run() async throws {
    var request = report.request
    request.environments = try parseSources(environments)
    request.baseline = baseline
    request.configurationPath = config
    request.since = since
    let plan: CompareRequest.Plan
    let now = clock.date
    do throws(CompareRequestError) {
      plan = try request.plan(
        collector: connection.collector(quiet: report.quiet, now: now), date: now)
    } catch {
      if case .runner(let error) = error { throw error }
      throw ValidationError(error.description)
    }
    let result = try await plan.run.compare(plan.sources, baseline: plan.baseline)
    Output.emit(result.standardOutput, quiet: report.quiet && report.output != "-")
    if report.timings { Output.timings(result.timingLines) }
    throw ExitCode(result.outcome.rawValue)
  }
}

/// `envdrift init`: write a commented example configuration.
struct Init: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Write a commented example configuration file (envdrift.yml).",
    discussion: "Then: envdrift compare --config envdrift.yml"
  )

  @Option(name: .shortAndLong, help: "Where to write it.")
  var output = "envdrift.yml"

  @Flag(help: "Overwrite the file if it exists.")
  var force = false

  func run() throws {
    try OutputWriter.write(Data((Configuration.example + "\n").utf8), to: output, force: force)
    Output.emit(
      "wrote \(output); edit it, then run: envdrift compare --config \(output)\n", quiet: false)
  }
}

/// `envdrift tenants`: compare the tenant schemas of one environment with each other.
struct Tenants: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Compare the tenant schemas of one environment with each other.",
    discussion: """
      Tenants are the schemas django-tenants' tenant table lists, or else every schema \
      but public with its own django_migrations. They are compared with --reference, or \
      by default with the tenant whose shape most tenants share.

      Example:
        envdrift tenants prod=postgresql://prod-db/app --reference acme
      """
  )

  @Argument(help: "The environment as NAME=SOURCE.")
  var environment: String

  @Option(help: "The tenant schema the others are compared with.")
  var reference: String?

  @OptionGroup var report: ReportFlags
  @OptionGroup var connection: ConnectionFlags
  @OptionGroup var clock: ClockFlags

  func run() async throws {
    let spec = try parseEnvironment(environment, for: "tenants")
    var request = report.request
    request.command = "envdrift tenants \(spec.name)"
    // Without a configuration file or --since, planning cannot fail.
    let now = clock.date
    let run = try request.plan(
      collector: connection.collector(quiet: report.quiet, now: now), date: now
    ).run
    let result = try await run.tenants(spec, reference: reference)
    Output.emit(result.standardOutput, quiet: report.quiet && report.output != "-")
    if report.timings { Output.timings(result.timingLines) }
    throw ExitCode(result.outcome.rawValue)
  }
}

/// `envdrift snapshot`: save one environment's snapshot to a file.
struct Snapshot: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Save one environment's schema and migration history as a snapshot file.",
    discussion: """
      Every command that takes NAME=SOURCE accepts the file instead of a live database.

      Example:
        envdrift snapshot prod=postgresql://prod-db/app --output prod.json
      """
  )

  @Argument(help: "The environment as NAME=SOURCE.")
  var environment: String

  @Option(name: .shortAndLong, help: "The file to write ('-' or none: standard output).")
  var output: String?

  @Flag(help: "Overwrite the output file if it exists.")
  var force = false

  @OptionGroup var connection: ConnectionFlags
  @OptionGroup var clock: ClockFlags

  func run() async throws {
    let spec = try parseEnvironment(environment, for: "snapshot")
    let result = try await SnapshotRun(
      collector: connection.collector(quiet: false, now: clock.date)
    )
    .run(spec, path: output, force: force)
    Output.emit(result.output, quiet: false)
    if let error = result.error { Output.error(error) }
    throw ExitCode(result.outcome.rawValue)
  }
}

extension ReportFlags {
  /// The report options as a request; the command fills in the rest.
  var request: CompareRequest {
    var request = CompareRequest()
    request.format = format.map {
      switch $0 {
      case .markdown: .markdown
      case .github: .github
      case .json: .json
      }
    }
    request.output = output
    request.force = force
    request.template = template
    request.failOn = failOn?.value
    request.schemas = schemas
    request.excludedSchemas = excludedSchemas
    request.saveSnapshot = saveSnapshot
    return request
  }
}

extension FailOnArgument {
  var value: FailOn {
    switch self {
    case .drift: .drift
    case .error: .error
    case .never: .never
    }
  }
}

/// Writes to the standard streams, with colour only on a terminal and never with `NO_COLOR`.
///
/// Every line passes through the process's ``SecretRegistry`` and ``TerminalText`` here, the
/// one place text reaches a terminal: no password, escape sequence or bidirectional override
/// that a name or a message carries is written raw.
enum Output {
  static func emit(_ text: String, quiet: Bool) {
    guard !quiet, !text.isEmpty else { return }
    let safe = TerminalText.lines(SecretRegistry.shared.scrubber.scrub(text))
    let colored =
      Terminal.wantsColor(FileHandle.standardOutput) ? TerminalSummary.colorize(safe) : safe
    FileHandle.standardOutput.write(Data(colored.utf8))
  }

  static func progress(_ line: String) {
    error(line)
  }

  /// `--timings` lines, on standard error.
  static func timings(_ lines: String) {
    let safe = TerminalText.lines(SecretRegistry.shared.scrubber.scrub(lines))
    FileHandle.standardError.write(Data(safe.utf8))
  }

  static func error(_ text: String) {
    let safe = TerminalText.value(SecretRegistry.shared.scrubber.scrub(text))
    FileHandle.standardError.write(Data("envdrift: \(safe)\n".utf8))
  }
}

/// What the standard streams are connected to.
enum Terminal {
  static func isInteractive(_ handle: FileHandle) -> Bool {
    isatty(handle.fileDescriptor) == 1
  }

  static func wantsColor(_ handle: FileHandle) -> Bool {
    isInteractive(handle) && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
      && ProcessInfo.processInfo.environment["TERM"] != "dumb"
  }
}

/// `envdrift verify`: check that the code's migrations are applied everywhere and will run.
struct Verify: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check that the code's migrations are applied in every schema and will not fail.",
    discussion: """
      CODE is a directory holding Django apps (<app>/migrations/NNNN_*.py) or git:REF:path, \
      read with git from the repository in the current directory. Each environment is read \
      with a fixed number of queries however many tenant schemas it has.

      Exit codes: 0 everything applied, 1 a schema has pending migrations, a migration that \
      will fail or an inconsistent history, 2 usage error, 3 an environment could not be read.

      Examples:
        envdrift verify ./backend prod=service=prod
        envdrift verify git:main:backend dev=postgresql://localhost/app uat=service=uat
      """
  )

  @Argument(help: "The code: a directory, or git:REF:path.")
  var code: String

  @Argument(help: "Environments as NAME=SOURCE (a connection string or a snapshot .json file).")
  var environments: [String] = []

  @Option(help: "text (one line per schema that needs attention) or json.")
  var format: VerifyFormatArgument = .text

  @Option(
    name: .customLong("schema"), help: "Only check schemas matching this glob (repeatable).")
  var schemas: [String] = []

  @Option(
    name: .customLong("exclude-schema"), help: "Leave out schemas matching this glob (repeatable).")
  var excludedSchemas: [String] = []

  @OptionGroup var connection: ConnectionFlags
  @OptionGroup var clock: ClockFlags

  func validate() throws {
    guard !environments.isEmpty else {
      throw ValidationError("verify needs at least one environment as NAME=SOURCE after CODE")
    }
  }

  func run() async throws {
    let sources = try parseSourceList(environments)
    let now = clock.date
    let run = VerifyRun(
      collector: connection.collector(quiet: false, now: now),
      filter: SchemaFilter(include: schemas, exclude: excludedSchemas),
      format: format.value,
      now: now
    )
    let result = try await run.verify(code: code, environments: sources)
    Output.emit(result.standardOutput, quiet: false)
    throw ExitCode(result.outcome.rawValue)
  }
}

/// `verify --format` values.
enum VerifyFormatArgument: String, ExpressibleByArgument, CaseIterable {
  case text, json

  var value: VerifyRun.Format { self == .json ? .json : .text }
}

struct Explain: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract:
      "Explain a PostgreSQL or Django error: where the object is, what changed it, the fix.",
    discussion: """
      ERROR is the message, a Django traceback or a whole CI log; give '-' or leave it out \
      to read standard input. The environments are read names only (as verify reads them); \
      code=DIR or code=git:REF:path adds what the project's migrations do.

      Exit codes: 0 explained, 2 no error explain understands (or a usage error), 3 an \
      environment could not be read (the others still answer).

      Examples:
        envdrift explain 'relation "finance_invoice" does not exist' prod=service=prod
        kubectl logs job/migrate | envdrift explain - dev=service=dev prod=service=prod code=./backend
      """
  )

  @Argument(
    help: "The error text, '-' for standard input, then environments as NAME=SOURCE and code=DIR.")
  var arguments: [String] = []

  @Option(help: "text (default), markdown or json.")
  var format: ExplainFormatArgument = .text

  @OptionGroup var connection: ConnectionFlags
  @OptionGroup var clock: ClockFlags

  /// Whether `argument` reads as NAME=SOURCE rather than as error text.
  static func isEnvironment(_ argument: String) -> Bool {
    guard let equals = argument.firstIndex(of: "="), equals > argument.startIndex else {
      return false
    }
    return argument[..<equals].allSatisfy { $0.isLetter || $0.isNumber || "._-".contains($0) }
  }

  func run() async throws {
    var rest = arguments
    var text: String
    if let first = rest.first, !Self.isEnvironment(first) {
      rest.removeFirst()
      text = first
    } else {
      text = "-"
    }
    if text == "-" {
      text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }
    guard !rest.isEmpty else {
      throw ValidationError("explain needs at least one environment as NAME=SOURCE")
    }
    let sources = try parseSourceList(rest)
    let run = ExplainRun(
      collector: connection.collector(quiet: false, now: clock.date), format: format.value)
    let result = try await run.explain(text, environments: sources)
    Output.emit(result.standardOutput, quiet: false)
    throw ExitCode(result.outcome.rawValue)
  }
}

/// `explain --format` values.
enum ExplainFormatArgument: String, ExpressibleByArgument, CaseIterable {
  case text, markdown, json

  var value: ExplainRenderer.Format {
    switch self {
    case .text: .text
    case .markdown: .markdown
    case .json: .json
    }
  }
}
