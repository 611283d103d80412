import DriftModel

/// Suggests idempotent SQL that would bring the drifted side in line with the baseline.
///
/// Only additive or renaming statements are suggested (`CREATE … IF NOT EXISTS`,
/// `ALTER INDEX IF EXISTS … RENAME`); nothing that drops or rewrites data.
enum FixSuggester {
  static func suggest(for finding: Finding, snapshots: [Snapshot], baseline: String) -> Finding {
    var result = finding
    let reference = finding.scope == .tenants ? (finding.reference ?? baseline) : baseline
    let targets = finding.values.keys.sorted().filter { name in
      name != reference && (finding.values[name] ?? nil) != (finding.values[reference] ?? nil)
    }
    guard !targets.isEmpty, finding.aspect == Aspect.definition.rawValue else { return result }
    var statements: [String] = []
    switch (finding.kind.object, finding.kind.change) {
    case (.index, .renamed):
      guard let schema = finding.schema else { break }
      for target in targets {
        guard let current = finding.values[target] ?? nil else { continue }
        statements.append(
          "ALTER INDEX IF EXISTS \(SQLIdentifier.qualified(schema, current))"
            + " RENAME TO \(SQLIdentifier.quote(finding.name));"
        )
      }
    case (.index, .missing):
      guard let definition = finding.values[reference] ?? nil,
        let table = finding.table, !definition.hasSuffix("(INVALID)")
      else { break }
      if let index = index(finding, snapshots: snapshots, baseline: baseline, reference: reference),
        index.constraint != nil
      {
        break
      }
      for target in targets where finding.values[target] ?? nil == nil {
        let schema = finding.schema ?? ""
        let unique = definition.hasPrefix("UNIQUE ")
        let rest = unique ? String(definition.dropFirst("UNIQUE ".count)) : definition
        let only = rest.hasPrefix("ONLY ")
        let method = only ? String(rest.dropFirst("ONLY ".count)) : rest
        statements.append(
          "CREATE \(unique ? "UNIQUE " : "")INDEX IF NOT EXISTS \(SQLIdentifier.quote(finding.name))"
            + " ON \(only ? "ONLY " : "")\(SQLIdentifier.qualified(schema, table)) \(method);"
        )
      }
    case (.extension, .missing):
      guard finding.values[reference] ?? nil != nil,
        let snapshot = snapshots.first(where: { $0.environment.name == baseline }),
        let item = snapshot.extensions.first(where: { $0.name == finding.name })
      else { break }
      statements.append(
        "CREATE EXTENSION IF NOT EXISTS \(SQLIdentifier.quote(item.name))"
          + " WITH SCHEMA \(SQLIdentifier.quote(item.schema)) VERSION '\(item.version)';"
      )
    case (.schema, .missing):
      guard finding.values[reference] ?? nil != nil else { break }
      statements.append("CREATE SCHEMA IF NOT EXISTS \(SQLIdentifier.quote(finding.name));")
    case (.column, .missing):
      guard let table = finding.table, let schema = finding.schema,
        let column = column(finding, snapshots: snapshots, reference: reference)
      else { break }
      guard !column.notNull || column.defaultValue != nil, column.identity == nil,
        column.generated == nil
      else { break }
      var text =
        "ALTER TABLE \(SQLIdentifier.qualified(schema, table)) ADD COLUMN IF NOT EXISTS"
        + " \(SQLIdentifier.quote(column.name)) \(column.type)"
      if let value = column.defaultValue { text += " DEFAULT \(value)" }
      if column.notNull { text += " NOT NULL" }
      statements.append(text + ";")
    default:
      break
    }
    if !statements.isEmpty {
      let target = finding.scope == .tenants ? (finding.schema ?? "") : Wording.list(targets)
      result.fix = "-- make \(target) match \(reference)\n" + statements.joined(separator: "\n")
    }
    return result
  }

  private static func index(
    _ finding: Finding,
    snapshots: [Snapshot],
    baseline: String,
    reference: String
  ) -> Index? {
    let environment = finding.scope == .tenants ? (finding.environment ?? "") : baseline
    let schemaName = finding.scope == .tenants ? reference : (finding.schema ?? "")
    let snapshot = snapshots.first { $0.environment.name == environment }
    return snapshot?.schemas.first { $0.name == schemaName }?.table(named: finding.table ?? "")?
      .indexes.first { $0.name == finding.name }
  }

  private static func column(_ finding: Finding, snapshots: [Snapshot], reference: String)
    -> Column?
  {
    let environment = finding.scope == .tenants ? (finding.environment ?? "") : reference
    let schemaName = finding.scope == .tenants ? reference : (finding.schema ?? "")
    let snapshot = snapshots.first { $0.environment.name == environment }
    return snapshot?.schema(named: schemaName)?.table(named: finding.table ?? "")?
      .columns.first { $0.name == finding.name }
  }
}
