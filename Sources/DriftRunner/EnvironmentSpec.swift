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
    /// A project's Django migration files: a directory, or `git:REF:path`.
    case code(CodeLocation)
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

  /// Parses `NAME=SOURCE`: `git:REF:path` is code; a SOURCE ending in `.json` is a snapshot
  /// (even a directory of that name, which then fails as one); an existing directory is code;
  /// anything else that exists on disk (a file, a FIFO, a device, a dangling or looping symbolic
  /// link) is a snapshot, to fail as one if it is not; anything else is a connection string.
  public init(parsing argument: String) throws(RunnerError) {
    guard let equals = argument.firstIndex(of: "=") else {
      throw .malformedEnvironment(argument)
    }
    let name = String(argument[..<equals])
    let source = String(argument[argument.index(after: equals)...])
    try Self.validate(name: name)
    var isDirectory: ObjCBool = false
    if let location = CodeLocation(gitSpec: source) {
      self.init(name: name, source: .code(location))
      return
    }
    if source.hasSuffix(".json") {
      self.init(name: name, source: .snapshotFile(source))
      return
    }
    if !source.contains("="),
      FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory),
      isDirectory.boolValue
    {
      self.init(name: name, source: .code(.directory(source)))
      return
    }
    var link = stat()
    let isPath = !source.contains("=") && lstat(source, &link) == 0
    if isPath
      && !(FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory)
        && isDirectory.boolValue)
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

  /// Checks a list of specs: unique names, at most one code source, and at least `minimum` of
  /// them, of which at least one is a database or snapshot.
  public static func validate(_ specs: [EnvironmentSpec], minimum: Int) throws(RunnerError) {
    var seen = Set<String>()
    for spec in specs where !seen.insert(spec.name).inserted {
      throw .duplicateName(spec.name)
    }
    let code = specs.filter(\.isCode)
    if code.count > 1 { throw .moreThanOneCode(code.map(\.name)) }
    if specs.count < minimum { throw .tooFewEnvironments(needed: minimum) }
    if !code.isEmpty, code.count == specs.count { throw .onlyCode }
  }

  /// Whether the source is code rather than a database or snapshot.
  public var isCode: Bool {
    if case .code = source { return true }
    return false
  }
}
