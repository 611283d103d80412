import DriftModel
import Foundation
import PostgresClient

/// A named environment and where to read it from: a database or a snapshot file.
public struct EnvironmentSpec: Sendable, Hashable {
  /// Where an environment is read from.
  public enum Source: Sendable, Hashable {
    /// A live database, through any connection string libpq accepts.
    case database(String)
    /// A snapshot file written by `envdrift snapshot` or `--save-snapshot`.
    case snapshotFile(String)
  }

  /// The environment's name.
  public var name: String
  /// Where to read it from.
  public var source: Source
  /// Timeouts for this environment alone, overriding the run's.
  public var options: ConnectionOptions?

  /// Creates a spec.
  public init(name: String, source: Source, options: ConnectionOptions? = nil) {
    self.name = name
    self.source = source
    self.options = options
  }

  /// Checks that `name` is usable in reports and file names.
  public static func validate(name: String) throws(RunnerError) {
    guard let first = name.unicodeScalars.first else { throw .invalidName(name) }
    let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._-"))
    guard CharacterSet.alphanumerics.contains(first), name.count <= 63,
      name.unicodeScalars.allSatisfy({ $0.isASCII && allowed.contains($0) })
    else { throw .invalidName(name) }
  }
}
