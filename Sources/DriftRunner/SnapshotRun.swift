import DriftCollect
import DriftModel
import Foundation

/// `envdrift snapshot`: read one environment and write its snapshot file.
public struct SnapshotRun: Sendable {
  /// How the environment is read.
  public var collector: EnvironmentCollector

  /// Creates a run.
  public init(collector: EnvironmentCollector = EnvironmentCollector()) {
    self.collector = collector
  }

  /// Snapshots `spec` to `path` (`nil` or `-`: standard output).
  public func run(_ spec: EnvironmentSpec, path: String?, force: Bool) async throws(RunnerError)
    -> (output: String, error: String?, outcome: RunOutcome)
  {
    let environment = try await collector.collect([spec])[0]
    guard let snapshot = environment.snapshot else {
      let state = environment.changing ? "changing: DDL in progress: " : ""
      return (
        "", "\(spec.name): \(state)\(environment.error ?? "could not be read")", .unreachable
      )
    }
    guard let path, path != "-" else {
      let data: Data
      do {
        data = try SnapshotFile.encode(snapshot)
      } catch {
        throw .outputFailed(path: "-", reason: "cannot encode the snapshot")
      }
      return (String(decoding: data, as: UTF8.self), nil, .clean)
    }
    try OutputWriter.write(to: path, force: force) { try SnapshotFile.encode(snapshot, into: $0) }
    let tables = snapshot.schemas.reduce(0) { $0 + $1.tables.count }
    let migrations = snapshot.migrationTables.reduce(0) { $0 + $1.rows.count }
    return (
      "\(spec.name): \(snapshot.schemas.count) schemas, \(tables) tables, \(migrations) migration"
        + " rows; snapshot written to \(path)\n",
      nil,
      .clean
    )
  }
}
