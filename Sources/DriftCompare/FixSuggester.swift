import DriftModel

/// Suggests idempotent SQL that would bring the drifted side in line with the baseline.
///
/// Only additive or renaming statements are suggested (`CREATE … IF NOT EXISTS`,
/// `ALTER INDEX IF EXISTS … RENAME`, the `GRANT`s the baseline has: ``PrivilegeFixes``, and
/// the baseline's role and database settings: ``SettingFixes``);
/// nothing that drops or rewrites data or takes access away. A difference that a
/// migration explains is never undone where the migration is recorded: its effect is applied,
/// idempotently, where it is not (see ``promotion(of:snapshots:)``).
enum FixSuggester {
  static func suggest(for finding: Finding, snapshots: [Snapshot], baseline: String) -> Finding {
    var result = finding
    if let promotion = promotion(of: finding, snapshots: snapshots) {
      result.fix = promotion
      return result
    }
    let reference = finding.scope == .tenants ? (finding.reference ?? baseline) : baseline
    let targets = finding.values.keys.sorted().filter { name in
      name != reference && (finding.values[name] ?? nil) != (finding.values[reference] ?? nil)
    }
    let movedIndex = finding.kind == FindingKind(.index, .changed) && finding.aspect == .storage
    guard !targets.isEmpty, finding.aspect == .definition || movedIndex else { return result }
    var statements: [String] = []
    switch (finding.kind.object, finding.kind.change) {
    case (.index, .changed) where movedIndex:
      // Into the reference's tablespace, or back into the database's default one, which each
      // target names for itself: only when they all name the same one is there one statement.
      guard let schema = finding.schema else { break }
      let tablespace: String?
      if let value = finding.values[reference] ?? nil {
        let prefix = "TABLESPACE "
        tablespace = value.hasPrefix(prefix) ? String(value.dropFirst(prefix.count)) : nil
      } else {
        let defaults = Set(
          targets.map { target in
            snapshots.snapshot(of: target)?.database?.defaultTablespace
          })
        tablespace = defaults.count == 1 ? defaults.first ?? nil : nil
      }
      guard let tablespace else { break }
      statements.append(
        "ALTER INDEX IF EXISTS \(SQL.qualified(schema, finding.name))"
          + " SET TABLESPACE \(SQL.identifier(tablespace));")
    case (.index, .renamed):
      guard let schema = finding.schema else { break }
      for target in targets {
        guard let current = finding.values[target] ?? nil else { continue }
        statements.append(
          "ALTER INDEX IF EXISTS \(SQL.qualified(schema, current))"
            + " RENAME TO \(SQL.identifier(finding.name));"
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
        let using = only ? String(rest.dropFirst("ONLY ".count)) : rest
        guard using.hasPrefix("USING "), let method = SQL.fragment(using) else { continue }
        statements.append(
          "CREATE \(unique ? "UNIQUE " : "")INDEX IF NOT EXISTS \(SQL.identifier(finding.name))"
            + " ON \(only ? "ONLY " : "")\(SQL.qualified(schema, table)) \(method);"
        )
      }
    case (.extension, .missing):
      guard finding.values[reference] ?? nil != nil,
        let snapshot = snapshots.snapshot(of: baseline),
        let item = snapshot.extensions.first(where: { $0.name == finding.name })
      else { break }
      statements.append(
        "CREATE EXTENSION IF NOT EXISTS \(SQL.identifier(item.name))"
          + " WITH SCHEMA \(SQL.identifier(item.schema)) VERSION \(SQL.literal(item.version));"
      )
    case (.schema, .missing):
      guard finding.values[reference] ?? nil != nil else { break }
      statements.append("CREATE SCHEMA IF NOT EXISTS \(SQL.identifier(finding.name));")
    case (.column, .missing):
      guard let table = finding.table, let schema = finding.schema,
        let column = column(finding, snapshots: snapshots, reference: reference)
      else { break }
      guard !column.notNull || column.defaultValue != nil, column.identity == nil,
        column.generated == nil, let type = SQL.fragment(column.type)
      else { break }
      var text =
        "ALTER TABLE \(SQL.qualified(schema, table)) ADD COLUMN IF NOT EXISTS"
        + " \(SQL.identifier(column.name)) \(type)"
      if let value = column.defaultValue {
        guard let expression = SQL.fragment(value) else { break }
        text += " DEFAULT \(expression)"
      }
      if column.notNull { text += " NOT NULL" }
      statements.append(text + ";")
    case (.privilege, _) where finding.scope == .environments:
      statements += PrivilegeFixes.grants(
        finding, in: snapshots, reference: reference, targets: targets)
    case (.defaultPrivilege, _) where finding.scope == .environments:
      statements += PrivilegeFixes.defaults(
        finding, in: snapshots, reference: reference, targets: targets)
    case (.setting, _) where finding.scope == .environments:
      statements += SettingFixes.statements(
        finding, in: snapshots, reference: reference, targets: targets)
    default:
      break
    }
    if !statements.isEmpty {
      let target =
        finding.scope == .tenants ? SQL.identifier(finding.schema ?? "") : targets.inWords
      let source = finding.scope == .tenants ? SQL.identifier(reference) : reference
      result.fix =
        SQL.comment("make \(target) match \(source)") + "\n" + statements.joined(separator: "\n")
    }
    return result
  }

  /// The fix for a rename that a migration, recorded only where the new name is, explains.
  ///
  /// It is the same rename, idempotent, where the old name still is, and a note to record the
  /// migration there. Renaming back would revert a migration those environments record as
  /// applied.
  static func promotion(of finding: Finding, snapshots: [Snapshot]) -> String? {
    guard finding.kind == FindingKind(.index, .renamed), finding.scope == .environments,
      finding.aspect == .definition, let migration = finding.migration,
      let schema = finding.schema, let renamedTo = finding.renamedTo
    else { return nil }
    func records(_ snapshot: Snapshot) -> Bool {
      let tables = snapshot.migrationTables.filter { $0.schema == schema }
      return tables.contains { $0.rows.contains { $0.qualifiedName == migration } }
    }
    let recorded = Set(snapshots.filter(records).map(\.environment.name))
    let renamed = Set(finding.values.compactMap { $0.value == renamedTo ? $0.key : nil })
    let behind = finding.values.compactMap { $0.value == finding.name ? $0.key : nil }.sorted()
    guard !recorded.isEmpty, recorded.isSubset(of: renamed), !behind.isEmpty,
      recorded.isDisjoint(with: behind)
    else { return nil }
    return SQL.comment(
      "promote \(migration) to \(behind.inWords): do what it does where it is not recorded,"
        + " then record it there (migrate --fake)")
      + "\nALTER INDEX IF EXISTS \(SQL.qualified(schema, finding.name))"
      + " RENAME TO \(SQL.identifier(renamedTo));"
  }

  private static func index(
    _ finding: Finding,
    snapshots: [Snapshot],
    baseline: String,
    reference: String
  ) -> Index? {
    let environment = finding.scope == .tenants ? (finding.environment ?? "") : baseline
    let schemaName = finding.scope == .tenants ? reference : (finding.schema ?? "")
    let snapshot = snapshots.snapshot(of: environment)
    return snapshot?.schemas.first { $0.name == schemaName }?.table(named: finding.table ?? "")?
      .indexes.first { $0.name == finding.name }
  }

  private static func column(_ finding: Finding, snapshots: [Snapshot], reference: String)
    -> Column?
  {
    let environment = finding.scope == .tenants ? (finding.environment ?? "") : reference
    let schemaName = finding.scope == .tenants ? reference : (finding.schema ?? "")
    let snapshot = snapshots.snapshot(of: environment)
    return snapshot?.schema(named: schemaName)?.table(named: finding.table ?? "")?
      .columns.first { $0.name == finding.name }
  }
}
