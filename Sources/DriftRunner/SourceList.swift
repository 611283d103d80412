import DriftCode
import DriftModel
import Foundation

/// One `NAME=SOURCE` argument (or one entry of the configuration file's `environments`), parsed:
/// an environment to read, or the code whose migrations are compared with the environments.
public enum SourceArgument: Sendable, Hashable {
  /// A live database or a snapshot file.
  case environment(EnvironmentSpec)
  /// A project's Django migration files.
  case code(CodeSpec)

  /// The name the user gave it.
  public var name: String {
    switch self {
    case .environment(let spec): spec.name
    case .code(let code): code.name
    }
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
    try EnvironmentSpec.validate(name: name)
    if let location = CodeLocation(gitSpec: source) {
      self = .code(CodeSpec(name: name, location: location))
      return
    }
    if source.hasSuffix(".json") {
      self = .environment(EnvironmentSpec(name: name, source: .snapshotFile(source)))
      return
    }
    var isDirectory: ObjCBool = false
    let isPath = !source.contains("=")
    if isPath, FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory),
      isDirectory.boolValue
    {
      self = .code(CodeSpec(name: name, location: .directory(source)))
      return
    }
    var link = stat()
    if isPath && lstat(source, &link) == 0 {
      self = .environment(EnvironmentSpec(name: name, source: .snapshotFile(source)))
    } else {
      self = .environment(EnvironmentSpec(name: name, source: .database(source)))
    }
  }
}

/// The code among a command's sources: where its migration files are, under the name the user
/// gave it (`code` in `code=./backend`).
public struct CodeSpec: Sendable, Hashable {
  /// The name, shown in findings' values and in file names.
  public var name: String
  /// The directory or git ref.
  public var location: CodeLocation

  /// Creates a code spec.
  public init(name: String, location: CodeLocation) {
    self.name = name
    self.location = location
  }

  /// Reads and parses its migration files.
  public func read() throws(RunnerError) -> NamedCode {
    do {
      return NamedCode(name: name, files: try MigrationCodeReader.read(location))
    } catch {
      throw .code(error.description)
    }
  }
}

/// What a command reads: its environments, and the code when one is given, with every name in
/// the order the user gave them.
public struct SourceList: Sendable, Hashable {
  /// The databases and snapshot files, in the order given.
  public private(set) var environments: [EnvironmentSpec]
  /// The code, when one is given.
  public private(set) var code: CodeSpec?
  /// Every name, the code's among them, in the order given: for file names and the report's
  /// command.
  public private(set) var names: [String]

  /// Gathers `sources`, checking that each name is used once and that at most one is code.
  public init(_ sources: [SourceArgument]) throws(RunnerError) {
    var seen = Set<String>()
    for source in sources where !seen.insert(source.name).inserted {
      throw .duplicateName(source.name)
    }
    let code = sources.compactMap { source -> CodeSpec? in
      if case .code(let spec) = source { return spec }
      return nil
    }
    if code.count > 1 { throw .moreThanOneCode(code.map(\.name)) }
    environments = sources.compactMap { source in
      if case .environment(let spec) = source { return spec }
      return nil
    }
    self.code = code.first
    names = sources.map(\.name)
  }

  /// Parses and gathers `NAME=SOURCE` arguments.
  public init(parsing arguments: [String]) throws(RunnerError) {
    var sources: [SourceArgument] = []
    for argument in arguments {
      sources.append(try SourceArgument(parsing: argument))
    }
    try self.init(sources)
  }

  /// Checks that there are at least `minimum` sources, the code counted, and at least one
  /// environment among them.
  public func require(minimum: Int) throws(RunnerError) {
    if names.count < minimum { throw .tooFewEnvironments(needed: minimum) }
    if environments.isEmpty, code != nil { throw .onlyCode }
  }

  /// Puts `spec` before every other source.
  public mutating func prepend(_ spec: EnvironmentSpec) throws(RunnerError) {
    guard !names.contains(spec.name) else { throw .duplicateName(spec.name) }
    environments.insert(spec, at: 0)
    names.insert(spec.name, at: 0)
  }
}
