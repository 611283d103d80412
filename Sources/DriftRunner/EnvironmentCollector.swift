import DriftCollect
import DriftModel
import Foundation
import PostgresClient

/// Reads environments in parallel, one connection and one task each, bounded in number.
///
/// An environment that cannot be read never stops the others: it comes back with its reason.
public struct EnvironmentCollector: Sendable {
  /// Connection and timeout settings for live databases.
  public var options: ConnectionOptions
  /// The most environments read at once.
  public var concurrency: Int
  /// The time recorded in new snapshots; injected for deterministic tests.
  public var now: Date
  /// Told when each environment has been read, with how long it took.
  public var progress: (@Sendable (String) -> Void)?
  /// How much of each live database is read.
  public var depth: SnapshotCollector.Depth = .full

  /// Creates a collector.
  public init(
    options: ConnectionOptions = ConnectionOptions(), concurrency: Int = 4, now: Date = Date()
  ) {
    self.options = options
    self.concurrency = max(1, concurrency)
    self.now = now
  }

  /// The longest timeout PostgreSQL accepts, in seconds.
  public static let maximumTimeoutSeconds = ConnectionOptions.maximumSeconds

  /// Creates a collector from timeouts in seconds, as the command line gives them.
  public init(
    connectTimeout: Int,
    statementTimeout: Double,
    lockTimeout: Double,
    environmentTimeout: Double = 600,
    concurrency: Int,
    now: Date = Date()
  ) {
    self.init(
      options: ConnectionOptions(
        defaultConnectTimeout: connectTimeout,
        statementTimeoutMilliseconds: ConnectionOptions.milliseconds(fromSeconds: statementTimeout)
          ?? 60_000,
        lockTimeoutMilliseconds: ConnectionOptions.milliseconds(fromSeconds: lockTimeout) ?? 5_000,
        environmentTimeoutMilliseconds: ConnectionOptions.milliseconds(
          fromSeconds: environmentTimeout) ?? 600_000
      ),
      concurrency: concurrency,
      now: now
    )
  }

  /// Reads every spec; results come back in the order of `specs`.
  ///
  /// A snapshot file that cannot be used is a usage error and throws, since nothing was
  /// unreachable; a database that cannot be read is returned as unreachable.
  public func collect(_ specs: [EnvironmentSpec]) async throws(RunnerError)
    -> [CollectedEnvironment]
  {
    let loaded = try await Self.readSnapshotFiles(specs)
    let options = options
    let now = now
    let progress = progress
    let depth = depth
    var results = [CollectedEnvironment?](repeating: nil, count: specs.count)
    for (position, snapshot) in loaded {
      results[position] = CollectedEnvironment(snapshot: snapshot)
    }
    let live: [(position: Int, connectionString: String)] = specs.enumerated().compactMap {
      guard case .database(let text) = $0.element.source else { return nil }
      return ($0.offset, text)
    }
    await withTaskGroup(of: (Int, CollectedEnvironment).self) { group in
      var next = 0
      func launch() {
        let (position, text) = live[next]
        let spec = specs[position]
        group.addTask {
          let started = ContinuousClock.now
          progress?("\(spec.name): reading")
          let result = Self.readDatabase(
            named: spec.name,
            connectionString: text,
            options: spec.options ?? options,
            now: now,
            depth: depth
          )
          let seconds = (ContinuousClock.now - started).seconds
          let outcome = result.snapshot == nil ? "could not be read" : "read"
          progress?("\(spec.name): \(outcome) in \(String(format: "%.1f", seconds)) s")
          return (position, result)
        }
        next += 1
      }
      while next < min(concurrency, live.count) { launch() }
      while let (position, result) = await group.next() {
        results[position] = result
        if next < live.count { launch() }
      }
    }
    return results.compactMap { $0 }
  }

  /// Reads every snapshot-file source at once (decoding a large file is slow), keyed by position.
  ///
  /// A file that cannot be used is a usage error, not an unreachable environment.
  static func readSnapshotFiles(_ specs: [EnvironmentSpec]) async throws(RunnerError) -> [Int:
    Snapshot]
  {
    let results = await withTaskGroup(of: (Int, Result<Snapshot, SnapshotFileError>).self) {
      group in
      for (position, spec) in specs.enumerated() {
        guard case .snapshotFile(let path) = spec.source else { continue }
        group.addTask {
          do throws(SnapshotFileError) {
            var snapshot = try SnapshotFile.read(path: path)
            snapshot.environment.name = spec.name
            return (position, .success(snapshot))
          } catch {
            return (position, .failure(error))
          }
        }
      }
      var collected: [(Int, Result<Snapshot, SnapshotFileError>)] = []
      for await result in group { collected.append(result) }
      return collected.sorted { $0.0 < $1.0 }
    }
    var loaded: [Int: Snapshot] = [:]
    for (position, result) in results {
      switch result {
      case .success(let snapshot): loaded[position] = snapshot
      case .failure(let error): throw .snapshotFile(error.description)
      }
    }
    return loaded
  }

  /// Reads one live database; failures come back as an unreachable environment.
  static func readDatabase(
    named name: String,
    connectionString text: String,
    options: ConnectionOptions,
    now: Date,
    depth: SnapshotCollector.Depth = .full
  ) -> CollectedEnvironment {
    let connectionString: ConnectionString
    do {
      connectionString = try ConnectionString(text)
    } catch {
      return CollectedEnvironment(
        name: name, source: "(invalid connection string)", error: error.description)
    }
    do {
      let snapshot = try SnapshotCollector(options: options.startingNow(), depth: depth).collect(
        name: name,
        connectionString: connectionString,
        now: now
      )
      return CollectedEnvironment(snapshot: snapshot)
    } catch let error as CatalogChangingError {
      return CollectedEnvironment(
        name: name, source: connectionString.redacted, error: error.description, changing: true)
    } catch let error as PostgresError {
      return CollectedEnvironment(
        name: name,
        source: connectionString.redacted,
        error: connectionString.scrubber.scrub(error.description)
      )
    } catch {
      return CollectedEnvironment(
        name: name,
        source: connectionString.redacted,
        error: connectionString.scrubber.scrub("\(error)")
      )
    }
  }
}
