import DriftCompare
import DriftModel
import DriftReport
import Foundation

/// What the command line asks of `envdrift compare` or `envdrift tenants`, before the
/// configuration file is merged in: each value `nil` or empty where the user gave none.
///
/// ``plan(collector:date:environment:)`` turns it into the run to make: the command line's
/// values win over the file's, `--schema` replaces the file's includes while
/// `--exclude-schema` adds to its excludes, and `--since` puts the environment's newest saved
/// snapshot before it as its own baseline.
public struct CompareRequest: Sendable {
  /// The environments (and code) given as `NAME=SOURCE`, after the file's.
  public var environments: [SourceArgument] = []
  /// `--baseline`.
  public var baseline: String?
  /// `--config`: the configuration file to read.
  public var configurationPath: String?
  /// `--since`: the directory of saved snapshots to compare the one environment with.
  public var since: String?
  /// `--format`.
  public var format: ReportFormat?
  /// `--output`.
  public var output: String?
  /// `--force`.
  public var force = false
  /// `--template`.
  public var template: String?
  /// `--fail-on`.
  public var failOn: FailOn?
  /// `--schema` globs.
  public var schemas: [String] = []
  /// `--exclude-schema` globs.
  public var excludedSchemas: [String] = []
  /// `--save-snapshot`.
  public var saveSnapshot: String?
  /// The command line the report's checklist repeats; `nil` for `envdrift compare` with the
  /// configuration file or the environments' names.
  public var command: String?

  /// Creates an empty request.
  public init() {}

  /// The run this request describes, with the environments and the baseline to give it.
  public struct Plan: Sendable {
    /// The run.
    public var run: CompareRun
    /// Every source: the file's, the command line's, and a saved snapshot for `--since`.
    public var sources: SourceList
    /// The baseline's name, when one is named.
    public var baseline: String?
  }

  /// Reads the configuration file, if any, and merges it with this request.
  ///
  /// - Parameters:
  ///   - date: the time of the run, for accepted drift that expires.
  ///   - environment: the process environment, for the file's `url_env` variables.
  public func plan(
    collector: EnvironmentCollector, date: Date,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(CompareRequestError) -> Plan {
    var configuration = Configuration()
    if let configurationPath {
      do throws(ConfigurationError) {
        configuration = try Configuration.load(path: configurationPath, environment: environment)
      } catch {
        throw .configuration(error)
      }
    }
    var sources: SourceList
    do throws(RunnerError) {
      sources = try SourceList(configuration.environments + environments)
    } catch {
      throw .runner(error)
    }
    let command =
      self.command ?? "envdrift compare "
      + (configurationPath.map { "--config \($0)" } ?? sources.names.joined(separator: " "))
    var baseline = self.baseline ?? configuration.baseline
    var compareTenants = true
    if let since {
      guard sources.names.count == 1, let current = sources.environments.first else {
        throw .sinceNeedsOneEnvironment
      }
      do throws(RunnerError) {
        let previous = try History.newest(in: since, for: current.name)
        try sources.prepend(
          EnvironmentSpec(name: "\(current.name)-previous", source: .snapshotFile(previous)))
      } catch {
        throw .runner(error)
      }
      compareTenants = false
      baseline = current.name
    }
    let run = CompareRun(
      collector: collector,
      filter: SchemaFilter(
        include: schemas.isEmpty ? configuration.schemas.include : schemas,
        exclude: configuration.schemas.exclude + excludedSchemas),
      output: OutputOptions(
        format: format ?? configuration.format ?? .markdown,
        path: output,
        force: force,
        templatePath: template ?? configuration.template,
        pathPattern: output == nil ? configuration.output : nil),
      failOn: failOn ?? configuration.failOn ?? .drift,
      saveSnapshotDirectory: saveSnapshot,
      command: command,
      acceptance: configuration.acceptance(on: date),
      compareTenants: compareTenants,
      now: date)
    return Plan(run: run, sources: sources, baseline: baseline)
  }
}

/// Why a ``CompareRequest`` cannot be planned.
public enum CompareRequestError: Error, CustomStringConvertible, Sendable {
  /// The configuration file is missing or wrong.
  case configuration(ConfigurationError)
  /// `--since` was given with other than one environment.
  case sinceNeedsOneEnvironment
  /// The saved snapshots `--since` names are not there.
  case runner(RunnerError)

  /// A sentence the user can act on.
  public var description: String {
    switch self {
    case .configuration(let error): error.description
    case .sinceNeedsOneEnvironment:
      "--since compares one environment with its own history; name exactly one"
    case .runner(let error): error.description
    }
  }
}
