import DriftModel

/// Turns "missing here, extra there" pairs of indexes and constraints into renames.
///
/// Two names on the same table whose definitions are equal, each present exactly where the
/// other is absent, are one object under two names: one `index.renamed` finding, with `name` the
/// baseline's name and `renamedTo` the other.
struct RenameDetector {
  var sides: [Differ.Side]
  var baseline: String

  private struct Group: Hashable {
    var object: ObjectKind
    var schema: String?
    var table: String?
    var signature: String
  }

  func merge(_ findings: [Finding]) -> [Finding] {
    var groups: [Group: [Int]] = [:]
    for (position, finding) in findings.enumerated()
    where finding.kind.change == .missing && finding.aspect == .definition
      && (finding.kind.object == .index || finding.kind.object == .constraint)
    {
      guard let signature = signature(of: finding) else { continue }
      let group = Group(
        object: finding.kind.object,
        schema: finding.schema,
        table: finding.table,
        signature: signature
      )
      groups[group, default: []].append(position)
    }
    var removed = Set<Int>()
    var renames: [Finding] = []
    for (group, positions) in groups where positions.count >= 2 {
      guard let rename = rename(group, positions.map { findings[$0] }) else { continue }
      renames.append(rename)
      removed.formUnion(positions)
    }
    let kept = findings.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
    return kept + renames
  }

  private func signature(of finding: Finding) -> String? {
    for side in sides {
      let key = ObjectKey(
        object: finding.kind.object,
        schema: finding.schema,
        table: finding.table,
        name: finding.name
      )
      if let value = side.inventory.entries[key] { return value.renameSignature }
    }
    return nil
  }

  private func rename(_ group: Group, _ findings: [Finding]) -> Finding? {
    var nameBySide: [String: String] = [:]
    for finding in findings {
      for (side, value) in finding.values where value != nil {
        guard nameBySide[side] == nil else { return nil }
        nameBySide[side] = finding.name
      }
    }
    let participants = Set(findings.flatMap { $0.values.keys })
    guard participants.allSatisfy({ nameBySide[$0] != nil }),
      let baselineName = nameBySide[baseline]
    else { return nil }
    let order = sides.map(\.name).filter { participants.contains($0) }
    guard let other = order.compactMap({ nameBySide[$0] }).first(where: { $0 != baselineName })
    else { return nil }
    let renamedSides = order.filter { nameBySide[$0] != baselineName }
    let first = findings[0]
    let scope = first.scope
    return Finding(
      kind: FindingKind(group.object, .renamed),
      schema: group.schema,
      table: group.table,
      name: baselineName,
      values: Dictionary(uniqueKeysWithValues: order.map { ($0, nameBySide[$0]) }),
      severity: SeverityRule.severity(of: group.object, change: .renamed, aspect: .definition),
      statement: .renamed(
        object: group.object, name: baselineName, table: first.qualifiedTable, renamedTo: other,
        sides: renamedSides, baseline: baseline, scope: scope),
      scope: scope,
      renamedTo: other,
      environment: first.environment,
      reference: first.reference,
      detail: group.signature
    )
  }
}
