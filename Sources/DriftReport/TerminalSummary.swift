import DriftModel
import Foundation

/// What envdrift prints on a terminal: the lines after a report is written, `verify`'s answer,
/// and their colours.
public enum TerminalSummary {
  /// The few lines printed after a report is written to `reportPath`: each environment's
  /// status, the versions and shared clusters, the number of findings.
  public static func compare(_ comparison: Comparison, reportPath: String) -> String {
    var lines: [String] = []
    for environment in comparison.environments {
      let counts = environment.counts
      let state: String
      switch environment.status {
      case .baseline: state = "baseline"
      case .inSync: state = "in sync"
      case .drifted:
        state = "drifted (\(counts.error) errors, \(counts.warning) warnings, \(counts.info) info)"
      case .unreachable: state = "unreachable: \(environment.error ?? "unknown error")"
      case .changing: state = "changing: DDL in progress: \(environment.error ?? "")"
      }
      let unread = environment.unreadableMigrationTables
      let locked = environment.lockedRelations
      var note =
        unread.isEmpty
        ? ""
        : "; \(unread.count) migration table\(unread.count == 1 ? "" : "s") could not be read"
          + " (\(unread.map(\.schema).joined(separator: ", "))): not compared"
      if !locked.isEmpty {
        note +=
          "; \(locked.count) relation\(locked.count == 1 ? "" : "s") locked by DDL in progress"
          + " (\(locked.map { "\($0.schema).\($0.object)" }.joined(separator: ", "))): not compared"
      }
      lines.append("\(environment.name): \(state)\(note)")
    }
    let order = comparison.environments.map(\.name)
    if let versions = VersionWording.sentence(comparison.versions, order: order) {
      lines.append(versions)
    }
    if let shared = VersionWording.sharedClusters(comparison.sharedClusters) {
      lines.append(shared)
    }
    lines.append("\(comparison.findings.count) findings; report written to \(reportPath)")
    return lines.joined(separator: "\n") + "\n"
  }

  /// `envdrift verify`'s answer: one block per environment, one line per schema that needs
  /// attention.
  public static func verify(_ comparison: Comparison) -> String {
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
      let blockingSchemas = bySchema.filter { $0.value.contains(where: \.blocksDeployment) }.count
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
          $0.value.contains { $0.blocksDeployment && $0.kind.change != .unfulfilled }
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

  /// The summary lines with their status words coloured, for a terminal.
  public static func colorize(_ text: String) -> String {
    let colors = [
      (": drifted", "31"), (": unreachable", "33"), (": in sync", "32"), (": baseline", "36"),
    ]
    var result = text
    for (word, code) in colors {
      result = result.replacingOccurrences(
        of: word, with: ": \u{1B}[\(code)m\(word.dropFirst(2))\u{1B}[0m")
    }
    return result
  }
}
