import DriftModel

/// Compares inventories entry by entry and turns every disagreement into a finding.
///
/// Linear in the number of entries: each key is visited once, from the first inventory that
/// has it. An entry is compared only among the sides where its parent exists, so a missing
/// table is one finding, not one per column.
struct Differ {
  /// One side of the comparison: an environment, or a tenant schema.
  struct Side {
    var name: String
    var inventory: Inventory
  }

  var sides: [Side]
  var baseline: String
  var scope: Scope
  var environment: String?

  func findings() -> [Finding] {
    var findings: [Finding] = []
    for (position, side) in sides.enumerated() {
      for (key, _) in side.inventory.entries {
        if sides[..<position].contains(where: { $0.inventory.entries[key] != nil }) { continue }
        if let finding = compare(key) { findings.append(finding) }
      }
    }
    return RenameDetector(sides: sides, baseline: baseline).merge(findings)
  }

  private func participates(_ side: Side, in key: ObjectKey) -> Bool {
    guard let parent = key.parent else { return true }
    if side.inventory.unreadableMigrationTables.contains(parent) { return false }
    if parent.object == .schema, parent.schema == "" { return true }
    return side.inventory.entries[parent] != nil
  }

  private func compare(_ key: ObjectKey) -> Finding? {
    var values: [String: ObjectValue?] = [:]
    var participants: [String] = []
    for side in sides where participates(side, in: key) {
      values[side.name] = side.inventory.entries[key]
      participants.append(side.name)
    }
    guard participants.count >= 2 else { return nil }
    let distinct = Set(participants.map { values[$0]??.value })
    guard distinct.count > 1 else { return nil }
    let missing = distinct.contains(nil)
    let change: Change = missing ? .missing : .changed
    let displayed = values.mapValues { $0?.display }
    return Finding(
      kind: FindingKind(key.object, change),
      schema: key.schema,
      table: key.table,
      name: key.name,
      values: displayed,
      severity: SeverityRule.severity(of: key.object, change: change, aspect: key.aspect),
      message: Wording.message(
        key: key,
        change: change,
        values: displayed,
        order: participants,
        baseline: baseline,
        scope: scope
      ),
      scope: scope,
      environment: environment,
      reference: scope == .tenants ? baseline : nil,
      aspect: key.aspect.rawValue
    )
  }
}

/// Maps an object kind and change to the runtime impact it most likely has.
///
/// - error: the application or a deployment will likely break (a missing schema, table, column,
///   type, function, view, extension or migration; a changed column or enum).
/// - warning: performance or behaviour may differ (indexes, constraints, triggers, sequences,
///   policies, changed views and functions, extension versions, renames).
/// - info: harmless at run time (privileges, owners, comments).
public enum SeverityRule {
  /// The severity of a finding about `object`.
  public static func severity(of object: ObjectKind, change: Change, aspect: Aspect) -> Severity {
    if aspect != .definition { return .info }
    switch (object, change) {
    case (_, .hazard): return .error
    case (.privilege, _): return .info
    case (_, .renamed): return .warning
    case (.schema, _), (.table, .missing), (.column, _), (.migration, _), (.type, _):
      return .error
    case (.function, .missing), (.view, .missing), (.extension, .missing),
      (.materializedView, .missing):
      return .error
    default:
      return .warning
    }
  }
}
