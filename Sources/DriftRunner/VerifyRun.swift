import DriftCode
import DriftCollect
import DriftCompare
import DriftModel
import DriftReport
import Foundation

/// `envdrift verify`: are the code's migrations applied everywhere, and will the pending ones
/// run? For deployment pipelines and container entrypoints.
public struct VerifyRun: Sendable {
  /// How verify prints its result.
  public enum Format: String, Sendable, CaseIterable {
    /// One line per schema that needs attention.
    case text
    /// The JSON findings document.
    case json
  }

  /// How environments are read.
  public var collector: EnvironmentCollector
  /// Which schemas are checked.
  public var filter: SchemaFilter
  /// How the result is printed.
  public var format: Format

  /// The time the answer is stamped with.
  public var now: Date

  /// Creates a verify run.
  public init(
    collector: EnvironmentCollector = EnvironmentCollector(),
    filter: SchemaFilter = SchemaFilter(),
    format: Format = .text,
    now: Date = Date()
  ) {
    self.collector = collector
    self.filter = filter
    self.format = format
    self.now = now
  }

  /// Checks `code` (a directory or `git:REF:path`) against every environment of `environments`,
  /// which holds no code of its own.
  ///
  /// Exit 1 when any schema has pending migrations, hazards, an inconsistent history or an
  /// applied migration whose effect is absent; 3 when
  /// an environment, or the migration table of a schema checked, could not be read; 0 when
  /// everything is applied.
  public func verify(code: String, environments: SourceList) async throws(RunnerError)
    -> RunResult
  {
    if let named = environments.code {
      throw .moreThanOneCode([code, named.name])
    }
    try environments.require(minimum: 1)
    let files = try CodeSpec(name: "code", location: CodeLocation(code)).read()
    // Verify checks names only: a names-only read takes no deparse and no lock on a user table.
    var collector = collector
    collector.depth = .names
    let collected = try await collector.collect(environments.environments)
    try CompareRun.requireMatches(filter, in: collected)
    let comparison = Comparer(filter: filter, compareTenants: false).verify(
      collected,
      code: files,
      generatedAt: Timestamp.iso8601(now)
    )
    let blocking = comparison.findings.contains(where: \.blocksDeployment)
    // A schema whose migration table could not be read is not verified: like an unreachable
    // environment, it makes the answer unknown, never "applied".
    let unverified = comparison.environments.contains { !$0.unreadableMigrationTables.isEmpty }
    let outcome: RunOutcome =
      comparison.hasUnreachable || unverified ? .unreachable : (blocking ? .drift : .clean)
    let text: String
    switch format {
    case .json:
      do throws(ReportError) {
        text = try ReportRenderer.json(comparison)
      } catch {
        throw .render(error.description)
      }
    case .text:
      text = TerminalSummary.verify(comparison)
    }
    return RunResult(standardOutput: text, outcome: outcome, comparison: comparison)
  }

}
