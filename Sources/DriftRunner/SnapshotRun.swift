import DriftCollect
import DriftModel
import Foundation

/// `envdrift snapshot`: read one environment and write its snapshot file.
public struct SnapshotRun: Sendable {
  /// How the environment is read.
  public var collector: EnvironmentCollector

  /// What a snapshot run prints, and the exit code.
  public struct Result: Sendable {
    /// What goes to standard output: the summary line, or the snapshot itself.
    public var output: String
    /// What goes to standard error, when the environment could not be read.
    public var error: String?
    /// The exit code.
    public var outcome: RunOutcome
  }

  /// Creates a run.
  public init(collector: EnvironmentCollector = EnvironmentCollector()) {
    self.collector = collector
  }

  /// Snapshots `spec` to `path` (`nil` or `-`: standard output).
  public func run(_ spec: EnvironmentSpec, path: String?, force: Bool) async throws(RunnerError)
    -> Result
  {
    if let path { try OutputWriter.preflight(path, force: force) }
    let environment = try await collector.collect([spec])[0]
    guard let snapshot = environment.snapshot else {
      let state = environment.changing ? "changing: DDL in progress: " : ""
      return Result(
        output: "", error: "\(spec.name): \(state)\(environment.error ?? "could not be read")",
        outcome: .unreachable)
    }
    guard let path, path != "-" else {
      let data: Data
      do {
        data = try SnapshotFile.encode(snapshot)
      } catch {
        throw .outputFailed(path: "-", reason: "cannot encode the snapshot")
      }
      return Result(output: String(decoding: data, as: UTF8.self), error: nil, outcome: .clean)
    }
    try OutputWriter.write(to: path, force: force) { try SnapshotFile.encode(snapshot, into: $0) }
    let tables = snapshot.schemas.reduce(0) { $0 + $1.tables.count }
    let migrations = snapshot.migrationTables.reduce(0) { $0 + $1.rows.count }
    return Result(
      output: "\(spec.name): \(snapshot.schemas.count) schemas, \(tables) tables, \(migrations)"
        + " migration rows; snapshot written to \(path)\n",
      error: nil, outcome: .clean)
  }
}
