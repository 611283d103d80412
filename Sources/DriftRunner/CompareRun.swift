import DriftCode
import DriftCollect
import DriftCompare
import DriftModel
import DriftReport
import Foundation
import UserFiles

/// What a run ends with, as the process exit code the contract fixes.
public enum RunOutcome: Int32, Sendable {
  /// No drift (or drift that `--fail-on` accepts).
  case clean = 0
  /// Drift found.
  case drift = 1
  /// A usage, configuration or output error.
  case usage = 2
  /// An environment could not be read; the report was still written.
  case unreachable = 3
}

/// When drift makes the run fail.
public enum FailOn: String, Sendable, CaseIterable {
  /// Any finding exits 1.
  case drift
  /// Only error-severity findings exit 1.
  case error
  /// Drift never changes the exit code.
  case never
}

/// Where and how a report is written.
public struct OutputOptions: Sendable {
  /// The report format.
  public var format: ReportFormat
  /// The path to write to; `nil` picks the default, `-` is standard output.
  public var path: String?
  /// Whether an existing file may be replaced.
  public var force: Bool
  /// A Mustache template to use instead of the built-in one.
  public var templatePath: String?
  /// The directory markdown reports go to by default.
  public var reportsDirectory: String
  /// A path pattern used when `path` is `nil`: `{date}`, `{envs}` and `{format}` are replaced.
  public var pathPattern: String?

  /// Creates output options.
  public init(
    format: ReportFormat = .markdown,
    path: String? = nil,
    force: Bool = false,
    templatePath: String? = nil,
    reportsDirectory: String = "reports",
    pathPattern: String? = nil
  ) {
    self.format = format
    self.path = path
    self.force = force
    self.templatePath = templatePath
    self.reportsDirectory = reportsDirectory
    self.pathPattern = pathPattern
  }
}

/// The result of a run: what to print, and the exit code.
public struct RunResult: Sendable {
  /// What goes to standard output.
  public var standardOutput: String
  /// The exit code.
  public var outcome: RunOutcome
  /// The comparison, for callers that want more.
  public var comparison: Comparison
  /// How long each phase took: collect, compare, render and write.
  public var timings: [(phase: String, seconds: Double)] = []

  /// The timings as lines for standard error.
  public var timingLines: String {
    timings.map { "\($0.phase): \(String(format: "%.3f", $0.seconds)) s" }.joined(separator: "\n")
      + "\n"
  }
}

/// Measures phases of a run.
struct Stopwatch {
  private var last = ContinuousClock.now
  private(set) var timings: [(phase: String, seconds: Double)] = []

  mutating func lap(_ phase: String) {
    let now = ContinuousClock.now
    timings.append((phase, (now - last).seconds))
    last = now
  }
}

/// Collect → compare → render → write, for `compare` and `tenants`.
public struct CompareRun: Sendable {
  /// How environments are read.
  public var collector: EnvironmentCollector
  /// Which schemas are compared.
  public var filter: SchemaFilter
  /// How the report is written.
  public var output: OutputOptions
  /// When drift fails the run.
  public var failOn: FailOn
  /// Where each environment's snapshot is saved, if anywhere (`DIR/NAME/<time>.json`).
  public var saveSnapshotDirectory: String?
  /// The command line, for the report's checklist.
  public var command: String?
  /// Known drift to accept rather than report.
  public var acceptance: Acceptance
  /// Whether tenant schemas are compared with each other too.
  public var compareTenants: Bool
  /// The time the report is stamped and its default file name dated with.
  public var now: Date

  /// Creates a run.
  public init(
    collector: EnvironmentCollector = EnvironmentCollector(),
    filter: SchemaFilter = SchemaFilter(),
    output: OutputOptions = OutputOptions(),
    failOn: FailOn = .drift,
    saveSnapshotDirectory: String? = nil,
    command: String? = nil,
    acceptance: Acceptance = Acceptance(),
    compareTenants: Bool = true,
    now: Date = Date()
  ) {
    self.collector = collector
    self.filter = filter
    self.output = output
    self.failOn = failOn
    self.saveSnapshotDirectory = saveSnapshotDirectory
    self.command = command
    self.acceptance = acceptance
    self.compareTenants = compareTenants
    self.now = now
  }

  private var comparer: Comparer {
    Comparer(filter: filter, compareTenants: compareTenants, acceptance: acceptance)
  }

  /// Compares the environments of `sources` against `baseline` (default: the last database or
  /// snapshot listed), and with their code when one is given.
  public func compare(_ sources: SourceList, baseline: String?) async throws(RunnerError)
    -> RunResult
  {
    try sources.require(minimum: 2)
    let databases = sources.environments
    let baselineName = baseline ?? databases.last?.name ?? ""
    if let code = sources.code, code.name == baselineName {
      throw .codeBaseline(baselineName)
    }
    guard databases.contains(where: { $0.name == baselineName }) else {
      throw .unknownBaseline(baselineName, known: databases.map(\.name))
    }
    let renderer = try makeRenderer()
    try preflightOutput()
    var stopwatch = Stopwatch()
    let code = try sources.code?.read()
    var environments = try await collector.collect(databases)
    FreedMemory.giveBack()
    stopwatch.lap("collect")
    try Self.requireMatches(filter, in: environments)
    try saveSnapshots(environments)
    let comparison = comparer.compare(
      environments,
      baseline: baselineName,
      generatedAt: Timestamp.iso8601(now),
      code: code
    )
    stopwatch.lap("compare")
    // The report renders from the comparison alone: the snapshots are freed now, timed apart.
    environments = []
    stopwatch.lap("free")
    return try finish(
      stopwatch: stopwatch,
      comparison, renderer: renderer, names: sources.names)
  }

  /// Checks that each `--schema` pattern names something: a pattern that matches no schema of
  /// any environment read is a typo that would hide all drift, not a clean result.
  static func requireMatches(_ filter: SchemaFilter, in environments: [CollectedEnvironment])
    throws(RunnerError)
  {
    let snapshots = environments.compactMap(\.snapshot)
    guard !snapshots.isEmpty else { return }
    let schemas = Set(snapshots.flatMap { $0.schemas.map(\.name) })
    for pattern in filter.include where !schemas.contains(where: { Glob.matches(pattern, $0) }) {
      throw .schemaMatchesNothing(
        pattern, closest: Closest.names(to: pattern, among: schemas.sorted()))
    }
  }

  /// Compares the tenant schemas of one environment with `reference` (default: the typical one).
  public func tenants(_ spec: EnvironmentSpec, reference: String?) async throws(RunnerError)
    -> RunResult
  {
    let renderer = try makeRenderer()
    try preflightOutput()
    var stopwatch = Stopwatch()
    var environments = try await collector.collect([spec])
    FreedMemory.giveBack()
    stopwatch.lap("collect")
    try Self.requireMatches(filter, in: environments)
    if let reference, let snapshot = environments.first?.snapshot,
      !snapshot.schemas.contains(where: { $0.name == reference })
    {
      throw .unknownReference(
        reference, environment: spec.name,
        closest: Closest.names(
          to: reference, among: snapshot.tenantSchemas + snapshot.schemas.map(\.name)))
    }
    try saveSnapshots(environments)
    let comparison = comparer.compareTenants(
      of: environments[0],
      reference: reference,
      generatedAt: Timestamp.iso8601(now)
    )
    stopwatch.lap("compare")
    // The report renders from the comparison alone: the snapshots are freed now, timed apart.
    environments = []
    stopwatch.lap("free")
    return try finish(
      stopwatch: stopwatch,
      comparison, renderer: renderer, names: [spec.name, "tenants"])
  }

  private func makeRenderer() throws(RunnerError) -> ReportRenderer {
    do throws(ReportError) {
      guard let path = output.templatePath else { return try ReportRenderer() }
      let text: String
      do throws(InputFileError) {
        text = try InputFile.text(path, what: "template", limit: ReportRenderer.maximumTemplateSize)
      } catch {
        throw ReportError.unreadableTemplate(path: path, reason: error.reason)
      }
      return try ReportRenderer(template: text, path: path)
    } catch {
      throw .render(error.description)
    }
  }

  private func finish(
    stopwatch: Stopwatch,
    _ comparison: Comparison,
    renderer: ReportRenderer,
    names: [String]
  ) throws(RunnerError) -> RunResult {
    let input = ReportInput(comparison: comparison, command: command)
    let text: String
    do {
      text = try renderer.render(input, format: output.format)
    } catch {
      throw .render(error.description)
    }
    var stopwatch = stopwatch
    stopwatch.lap("render")
    let outcome = outcome(of: comparison)
    let path = output.path ?? defaultPath(names: names)
    guard let path, path != "-" else {
      return RunResult(
        standardOutput: text,
        outcome: outcome,
        comparison: comparison,
        timings: stopwatch.timings
      )
    }
    try OutputWriter.write(Data(text.utf8), to: path, force: output.force)
    stopwatch.lap("write")
    return RunResult(
      standardOutput: TerminalSummary.compare(comparison, reportPath: path),
      outcome: outcome,
      comparison: comparison,
      timings: stopwatch.timings
    )
  }

  /// Refuses at once a report path given with `--output` that could not be written.
  private func preflightOutput() throws(RunnerError) {
    if let path = output.path { try OutputWriter.preflight(path, force: output.force) }
  }

  private func defaultPath(names: [String]) -> String? {
    let date = String(Timestamp.iso8601(now).prefix(10))
    if let pattern = output.pathPattern {
      return
        pattern
        .replacingOccurrences(of: "{date}", with: date)
        .replacingOccurrences(of: "{envs}", with: names.joined(separator: "-"))
        .replacingOccurrences(of: "{format}", with: output.format.rawValue)
    }
    guard output.format == .markdown else { return nil }
    let base = "\(output.reportsDirectory)/\(date)-\(names.joined(separator: "-"))"
    var candidate = base + ".md"
    var counter = 2
    while FileManager.default.fileExists(atPath: candidate) {
      candidate = "\(base)-\(counter).md"
      counter += 1
    }
    if !FileManager.default.fileExists(atPath: output.reportsDirectory) {
      try? FileManager.default.createDirectory(
        atPath: output.reportsDirectory,
        withIntermediateDirectories: true
      )
    }
    return candidate
  }

  private func outcome(of comparison: Comparison) -> RunOutcome {
    if comparison.hasUnreachable { return .unreachable }
    switch failOn {
    case .never: return .clean
    case .error: return comparison.findings.contains { $0.severity == .error } ? .drift : .clean
    case .drift: return comparison.hasDrift ? .drift : .clean
    }
  }

  private func saveSnapshots(_ environments: [CollectedEnvironment]) throws(RunnerError) {
    guard let directory = saveSnapshotDirectory else { return }
    for environment in environments {
      guard let snapshot = environment.snapshot else { continue }
      let folder = "\(directory)/\(environment.name)"
      do {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      } catch {
        throw .outputFailed(path: folder, reason: "cannot create the directory")
      }
      let stamp = snapshot.environment.collectedAt.replacingOccurrences(of: ":", with: "")
      try OutputWriter.write(to: "\(folder)/\(stamp).json", force: false) {
        try SnapshotFile.encode(snapshot, into: $0)
      }
    }
  }
}

extension Duration {
  /// The duration in seconds, as a `Double`.
  var seconds: Double {
    Double(components.seconds) + Double(components.attoseconds) / 1e18
  }
}
