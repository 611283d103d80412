import DriftCode
import DriftCollect
import DriftCompare
import DriftModel
import DriftReport
import Foundation

/// `envdrift explain`: finds the errors in a pasted message, traceback or log, and answers each
/// from the environments' names and migration rows (and the code, when given).
public struct ExplainRun: Sendable {
  /// How environments are read; they are read names only, like `verify`.
  public var collector: EnvironmentCollector
  /// How the answer is written.
  public var format: ExplainRenderer.Format

  /// Creates an explain run.
  public init(
    collector: EnvironmentCollector = EnvironmentCollector(),
    format: ExplainRenderer.Format = .text
  ) {
    self.collector = collector
    self.format = format
  }

  /// What an explanation prints, and the exit code.
  public struct Result: Sendable {
    /// The answer, in the format asked for.
    public var standardOutput: String
    /// The exit code.
    public var outcome: RunOutcome
  }

  /// The answer to every error in `text`.
  ///
  /// Exit 0 when explained; 3 when an environment could not be read (the others still
  /// answer). Text without an error it understands is an error (exit 2).
  public func explain(_ text: String, environments sources: SourceList) async throws(RunnerError)
    -> Result
  {
    let errors = ErrorText.errors(in: text)
    guard !errors.isEmpty else { throw .nothingToExplain(understood: ErrorText.understood) }
    try sources.require(minimum: 1)
    let code = try sources.code?.read()
    let databases = sources.environments
    let explainer = Explainer(code: code?.files)
    // Only the names the errors need are read: the objects, their tables, what they were
    // renamed to, and the migration rows.
    let wanted = explainer.names(for: errors)
    var collector = collector
    collector.depth = .namesMatching(
      NameFilter(names: wanted.names, renamedFrom: wanted.renamedFrom, access: wanted.access))
    var collected = try await collector.collect(databases)
    // An object found in some places and absent from others, with no migration saying where
    // it went: its table is read again with definitions, to find it under another name.
    var tables = Set<String>()
    var columnSets = Set<String>()
    var schemas = Set<String>()
    for error in errors {
      let first = explainer.explain(error, in: collected)
      if let needed = explainer.definitionsNeeded(for: first, in: collected) {
        tables.formUnion(needed.tables)
        columnSets.formUnion(needed.columnSets)
        schemas.formUnion(needed.schemas)
      }
    }
    if !schemas.isEmpty {
      // Those schemas alone, with definitions; their names replace the first read's.
      collector.depth = .namesMatching(
        NameFilter(
          names: wanted.names.union(tables), definitionSchemas: schemas, columnSets: columnSets))
      let definitions = try await collector.collect(databases)
      for (index, environment) in definitions.enumerated() {
        guard let read = environment.snapshot?.namesOnly, index < collected.count else { continue }
        for (schema, names) in read { collected[index].snapshot?.namesOnly?[schema] = names }
      }
    }
    var everything: [Snapshot]?
    var explanations: [Explanation] = []
    for error in errors {
      var explanation = explainer.explain(error, in: collected)
      if !explanation.foundAnywhere, !error.isHistory {
        // Found nowhere: every name is read once, for the closest ones.
        if everything == nil {
          collector.depth = .names
          everything = try await collector.collect(databases).compactMap(\.snapshot)
        }
        explanation.closest = Closest.names(to: error.name, among: Self.names(in: everything ?? []))
      }
      explanations.append(explanation)
    }
    let output: String
    do throws(ReportError) {
      output = try ExplainRenderer.render(explanations, format: format)
    } catch {
      throw .render(error.description)
    }
    let unread = collected.contains { $0.snapshot == nil }
    return Result(standardOutput: output, outcome: unread ? .unreachable : .clean)
  }

  /// Every name in `snapshots`, schemas included, for the closest-name suggestion.
  private static func names(in snapshots: [Snapshot]) -> [String] {
    var names = Set<String>()
    for snapshot in snapshots {
      for schema in snapshot.allNames.values { names.formUnion(schema.everyName) }
      names.formUnion(snapshot.schemas.map(\.name))
    }
    return Array(names)
  }
}
