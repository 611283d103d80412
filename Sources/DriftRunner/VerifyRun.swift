import DriftCollect
import DriftCompare
import DriftModel
import DriftReport
import Foundation

/// `envdrift verify`: are the code's migrations applied everywhere, and will the pending ones
/// run? For deployment pipelines and container entrypoints.
public struct VerifyRun: Sendable {
  /// How verify prints its result.
  public enum Format: String, Sendable, CaseIterable {
    /// One line per schema that needs attention.
    case text
    /// The JSON findings document.
    case json
  }

  /// How environments are read.
  public var collector: EnvironmentCollector
  /// Which schemas are checked.
  public var filter: SchemaFilter
  /// How the result is printed.
  public var format: Format

  /// Creates a verify run.
  public init(
    collector: EnvironmentCollector = EnvironmentCollector(),
    filter: SchemaFilter = SchemaFilter(),
    format: Format = .text
  ) {
    self.collector = collector
    self.filter = filter
    self.format = format
  }

  /// Checks `code` (a directory or `git:REF:path`) against every environment.
  ///
  /// Exit 1 when any schema has pending migrations, hazards, an inconsistent history or an
  /// applied migration whose effect is absent; 3 when
  /// an environment, or the migration table of a schema checked, could not be read; 0 when
  /// everything is applied.
  public func verify(code: String, environments: [EnvironmentSpec]) async throws(RunnerError)
    -> RunResult
  {
    let location = CodeLocation(code)
    let codeSpec = EnvironmentSpec(name: "code", source: .code(location))
    try EnvironmentSpec.validate(environments, minimum: 1)
    if let named = environments.first(where: \.isCode) {
      throw .moreThanOneCode([code, named.name])
    }
    guard let files = try CompareRun.readCode([codeSpec]) else { throw .onlyCode }
    // Verify checks names only: a names-only read takes no deparse and no lock on a user table.
    var collector = collector
    collector.depth = .names
    let collected = try await collector.collect(environments)
    try CompareRun.requireMatches(filter, in: collected)
    let comparison = Comparer(filter: filter, compareTenants: false).verify(
      collected,
      code: files,
      generatedAt: Timestamp.iso8601(collector.now)
    )
    let blocking = comparison.findings.contains { Self.blocks($0) }
    // A schema whose migration table could not be read is not verified: like an unreachable
    // environment, it makes the answer unknown, never "applied".
    let unverified = comparison.environments.contains { !$0.unreadableMigrationTables.isEmpty }
    let outcome: RunOutcome =
      comparison.hasUnreachable || unverified ? .unreachable : (blocking ? .drift : .clean)
    let text: String
    switch format {
    case .json:
      do throws(ReportError) {
        text = try ReportRenderer.json(comparison)
      } catch {
        throw .render(error.description)
      }
    case .text:
      text = Self.text(comparison)
    }
    return RunResult(standardOutput: text, outcome: outcome, comparison: comparison)
  }

  /// Whether a finding stops a deployment: pending, failing or out-of-order migrations, and
  /// migrations recorded as applied whose effect is absent.
  static func blocks(_ finding: Finding) -> Bool {
    [.pending, .hazard, .inconsistent, .unfulfilled].contains(finding.kind.change)
  }

  /// One block per environment, one line per schema that needs attention.
  static func text(_ comparison: Comparison) -> String {
    var lines: [String] = []
    if let code = comparison.code {
      lines.append(
        "code \(code.source): \(code.migrations) migrations in \(code.apps) apps"
          + (code.problems.isEmpty ? "" : ", \(code.problems.count) files skipped"))
      for problem in code.problems {
        lines.append("  skipped \(problem.file): \(problem.reason)")
      }
    }
    for environment in comparison.environments {
      if !environment.wasRead {
        lines.append(
          "\(environment.name): \(environment.status == .changing ? "changing: DDL in progress" : "unreachable"):"
            + " \(environment.error ?? "unknown error")")
        continue
      }
      let own = comparison.findings.filter { $0.environment == environment.name }
      var bySchema: [String: [Finding]] = [:]
      for finding in own { bySchema[finding.schema ?? "", default: []].append(finding) }
      let blockingSchemas = bySchema.filter { $0.value.contains(where: blocks) }.count
      let hazards = own.filter { $0.kind.change == .hazard }.count
      let unread = environment.unreadableMigrationTables
      if blockingSchemas == 0, unread.isEmpty {
        lines.append("\(environment.name): every migration in the code is applied")
      } else if blockingSchemas == 0 {
        lines.append(
          "\(environment.name): not verified: \(unread.count) migration table"
            + "\(unread.count == 1 ? "" : "s") could not be read; every migration in the code is"
            + " applied in the schemas that were read")
      } else {
        let migrating = bySchema.filter {
          $0.value.contains { Self.blocks($0) && $0.kind.change != .unfulfilled }
        }.count
        let unfulfilled = Set(
          own.filter { $0.kind.change == .unfulfilled }.map { "\($0.schema ?? "") \($0.name)" }
        ).count
        var parts: [String] = []
        if migrating > 0 {
          parts.append(
            "\(migrating) schema\(migrating == 1 ? "" : "s") need\(migrating == 1 ? "s" : "")"
              + " migrating")
        }
        if hazards > 0 { parts.append("\(hazards) operation\(hazards == 1 ? "" : "s") will fail") }
        if unfulfilled > 0 {
          parts.append(
            "\(unfulfilled) migration\(unfulfilled == 1 ? " is" : "s are") recorded as applied"
              + " without \(unfulfilled == 1 ? "its" : "their") effect")
        }
        lines.append("\(environment.name): \(parts.joined(separator: ", "))")
      }
      for item in unread {
        lines.append("  \(item.schema): not verified: cannot read \(item.object): \(item.reason)")
      }
      for schema in bySchema.keys.sorted() {
        let findings = bySchema[schema] ?? []
        for (change, label) in [
          (Change.pending, "pending"), (.ghost, "applied, not in the code"),
          (.inconsistent, "applied before its dependency"),
        ] {
          let names = findings.filter { $0.kind.change == change }.map(\.name)
          if !names.isEmpty {
            lines.append("  \(schema): \(label): \(names.joined(separator: ", "))")
          }
        }
        for finding in findings where finding.kind.change == .unfulfilled {
          lines.append(
            "  \(schema): applied, effect absent: \(finding.name): \(finding.detail ?? "") is absent"
          )
        }
        let strays = findings.filter { $0.kind.change == .unexplained }.compactMap(\.detail)
        if !strays.isEmpty {
          lines.append("  \(schema): made by no migration: \(strays.joined(separator: ", "))")
        }
        for hazard in findings where hazard.kind.change == .hazard {
          lines.append(
            "  \(schema): will fail: \(hazard.name) \(hazard.detail ?? "")"
              + " → \(hazard.failure ?? ""): \(hazard.values[environment.name].flatMap { $0 } ?? "")"
          )
        }
      }
    }
    return lines.map(TerminalText.value).joined(separator: "\n") + "\n"
  }
}
