import DriftCode
import DriftCollect
import DriftCompare
import DriftModel
import DriftReport
import Foundation
import PostgresClient
import UserFiles
import Yams

/// The contents of `envdrift.yml`: environments, baseline, schemas, accepted drift and output.
///
/// Secrets stay out of the file: an environment's `url` may be any libpq connection string
/// (relying on `~/.pgpass` or a service file), or `url_env` names the variable that holds it.
public struct Configuration: Sendable {
  /// Environments (and the code, when one names it) in the file's order.
  public var environments: [SourceArgument] = []
  /// The baseline environment's name.
  public var baseline: String?
  /// Which schemas are compared.
  public var schemas = SchemaFilter()
  /// Accepted drift.
  public var ignore: [AcceptRule] = []
  /// The report format.
  public var format: ReportFormat?
  /// The report path pattern: `{date}`, `{envs}` and `{format}` are replaced.
  public var output: String?
  /// When drift fails the run.
  public var failOn: FailOn?
  /// A custom template.
  public var template: String?

  /// An empty configuration: every setting comes from the command line.
  public init() {}

  /// The accept rules as they apply on `date` (expired ones no longer accept).
  public func acceptance(on date: Date) -> Acceptance {
    Acceptance(rules: ignore, today: String(Timestamp.iso8601(date).prefix(10)))
  }

  /// Reads and checks the file at `path`; `environment` supplies `url_env` variables.
  public static func load(
    path: String,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(ConfigurationError) -> Configuration {
    let text: String
    do {
      text = try InputFile.text(path, what: "configuration file", limit: 1 << 20)
    } catch {
      throw ConfigurationError(path: path, line: nil, column: nil, message: error.reason)
    }
    SecretRegistry.shared.register(text)
    return try parse(text, path: path, environment: environment)
  }

  /// Parses configuration text; `path` names the file in errors.
  public static func parse(
    _ text: String,
    path: String,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(ConfigurationError) -> Configuration {
    let root: Node?
    do {
      root = try Yams.compose(yaml: text)
    } catch let error as YamlError {
      throw ConfigurationError(yaml: error, path: path)
    } catch {
      throw ConfigurationError(path: path, line: nil, column: nil, message: "\(error)")
    }
    guard let root else {
      throw ConfigurationError(path: path, line: 1, column: 1, message: "the file is empty")
    }
    var reader = Reader(path: path, environment: environment)
    return try reader.read(root)
  }

  /// The commented example `envdrift init` writes.
  public static let example = """
    # envdrift configuration: `envdrift compare --config envdrift.yml`
    # Keys not listed here are errors, so a typo never goes unnoticed.

    # The environment the others are compared against (default: the last one listed).
    baseline: prod

    environments:
      dev:
        # Any libpq connection string: URI, key=value or service=NAME. Passwords belong in
        # ~/.pgpass, a service file or an environment variable, never in this file.
        url: postgresql://app@dev-db.internal/app
      uat:
        url: service=uat
        statement_timeout: 30      # seconds; also connect_timeout, lock_timeout and environment_timeout
      prod:
        url_env: PROD_DATABASE_URL # read the connection string from this variable
      # yesterday:
      #   snapshot: snapshots/prod/2026-11-20T030000Z.json

    schemas:
      include: []                  # globs; empty means every schema
      exclude: ["pg_temp*", "*_archive"]

    # Known, accepted drift: [!]kind:glob. The last matching rule wins; `!` un-accepts.
    ignore:
      - rule: "index:*_like"
        reason: Django's varchar_pattern_ops indexes are named differently per environment
      - rule: "privilege:*"
        reason: grants are managed outside migrations
        until: 2026-12-31          # after this day the findings are reported again

    output:
      format: markdown             # markdown, github or json
      path: "reports/{date}-{envs}.md"

    fail_on: drift                 # drift, error or never
    """
}

/// A configuration problem, located in the file.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
  /// The file.
  public var path: String
  /// The line (1-based), when known.
  public var line: Int?
  /// The column (1-based), when known.
  public var column: Int?
  /// What is wrong.
  public var message: String

  /// Creates an error.
  public init(path: String, line: Int?, column: Int?, message: String) {
    self.path = path
    self.line = line
    self.column = column
    self.message = message
  }

  init(yaml error: YamlError, path: String) {
    switch error {
    case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
      .composer(_, let problem, let mark, _):
      var message = "invalid YAML: \(problem)"
      if problem.contains("tab") { message += " (indent with spaces, not tabs)" }
      self.init(path: path, line: mark.line, column: mark.column, message: message)
    case .duplicatedKeysInMapping(let duplicates, _):
      self.init(
        path: path,
        line: nil,
        column: nil,
        message: "duplicate keys: \(duplicates.joined(separator: ", "))"
      )
    default:
      self.init(path: path, line: nil, column: nil, message: "invalid YAML: \(error)")
    }
  }

  init(_ node: Node, path: String, _ message: String) {
    self.init(path: path, line: node.mark?.line, column: node.mark?.column, message: message)
  }

  /// `path:line:column: message`.
  public var description: String {
    var location = path
    if let line { location += ":\(line)" }
    if let column { location += ":\(column)" }
    return "\(location): \(message)"
  }
}

/// Walks the YAML tree, checking every key and type.
private struct Reader {
  var path: String
  var environment: [String: String]

  func fail(_ node: Node, _ message: String) -> ConfigurationError {
    ConfigurationError(node, path: path, message)
  }

  func mapping(_ node: Node, _ what: String, keys: [String]) throws(ConfigurationError)
    -> [(String, Node, Node)]
  {
    guard case .mapping(let entries) = node else { throw fail(node, "\(what) must be a mapping") }
    var result: [(String, Node, Node)] = []
    for (key, value) in entries {
      guard let name = key.string else { throw fail(key, "keys must be strings") }
      guard keys.contains(name) else {
        throw fail(
          key, "unknown key \"\(name)\" in \(what) (expected \(keys.joined(separator: ", ")))")
      }
      result.append((name, key, value))
    }
    return result
  }

  func string(_ node: Node, _ what: String) throws(ConfigurationError) -> String {
    guard case .scalar(let scalar) = node else { throw fail(node, "\(what) must be a string") }
    return scalar.string
  }

  func strings(_ node: Node, _ what: String) throws(ConfigurationError) -> [String] {
    guard case .sequence(let sequence) = node else {
      throw fail(node, "\(what) must be a list of strings")
    }
    var result: [String] = []
    for item in sequence { result.append(try string(item, "each entry of \(what)")) }
    return result
  }

  func seconds(_ node: Node, _ what: String) throws(ConfigurationError) -> Double {
    guard case .scalar = node, let value = node.float, value.isFinite, value > 0,
      value <= ConnectionOptions.maximumSeconds
    else {
      throw fail(
        node,
        "\(what) must be a number of seconds greater than zero and at most "
          + "\(Int(ConnectionOptions.maximumSeconds))"
      )
    }
    return value
  }

  /// A statement or lock timeout in milliseconds; see ``ConnectionOptions/milliseconds(fromSeconds:)``.
  func milliseconds(_ node: Node, _ what: String) throws(ConfigurationError) -> Int {
    guard case .scalar = node, let value = node.float,
      let milliseconds = ConnectionOptions.milliseconds(fromSeconds: value)
    else {
      throw fail(node, "\(what) must be \(ConnectionOptions.acceptedSeconds)")
    }
    return milliseconds
  }

  mutating func read(_ root: Node) throws(ConfigurationError) -> Configuration {
    var configuration = Configuration()
    var baselineNode: Node?
    let keys = ["baseline", "environments", "schemas", "ignore", "output", "fail_on", "template"]
    for (key, _, value) in try mapping(root, "the configuration", keys: keys) {
      switch key {
      case "baseline":
        configuration.baseline = try string(value, "baseline")
        baselineNode = value
      case "environments":
        configuration.environments = try environments(value)
      case "schemas":
        for (name, _, list) in try mapping(value, "schemas", keys: ["include", "exclude"]) {
          if name == "include" {
            configuration.schemas.include = try strings(list, "schemas.include")
          } else {
            configuration.schemas.exclude = try strings(list, "schemas.exclude")
          }
        }
      case "ignore":
        configuration.ignore = try ignoreRules(value)
      case "output":
        for (name, _, item) in try mapping(value, "output", keys: ["format", "path"]) {
          let text = try string(item, "output.\(name)")
          if name == "format" {
            guard let format = ReportFormat(rawValue: text) else {
              throw fail(item, "output.format must be markdown, github or json, not \"\(text)\"")
            }
            configuration.format = format
          } else {
            configuration.output = text
          }
        }
      case "fail_on":
        let text = try string(value, "fail_on")
        guard let failOn = FailOn(rawValue: text) else {
          throw fail(value, "fail_on must be drift, error or never, not \"\(text)\"")
        }
        configuration.failOn = failOn
      default:
        configuration.template = try string(value, "template")
      }
    }
    if let baseline = configuration.baseline, let baselineNode,
      !configuration.environments.contains(where: { $0.name == baseline })
    {
      throw fail(
        baselineNode,
        "baseline \"\(baseline)\" is not one of the environments ("
          + configuration.environments.map(\.name).joined(separator: ", ") + ")"
      )
    }
    return configuration
  }

  func environments(_ node: Node) throws(ConfigurationError) -> [SourceArgument] {
    guard case .mapping(let entries) = node else {
      throw fail(node, "environments must be a mapping of names to settings")
    }
    var result: [SourceArgument] = []
    for (key, value) in entries {
      guard let name = key.string else { throw fail(key, "environment names must be strings") }
      do throws(RunnerError) {
        try EnvironmentSpec.validate(name: name)
      } catch {
        throw fail(key, error.description)
      }
      let keys = [
        "url", "url_env", "snapshot", "code", "connect_timeout", "statement_timeout",
        "lock_timeout", "environment_timeout",
      ]
      var source: EnvironmentSpec.Source?
      var code: CodeLocation?
      var options = ConnectionOptions()
      var hasOptions = false
      for (setting, settingNode, item) in try mapping(value, "environment \(name)", keys: keys) {
        switch setting {
        case "url", "url_env", "snapshot", "code":
          guard source == nil, code == nil else {
            throw fail(
              settingNode,
              "environment \(name) has more than one of url, url_env, snapshot and code")
          }
          let text = try string(item, "\(name).\(setting)")
          if setting == "url" {
            source = .database(text)
          } else if setting == "snapshot" {
            source = .snapshotFile(text)
          } else if setting == "code" {
            code = CodeLocation(text)
          } else {
            guard let url = environment[text], !url.isEmpty else {
              throw fail(item, "environment variable \(text) (url_env of \(name)) is not set")
            }
            SecretRegistry.shared.register(url)
            source = .database(url)
          }
        case "connect_timeout":
          options.defaultConnectTimeout = Int(
            try seconds(item, "\(name).connect_timeout").rounded(.up))
          hasOptions = true
        case "statement_timeout":
          options.statementTimeoutMilliseconds = Int(
            try milliseconds(item, "\(name).statement_timeout"))
          hasOptions = true
        case "environment_timeout":
          options.environmentTimeoutMilliseconds = try milliseconds(
            item, "\(name).environment_timeout")
          hasOptions = true
        default:
          options.lockTimeoutMilliseconds = try milliseconds(item, "\(name).lock_timeout")
          hasOptions = true
        }
      }
      if let code {
        guard !hasOptions else {
          throw fail(
            key,
            "environment \(name) is code: its timeouts would apply to no connection; remove them")
        }
        result.append(.code(CodeSpec(name: name, location: code)))
        continue
      }
      guard let source else {
        throw fail(key, "environment \(name) needs url, url_env, snapshot or code")
      }
      result.append(
        .environment(
          EnvironmentSpec(name: name, source: source, options: hasOptions ? options : nil)))
    }
    return result
  }

  func ignoreRules(_ node: Node) throws(ConfigurationError) -> [AcceptRule] {
    guard case .sequence(let sequence) = node else {
      throw fail(node, "ignore must be a list of rules")
    }
    var rules: [AcceptRule] = []
    for item in sequence {
      var text: String?
      var reason: String?
      var until: String?
      var textNode = item
      if case .scalar = item {
        text = try string(item, "an ignore rule")
      } else {
        for (key, _, value) in try mapping(
          item, "an ignore rule", keys: ["rule", "reason", "until"])
        {
          switch key {
          case "rule":
            text = try string(value, "rule")
            textNode = value
          case "reason": reason = try string(value, "reason")
          default: until = try string(value, "until")
          }
        }
      }
      guard let text else { throw fail(item, "an ignore rule needs rule: kind:pattern") }
      do throws(AcceptRuleError) {
        rules.append(try AcceptRule(parsing: text, reason: reason, until: until))
      } catch {
        throw fail(textNode, error.description)
      }
    }
    return rules
  }
}
