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
    let merged = RenameDetector(sides: sides, baseline: baseline).merge(findings)
    return merged + dependentFindings(merged)
  }

  /// Finds objects that are the same everywhere but depend on something that is not.
  ///
  /// A view over a changed table, or a column of a changed enum, has to be dropped and
  /// recreated with it.
  private func dependentFindings(_ findings: [Finding]) -> [Finding] {
    var changed = Set<String>()
    var reported = Set<ObjectKey>()
    for finding in findings where finding.aspect == .definition {
      let schema = finding.schema ?? ""
      switch finding.kind.object {
      case .table, .view, .materializedView, .type: changed.insert("\(schema).\(finding.name)")
      case .column: changed.insert("\(schema).\(finding.table ?? "")")
      default: break
      }
      reported.insert(
        ObjectKey(
          object: finding.kind.object, schema: finding.schema, table: finding.table,
          name: finding.name)
      )
    }
    guard !changed.isEmpty else { return [] }
    var candidates: [ObjectKey: [String]] = [:]
    for side in sides {
      for (key, value) in side.inventory.entries where !value.dependsOn.isEmpty {
        candidates[key, default: []].append(contentsOf: value.dependsOn)
      }
    }
    var added: [Finding] = []
    var progress = true
    while progress {
      progress = false
      for (key, dependencies) in candidates.sorted(by: { "\($0.key)" < "\($1.key)" })
      where !reported.contains(key) {
        let changedDependencies = Set(dependencies).intersection(changed).sorted()
        guard let first = changedDependencies.first else { continue }
        var values: [String: String?] = [:]
        var order: [String] = []
        for side in sides where participates(side, in: key) {
          guard let value = side.inventory.entries[key] else { continue }
          values[side.name] = value.display
          order.append(side.name)
        }
        guard order.count >= 2 else { continue }
        reported.insert(key)
        let container = key.object == .column ? (key.table ?? "") : key.name
        if changed.insert("\(key.schema ?? "").\(container)").inserted { progress = true }
        added.append(
          Finding(
            kind: FindingKind(key.object, .changed),
            schema: key.schema,
            table: key.table,
            name: key.name,
            values: values,
            severity: .warning,
            statement: .dependencyDiffers(
              object: key.object, place: key.place, dependency: first),
            scope: scope,
            environment: environment,
            reference: scope == .tenants ? baseline : nil,
            aspect: .dependencies,
            detail: changedDependencies.joined(separator: ", ")
          )
        )
      }
    }
    return added
  }

  private func participates(_ side: Side, in key: ObjectKey) -> Bool {
    if let decided = side.inventory.partParticipation(key) { return decided }
    if !side.inventory.unreadableRelations.isEmpty, Self.isUnread(key, in: side.inventory) {
      return false
    }
    guard let parent = key.parent else { return true }
    if side.inventory.unreadableMigrationTables.contains(parent) { return false }
    if parent.object == .schema, parent.schema == "" { return true }
    if side.inventory.entries[parent] != nil { return true }
    if parent.object == .sequence { return side.inventory.ownedSequences.contains(parent) }
    guard parent.object == .table else { return false }
    for kind in [ObjectKind.view, .materializedView] {
      var relation = parent
      relation.object = kind
      if side.inventory.entries[relation] != nil { return true }
    }
    return false
  }

  /// Whether `key` is, or hangs off, a relation that side could not read.
  private static func isUnread(_ key: ObjectKey, in inventory: Inventory) -> Bool {
    let prefix = key.schema.map { $0.isEmpty ? "" : "\($0)." } ?? ""
    if let table = key.table, inventory.unreadableRelations.contains(prefix + table) {
      return true
    }
    switch key.object {
    case .table, .view, .materializedView, .index:
      return inventory.unreadableRelations.contains(prefix + key.name)
    default:
      return false
    }
  }

  private func compare(_ key: ObjectKey) -> Finding? {
    if let first = sides[0].inventory.entries[key] {
      var allEqual = true
      for side in sides.dropFirst() where side.inventory.entries[key]?.value != first.value {
        allEqual = false
        break
      }
      if allEqual { return nil }
    }
    var values: [String: ObjectValue?] = [:]
    var participants: [String] = []
    for side in sides where participates(side, in: key) {
      values[side.name] = side.inventory.entries[key]
      participants.append(side.name)
    }
    guard participants.count >= 2 else { return nil }
    let distinct = Set(participants.map { values[$0]??.value })
    guard distinct.count > 1 else { return nil }
    // A property (owner, comment, storage) set on one side and not on another is a change of
    // an object every side has, not a missing object.
    let missing = distinct.contains(nil) && key.aspect == .definition
    let change: Change = missing ? .missing : .changed
    let displayed = values.mapValues { $0?.display }
    return Finding(
      kind: FindingKind(key.object, change),
      schema: key.schema,
      table: key.table,
      name: key.name,
      values: displayed,
      // A side may make an absence worse (a role that owns objects there).
      severity: (missing ? participants.compactMap { values[$0]??.severity } : []).reduce(
        SeverityRule.severity(of: key.object, change: change, aspect: key.aspect), min),
      statement: .difference(
        object: key.object,
        place: key.place,
        aspect: key.aspect,
        change: change,
        values: displayed,
        order: participants,
        baseline: baseline,
        scope: scope
      ),
      scope: scope,
      environment: environment,
      reference: scope == .tenants ? baseline : nil,
      aspect: key.aspect,
      normalised: participants.lazy.compactMap { values[$0]??.normalised }.first
    )
  }
}

/// Maps an object kind and change to the runtime impact it most likely has.
///
/// - error: the application or a deployment will likely break (a missing schema, table, column,
///   type, function, view, extension or migration; a changed column or enum).
/// - warning: performance or behaviour may differ (indexes, constraints, triggers, sequences,
///   policies, changed views and functions, extension versions, renames).
/// - info: harmless at run time (privileges and default privileges, owners, comments).
public enum SeverityRule {
  /// The severity of a finding about `object`.
  public static func severity(of object: ObjectKind, change: Change, aspect: Aspect) -> Severity {
    if aspect == .dependencies { return .warning }
    if aspect != .definition { return .info }
    switch (object, change) {
    case (_, .hazard): return .error
    case (.privilege, _), (.defaultPrivilege, _): return .info
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
