import ArgumentParser
import DriftCompare
import DriftReport
import DriftRunner
import Foundation

/// `envdrift compare`: compare two or more environments against a baseline.
struct Compare: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Compare two or more environments against a baseline.",
    discussion: """
      The baseline is the last environment listed unless --baseline names another, so
      `envdrift compare dev=… uat=… prod=…` compares dev and uat against prod. Tenant schemas of
      each environment are compared with each other too.

      Examples:
        envdrift compare dev=postgresql://localhost/app_dev prod=service=prod
        envdrift compare dev=dev.json prod=postgresql://prod/app --format json
        envdrift compare prod-yesterday=snapshots/prod/2026-11-20T030000Z.json prod=service=prod
      """
  )

  @Argument(help: "Environments as NAME=SOURCE (a connection string or a snapshot .json file).")
  var environments: [String] = []

  @Option(help: "The environment the others are compared against (default: the last one).")
  var baseline: String?

  @OptionGroup var report: ReportFlags
  @OptionGroup var connection: ConnectionFlags

  func run() async throws {
    let specs = try parseEnvironments(environments)
    let run = CompareRun(
      collector: connection.collector(),
      filter: SchemaFilter(include: report.schemas, exclude: report.excludedSchemas),
      output: report.outputOptions,
      failOn: report.failOn.value,
      saveSnapshotDirectory: report.saveSnapshot,
      command: "envdrift compare " + specs.map(\.name).joined(separator: " ")
    )
    let result = try await run.compare(specs, baseline: baseline)
    Output.emit(result.standardOutput, quiet: report.quiet && report.output != "-")
    throw ExitCode(result.outcome.rawValue)
  }
}

/// `envdrift tenants`: compare the tenant schemas of one environment with each other.
struct Tenants: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Compare the tenant schemas of one environment with each other.",
    discussion: """
      Tenants are the schemas django-tenants' tenant table lists, or else every schema but
      public with its own django_migrations. They are compared with --reference, or by default
      with the tenant whose shape most tenants share.

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

  func run() async throws {
    let specs = try parseEnvironments([environment])
    let run = CompareRun(
      collector: connection.collector(),
      filter: SchemaFilter(include: report.schemas, exclude: report.excludedSchemas),
      output: report.outputOptions,
      failOn: report.failOn.value,
      saveSnapshotDirectory: report.saveSnapshot,
      command: "envdrift tenants \(specs[0].name)"
    )
    let result = try await run.tenants(specs[0], reference: reference)
    Output.emit(result.standardOutput, quiet: report.quiet && report.output != "-")
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

  func run() async throws {
    let specs = try parseEnvironments([environment])
    let result = try await SnapshotRun(collector: connection.collector())
      .run(specs[0], path: output, force: force)
    Output.emit(result.output, quiet: false)
    if let error = result.error { Output.error(error) }
    throw ExitCode(result.outcome.rawValue)
  }
}

extension ReportFlags {
  var outputOptions: OutputOptions {
    let format: ReportFormat =
      switch self.format {
      case .markdown: .markdown
      case .github: .github
      case .json: .json
      }
    return OutputOptions(format: format, path: output, force: force, templatePath: template)
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

/// Writes to the standard streams.
enum Output {
  static func emit(_ text: String, quiet: Bool) {
    guard !quiet, !text.isEmpty else { return }
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  static func error(_ text: String) {
    FileHandle.standardError.write(Data("envdrift: \(text)\n".utf8))
  }
}
