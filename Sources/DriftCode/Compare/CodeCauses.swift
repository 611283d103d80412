import DriftModel

/// Likely-cause lines for code-versus-database findings: hazards first, then applied migrations
/// whose effect is absent, then history inconsistencies, then one line per environment on pending and ghost migrations.
public enum CodeCauses {
  /// The likely causes of the code findings `findings`, and of `code`'s unreadable files.
  public static func causes(_ findings: [Finding], code: CodeStatus?) -> [Cause] {
    struct Group: Hashable {
      var environment: String
      var kind: FindingKind
      var migration: String
      var detail: String
      var failure: String
      var problem: String
    }
    var order: [Group] = []
    var schemas: [Group: [String]] = [:]
    for finding in findings where finding.kind.object == .migration {
      guard [.hazard, .unfulfilled, .inconsistent, .pending, .ghost].contains(finding.kind.change),
        let environment = finding.environment, finding.scope == .environments
      else { continue }
      let hazard = finding.kind.change == .hazard
      let group = Group(
        environment: environment, kind: finding.kind, migration: finding.name,
        detail: finding.detail ?? "", failure: hazard ? finding.failure ?? "" : "",
        problem: hazard ? finding.values[environment].flatMap { $0 } ?? "" : "")
      if schemas[group] == nil { order.append(group) }
      schemas[group, default: []].append(finding.schema ?? "")
    }
    var hazards: [Cause] = []
    var inconsistencies: [Cause] = []
    var unfulfilled: [Cause] = []
    var tallies: [String: [Change: (migrations: Set<String>, schemas: Set<String>)]] = [:]
    var environments: [String] = []
    for group in order {
      let names = (schemas[group] ?? []).sorted()
      if !environments.contains(group.environment) { environments.append(group.environment) }
      switch group.kind.change {
      case .hazard:
        hazards.append(
          Cause(
            severity: .error,
            statement: .hazardIn(
              environment: group.environment, migration: group.migration, schemas: names,
              operation: group.detail, error: group.failure, problem: group.problem)))
      case .unfulfilled:
        unfulfilled.append(
          Cause(
            severity: .error,
            statement: .unfulfilledIn(
              environment: group.environment, migration: group.migration, schemas: names,
              effect: group.detail)))
      case .inconsistent:
        inconsistencies.append(
          Cause(
            severity: .error,
            statement: .inconsistentIn(
              environment: group.environment, migration: group.migration, schemas: names,
              dependency: group.detail)))
      default:
        tallies[group.environment, default: [:]][group.kind.change, default: ([], [])]
          .migrations.insert(group.migration)
        tallies[group.environment]?[group.kind.change]?.schemas.formUnion(names)
      }
    }
    var summaries: [Cause] = []
    for environment in environments {
      if let pending = tallies[environment]?[.pending] {
        summaries.append(
          Cause(
            severity: .warning,
            statement: .behindCode(
              environment: environment, source: code?.source,
              migrations: pending.migrations.sorted(), schemas: pending.schemas.sorted())))
      }
      if let ghosts = tallies[environment]?[.ghost] {
        summaries.append(
          Cause(
            severity: .warning,
            statement: .aheadOfCode(
              environment: environment, source: code?.source,
              migrations: ghosts.migrations.sorted())))
      }
    }
    var problems: [Cause] = []
    if let code, !code.problems.isEmpty {
      problems.append(
        Cause(
          severity: .warning,
          statement: .unreadableCode(source: code.source, problems: code.problems)))
    }
    return hazards + unfulfilled + inconsistencies + summaries + problems
  }
}
