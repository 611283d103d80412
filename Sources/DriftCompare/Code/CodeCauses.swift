import DriftModel

/// Likely-cause lines for code-versus-database findings: hazards first, then applied migrations
/// whose effect is absent, then history inconsistencies, then one line per environment on pending and ghost migrations.
enum CodeCauses {
  /// The most schema names a cause line lists.
  static let nameLimit = 5

  static func causes(_ findings: [Finding], code: CodeStatus?) -> [Cause] {
    struct Group: Hashable {
      var environment: String
      var kind: FindingKind
      var migration: String
      var detail: String
    }
    var order: [Group] = []
    var schemas: [Group: [String]] = [:]
    for finding in findings where finding.kind.object == .migration {
      guard [.hazard, .unfulfilled, .inconsistent, .pending, .ghost].contains(finding.kind.change),
        let environment = finding.environment, finding.scope == .environments
      else { continue }
      let detail =
        finding.kind.change == .hazard
        ? "\(finding.detail ?? "") → \(finding.failure ?? ""): \(finding.values[environment].flatMap { $0 } ?? "")"
        : (finding.detail ?? "")
      let group = Group(
        environment: environment, kind: finding.kind, migration: finding.name, detail: detail)
      if schemas[group] == nil { order.append(group) }
      schemas[group, default: []].append(finding.schema ?? "")
    }
    func place(_ names: [String]) -> String {
      let sorted = names.sorted()
      let shown = sorted.prefix(nameLimit).map(Wording.code).joined(separator: ", ")
      let more = sorted.count > nameLimit ? " and \(sorted.count - nameLimit) more" : ""
      return "\(sorted.count) schema\(sorted.count == 1 ? "" : "s") (\(shown)\(more))"
    }
    var hazards: [Cause] = []
    var inconsistencies: [Cause] = []
    var unfulfilled: [Cause] = []
    var tallies: [String: [Change: (migrations: Set<String>, schemas: Set<String>)]] = [:]
    var environments: [String] = []
    for group in order {
      let names = schemas[group] ?? []
      if !environments.contains(group.environment) { environments.append(group.environment) }
      switch group.kind.change {
      case .hazard:
        hazards.append(
          Cause(
            severity: .error,
            message:
              "\(group.environment): applying \(Wording.code(group.migration)) will fail in"
              + " \(place(names)): \(Wording.code(group.detail)). Make the operation"
              + " idempotent (see the finding's fix) before deploying"
          ))
      case .unfulfilled:
        unfulfilled.append(
          Cause(
            severity: .error,
            message:
              "\(group.environment): \(Wording.code(group.migration)) is recorded as applied in"
              + " \(place(names)) but its \(Wording.code(group.detail)) is absent: the migration was"
              + " faked (`migrate --fake`), failed part-way, or the object was dropped by hand;"
              + " Django will not apply it again"
          ))
      case .inconsistent:
        inconsistencies.append(
          Cause(
            severity: .error,
            message:
              "\(group.environment): \(Wording.code(group.migration)) was applied without its"
              + " dependency \(Wording.code(group.detail)) in \(place(names)); Django will stop with"
              + " InconsistentMigrationHistory until the history is repaired"
          ))
      default:
        tallies[group.environment, default: [:]][group.kind.change, default: ([], [])]
          .migrations.insert(group.migration)
        tallies[group.environment]?[group.kind.change]?.schemas.formUnion(names)
      }
    }
    func listed(_ migrations: [String]) -> String {
      Wording.list(migrations.prefix(nameLimit).map(Wording.code))
        + (migrations.count > nameLimit ? " and \(migrations.count - nameLimit) more" : "")
    }
    var summaries: [Cause] = []
    let codeName = code.map { "the code (\(Wording.code($0.source)))" } ?? "the code"
    for environment in environments {
      if let pending = tallies[environment]?[.pending] {
        let migrations = pending.migrations.sorted()
        summaries.append(
          Cause(
            severity: .warning,
            message:
              "\(environment) is behind \(codeName): \(migrations.count) migration"
              + "\(migrations.count == 1 ? "" : "s") pending in \(place(Array(pending.schemas)))"
              + " — \(listed(migrations))"
          ))
      }
      if let ghosts = tallies[environment]?[.ghost] {
        let migrations = ghosts.migrations.sorted()
        summaries.append(
          Cause(
            severity: .warning,
            message:
              "\(environment) has \(migrations.count) migration\(migrations.count == 1 ? "" : "s")"
              + " applied that \(codeName) does not have (\(listed(migrations))): deployed from"
              + " another branch, or files deleted since"
          ))
      }
    }
    var problems: [Cause] = []
    if let code, !code.problems.isEmpty {
      let files = code.problems.prefix(nameLimit).map {
        "\(Wording.code($0.file)) (\(Wording.code($0.reason)))"
      }
      problems.append(
        Cause(
          severity: .warning,
          message:
            "\(code.problems.count) migration file\(code.problems.count == 1 ? "" : "s") in"
            + " \(Wording.code(code.source)) could not be read and \(code.problems.count == 1 ? "was" : "were")"
            + " skipped: \(files.joined(separator: "; "))"
            + (code.problems.count > nameLimit ? "; …" : "")
        ))
    }
    return hazards + unfulfilled + inconsistencies + summaries + problems
  }
}
