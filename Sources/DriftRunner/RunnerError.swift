import DriftModel

/// A usage, configuration or output problem: the run stops with exit code 2.
public enum RunnerError: Error, CustomStringConvertible, Sendable, Equatable {
  /// An environment argument is not `NAME=SOURCE`.
  case malformedEnvironment(String)
  /// An environment name is empty or holds characters not allowed in a name.
  case invalidName(String)
  /// Two environments share a name.
  case duplicateName(String)
  /// Fewer environments than the command needs.
  case tooFewEnvironments(needed: Int)
  /// `--baseline` names no listed environment.
  case unknownBaseline(String, known: [String])
  /// A snapshot file could not be used.
  case snapshotFile(String)
  /// The report or snapshot could not be written.
  case outputFailed(path: String, reason: String)
  /// The output file exists and `--force` was not given.
  case outputExists(path: String)
  /// The report could not be rendered.
  case render(String)
  /// More than one code source was given.
  case moreThanOneCode([String])
  /// Only code was given; there is no environment to compare it with.
  case onlyCode
  /// `--baseline` names the code, which has no schema to compare with.
  case codeBaseline(String)
  /// The code's migration files could not be read.
  case code(String)
  /// `--reference` names no schema of the environment.
  case unknownReference(String, environment: String, closest: [String])
  /// A `--schema` pattern matches no schema of any environment that was read.
  case schemaMatchesNothing(String, closest: [String])
  /// `explain` found no error it understands in the text it was given.
  case nothingToExplain(understood: String)

  /// A sentence the user can act on.
  public var description: String {
    switch self {
    case .malformedEnvironment(let argument):
      "\(Self.shown(argument, else: "an argument")) is not NAME=SOURCE (for example prod=postgresql://host/db)"
    case .invalidName(let name):
      "environment name \(Self.shown(name, else: "before the first '='")) is not valid: use letters, digits, '.', '_' or"
        + " '-', starting with a letter or digit, then '=' and the source"
    case .duplicateName(let name):
      "environment \"\(name)\" is listed twice: give each environment its own name"
    case .tooFewEnvironments(let needed):
      "compare needs at least \(needed) environments, as NAME=SOURCE arguments"
    case .unknownBaseline(let name, let known):
      "--baseline \(TerminalText.value(name)) is not one of the environments"
        + " (\(known.joined(separator: ", ")))\(Closest.suggestion(Closest.names(to: name, among: known)))"
    case .snapshotFile(let message):
      message
    case .outputFailed(let path, let reason):
      "cannot write \(path): \(reason)"
    case .outputExists(let path):
      "\(path) already exists: pass --force to overwrite it, or choose another --output"
    case .render(let message):
      message
    case .moreThanOneCode(let names):
      "\(names.joined(separator: " and ")) are both code: give one code source (a directory or"
        + " git:REF:path) and compare it with databases or snapshots"
    case .onlyCode:
      "no database or snapshot to compare the code with: add NAME=SOURCE for an environment"
    case .codeBaseline(let name):
      "--baseline \(TerminalText.value(name)) is the code: the baseline must be a database or"
        + " snapshot, and the code is compared with every environment anyway"
    case .code(let message):
      message
    case .unknownReference(let name, let environment, let closest):
      "--reference \(TerminalText.value(name)) names no schema of \(environment), so no tenant could be"
        + " compared with it\(Closest.suggestion(closest.map(TerminalText.value)))"
    case .schemaMatchesNothing(let pattern, let closest):
      "--schema \(TerminalText.value(pattern)) matches no schema of any environment that was read"
        + Closest.suggestion(closest.map(TerminalText.value))
    case .nothingToExplain(let understood):
      "no error envdrift explains was found in the text; it explains: \(understood)"
    }
  }

  /// An argument quoted in an error, unless it could be (part of) a connection string: a name
  /// that failed to parse may be a URI whose user information holds a password, so anything with
  /// `:`, `@`, `?`, `&`, quotes, a backslash or the word "password" is described instead.
  static func shown(_ argument: String, else description: String) -> String {
    let risky =
      argument.unicodeScalars.contains { ":@?&'\"\\".unicodeScalars.contains($0) }
      || argument.lowercased().contains("password")
    if risky || argument.count > 63 {
      return "\(description) (not shown: it may hold a connection string)"
    }
    return "\"\(TerminalText.value(argument))\""
  }
}
