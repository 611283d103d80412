import DriftCollect
import DriftModel
import Foundation
import PostgresClient

/// One `NAME=SOURCE` argument: a named environment and where to read it from.
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

  /// Parses `NAME=SOURCE`; a SOURCE ending in `.json`, or naming an existing file, is a snapshot.
  public init(parsing argument: String) throws(RunnerError) {
    guard let equals = argument.firstIndex(of: "=") else {
      throw .malformedEnvironment(argument)
    }
    let name = String(argument[..<equals])
    let source = String(argument[argument.index(after: equals)...])
    try Self.validate(name: name)
    var isDirectory: ObjCBool = false
    if source.hasSuffix(".json")
      || (FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory)
        && !isDirectory.boolValue && !source.contains("="))
    {
      self.init(name: name, source: .snapshotFile(source))
    } else {
      self.init(name: name, source: .database(source))
    }
  }

  /// Checks that `name` is usable in reports and file names.
  public static func validate(name: String) throws(RunnerError) {
    guard let first = name.unicodeScalars.first else { throw .invalidName(name) }
    let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._-"))
    guard CharacterSet.alphanumerics.contains(first), name.count <= 63,
      name.unicodeScalars.allSatisfy({ $0.isASCII && allowed.contains($0) })
    else { throw .invalidName(name) }
  }

  /// Checks a list of specs: unique names and at least `minimum` of them.
  public static func validate(_ specs: [EnvironmentSpec], minimum: Int) throws(RunnerError) {
    var seen = Set<String>()
    for spec in specs where !seen.insert(spec.name).inserted {
      throw .duplicateName(spec.name)
    }
    if specs.count < minimum { throw .tooFewEnvironments(needed: minimum) }
  }
}
