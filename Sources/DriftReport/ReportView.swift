import DriftModel

/// Turns a comparison into the values the templates show, every identifier already escaped.
///
/// All decisions live here; the templates only place sections.
struct ReportView {
  var input: ReportInput
  /// The most rows any one table shows; the rest is counted in a "more findings" line.
  var rowLimit: Int
  /// The most schema names listed for a group of schemas.
  var nameLimit: Int

  private var comparison: Comparison { input.comparison }
  private var names: [String] { comparison.environments.map(\.name) }
  private var readableNames: [String] {
    comparison.environments.filter(\.wasRead).map(\.name)
  }

  func context() -> ReportContext {
    let environmentFindings = comparison.findings.filter { $0.scope == .environments }
    let tenantFindings = comparison.findings.filter { $0.scope == .tenants }
    let renames = environmentFindings.filter { $0.kind.change == .renamed }
    let missing = environmentFindings.filter {
      $0.kind.change == .missing && $0.kind.object != .migration
    }
    let changed = environmentFindings.filter { $0.kind.change == .changed }
    let migrationTrees = trees()
    let renameRows = renameTable(renames)
    let missingRows = groupedTable(missing, showValues: false)
    let changedRows = groupedTable(changed, showValues: true)
    let tenantSections = tenants(tenantFindings)
    let codeRows = codeTable()
    let safePatterns = safePatternBlock()
    let fixes = fixBlock()
    let timelineRows = timeline()
    let hidden =
      renameRows.hidden + missingRows.hidden + changedRows.hidden + codeRows.hidden
      + tenantSections.reduce(0) { $0 + $1.hidden }
    return ReportContext(
      title: title(),
      generatedAt: readableTime(comparison.generatedAt),
      version: EnvdriftVersion.current,
      baseline: Markdown.text(comparison.baseline),
      statusLines: statusLines(),
      summaryTable: summaryTable(),
      verdict: verdict(),
      causes: comparison.causes.prefix(rowLimit).map {
        ReportContext.Cause(icon: icon($0.severity), text: Wording.sentence($0.statement))
      },
      hasCauses: !comparison.causes.isEmpty,
      moreCauses: comparison.causes.count > rowLimit
        ? "_\(comparison.causes.count - rowLimit) more likely causes not shown (see the JSON report)._"
        : "",
      hasDrift: comparison.hasDrift,
      noDrift: !comparison.hasDrift && !comparison.hasUnreachable,
      migrationTrees: migrationTrees,
      hasMigrationTrees: !migrationTrees.isEmpty,
      renameTable: renameRows.text,
      hasRenames: !renames.isEmpty,
      missingTable: missingRows.text,
      hasMissing: !missing.isEmpty,
      changedTable: changedRows.text,
      hasChanged: !changed.isEmpty,
      tenantSections: tenantSections,
      hasTenants: !tenantSections.isEmpty,
      hasCode: comparison.code != nil,
      codeHeading: codeHeading(),
      codeTable: codeRows.text,
      codeInSync: codeRows.text.isEmpty,
      safePatterns: safePatterns.text,
      safePatternFence: safePatterns.fence,
      hasSafePatterns: !safePatterns.text.isEmpty,
      timelineTable: timelineRows,
      hasTimeline: !timelineRows.isEmpty,
      fixes: fixes.text,
      fixFence: fixes.fence,
      hasFixes: !fixes.text.isEmpty,
      checklist: checklist().map(ReportContext.Item.init(text:)),
      marker: "<!-- envdrift-report -->",
      hiddenFindings: hidden,
      hasHidden: hidden > 0)
  }

  // MARK: - Header

  private func title() -> String {
    let others = names.filter { $0 != comparison.baseline }.map(Markdown.text)
    if others.isEmpty { return "Tenant drift in \(Markdown.text(comparison.baseline))" }
    return others.joined(separator: " · ") + " → " + Markdown.text(comparison.baseline)
  }

  private func verdict() -> String {
    let drifted = comparison.environments.filter { $0.status == .drifted }.map(\.name)
    let unreachable = comparison.environments.filter { !$0.wasRead }.map(\.name)
    var parts: [String] = []
    let total = comparison.findings.count
    let errors = comparison.findings.filter { $0.severity == .error }.count
    if total == 0 {
      parts.append("**No drift**: every environment that was read matches the baseline.")
    } else {
      let who = drifted.isEmpty ? "" : " in \(drifted.map(Markdown.text).joined(separator: ", "))"
      parts.append(
        "**\(total) finding\(total == 1 ? "" : "s")**\(who) (\(errors) error\(errors == 1 ? "" : "s"))."
      )
    }
    if comparison.acceptedCount > 0 {
      let count = comparison.acceptedCount
      parts.append(
        "\(count) more finding\(count == 1 ? " is" : "s are") accepted by the configuration.")
    }
    if !unreachable.isEmpty {
      parts.append(
        "⚠️ Could not read \(unreachable.map(Markdown.text).joined(separator: ", ")): "
          + "its drift is unknown."
      )
    }
    return parts.joined(separator: " ")
  }

  private func statusLines() -> [ReportContext.Line] {
    var lines: [ReportContext.Line] = []
    if let code = comparison.code {
      let skipped = code.problems.isEmpty ? "" : " (\(code.problems.count) files skipped)"
      lines.append(
        ReportContext.Line(
          line: "📄 **\(Markdown.text(code.name))** — code at \(Markdown.code(code.source)):"
            + " \(code.migrations) migrations in \(code.apps) apps\(skipped)"))
    }
    lines += environmentStatusLines()
    let order = comparison.environments.map(\.name)
    if let versions = VersionWording.sentence(comparison.versions, order: order) {
      lines.append(ReportContext.Line(line: "ℹ️ " + Markdown.text(versions)))
    }
    if let shared = VersionWording.sharedClusters(comparison.sharedClusters) {
      lines.append(ReportContext.Line(line: "ℹ️ " + Markdown.text(shared)))
    }
    return lines
  }

  private func environmentStatusLines() -> [ReportContext.Line] {
    comparison.environments.map { environment in
      let name = "**\(Markdown.text(environment.name))**"
      let version =
        environment.serverVersion.map { " · PostgreSQL \(Markdown.text(shortVersion($0)))" } ?? ""
      let unread = environment.unreadableMigrationTables
      let locked = environment.lockedRelations
      var unreadNote =
        unread.isEmpty
        ? ""
        : " · ⚠️ \(unread.count) migration table\(unread.count == 1 ? "" : "s") unreadable, not"
          + " compared (\(unread.prefix(nameLimit).map { Markdown.code($0.schema) }.joined(separator: ", ")))"
      if !locked.isEmpty {
        unreadNote +=
          " · 🔒 \(locked.count) relation\(locked.count == 1 ? "" : "s") locked by DDL in progress,"
          + " not compared ("
          + locked.prefix(nameLimit).map { Markdown.code("\($0.schema).\($0.object)") }.joined(
            separator: ", ")
          + (locked.count > nameLimit ? ", …" : "") + ")"
      }
      let rails = comparison.overview.tallies[environment.name]?.railsEnvironments ?? []
      let railsNote =
        rails.isEmpty
        ? "" : " · Rails environment \(rails.map(Markdown.code).joined(separator: ", "))"
      let time =
        (environment.snapshotAt.map { " · snapshot \(readableTime($0))" } ?? "") + railsNote
        + unreadNote
      let counts = environment.counts
      let countText = "\(counts.error) errors, \(counts.warning) warnings, \(counts.info) info"
      switch environment.status {
      case .baseline:
        let ownCode = comparison.findings.contains {
          $0.scope == .environments && $0.environment == environment.name
        }
        let label = ownCode ? "findings against the code and its tenants" : "tenant drift"
        let extra = counts.total > 0 ? " (\(label): \(countText))" : ""
        return ReportContext.Line(line: "🎯 \(name) — baseline\(extra)\(version)\(time)")
      case .inSync:
        return ReportContext.Line(line: "✅ \(name) — in sync with the baseline\(version)\(time)")
      case .drifted:
        return ReportContext.Line(line: "❌ \(name) — drifted: \(countText)\(version)\(time)")
      case .unreachable:
        let reason = Markdown.text(environment.error ?? "unknown error")
        return ReportContext.Line(line: "⚠️ \(name) — unreachable: \(reason)")
      case .changing:
        let reason = Markdown.text(environment.error ?? "DDL in progress")
        return ReportContext.Line(line: "🔄 \(name) — changing: DDL in progress: \(reason)")
      }
    }
  }

  private func shortVersion(_ version: String) -> String {
    String(version.split(separator: " ").first ?? Substring(version))
  }

  private func summaryTable() -> String {
    let environments = comparison.environments
    var lines: [String] = []
    lines.append(
      "| | "
        + environments.map { "**\(Markdown.cell(Markdown.text($0.name)))**" }.joined(
          separator: " | ") + " |")
    lines.append("|---|" + String(repeating: "---|", count: environments.count))
    let tallies = comparison.overview.tallies
    func row(_ label: String, _ value: (Tally) -> String) {
      let cells = environments.map { environment in tallies[environment.name].map(value) ?? "—" }
      lines.append("| \(label) | " + cells.joined(separator: " | ") + " |")
    }
    row("Schemas") { String($0.schemas) }
    row("Tables") { String($0.tables) }
    row("Indexes") { String($0.indexes) }
    if tallies.values.contains(where: { $0.tenantSchemas > 0 }) {
      row("Tenant schemas") { String($0.tenantSchemas) }
    }
    for app in Set(tallies.values.flatMap(\.migrations.keys)).sorted() {
      row("Migrations: \(Markdown.cell(Markdown.code(app)))") { tally in
        guard let migrations = tally.migrations[app] else { return "—" }
        return "\(migrations.count) · latest \(Markdown.cell(Markdown.code(migrations.latest)))"
      }
    }
    let cells = environments.map { environment -> String in
      if environment.status == .unreachable { return "⚠️ unreachable" }
      if environment.status == .changing { return "🔄 changing" }
      let counts = environment.counts
      return "\(counts.error) / \(counts.warning) / \(counts.info)"
    }
    lines.append("| Findings (error / warning / info) | " + cells.joined(separator: " | ") + " |")
    return lines.joined(separator: "\n")
  }

  // MARK: - Migration trees

  private func trees() -> [ReportContext.Tree] {
    comparison.overview.migrationTrees.map { tree in
      let place =
        tree.schemas.count == 1
        ? "schema \(Markdown.code(tree.schemas[0]))"
        : "\(tree.schemas.count) schemas: " + nameList(tree.schemas)
      let text = drawing(tree)
      return ReportContext.Tree(
        title: "\(Markdown.code(tree.app)) — \(place)", tree: text, fence: Markdown.fence(for: text)
      )
    }
  }

  /// The tree as text: one branch per migration shown, marked where environments lack it.
  private func drawing(_ tree: MigrationTree) -> String {
    var output: [String] = []
    if tree.earlierAlike > 0 {
      let skip = tree.earlierAlike
      output.append("├── … \(skip) earlier migration\(skip == 1 ? "" : "s") present everywhere")
    }
    for (offset, step) in tree.steps.enumerated() {
      let branch = offset == tree.steps.count - 1 ? "└── " : "├── "
      var text = branch + Markdown.visible(step.name)
      if !step.lacking.isEmpty {
        let having = tree.environments.filter { !step.lacking.contains($0) }
        text += "  ← missing in \(step.lacking.joined(separator: ", "))"
        if !having.isEmpty { text += " (only in \(having.joined(separator: ", ")))" }
      }
      output.append(text)
    }
    return output.joined(separator: "\n")
  }

  // MARK: - Object tables

  private func renameTable(_ findings: [Finding]) -> (text: String, hidden: Int) {
    guard !findings.isEmpty else { return ("", 0) }
    let others = readableNames.filter { $0 != comparison.baseline }
    var lines = [
      "| Table | \(Markdown.cell(Markdown.text(comparison.baseline))) (baseline) | "
        + others.map { Markdown.cell(Markdown.text($0)) }.joined(separator: " | ")
        + " | Shared definition | Migration |",
      "|---|---|" + String(repeating: "---|", count: others.count) + "---|---|",
    ]
    let grouped = group(findings) { finding in
      others.map { finding.values[$0].flatMap { $0 } ?? "" }.joined(separator: "\u{1}")
    }
    for (finding, schemas) in grouped.prefix(rowLimit) {
      let table = Markdown.code(schemas.count == 1 ? finding.qualifiedTable : finding.table ?? "")
      let cells = others.map { name -> String in
        guard let value = finding.values[name] ?? nil else { return "—" }
        return value == finding.name ? "same" : "→ \(Markdown.code(value))"
      }
      let migration = finding.migration.map(Markdown.code) ?? "none recorded"
      lines.append(
        "| " + Markdown.cell(table + placeSuffix(schemas)) + " | "
          + Markdown.cell(Markdown.code(finding.name)) + " | "
          + cells.map(Markdown.cell).joined(separator: " | ") + " | "
          + Markdown.cell(Markdown.code(finding.detail ?? "")) + " | " + Markdown.cell(migration)
          + " |"
      )
    }
    return (lines.joined(separator: "\n") + moreLine(grouped.count), hiddenCount(grouped))
  }

  private func groupedTable(_ findings: [Finding], showValues: Bool) -> (text: String, hidden: Int)
  {
    guard !findings.isEmpty else { return ("", 0) }
    let columns = readableNames
    var lines = [
      "| Severity | Kind | Object | "
        + columns.map { name in
          Markdown.cell(Markdown.text(name)) + (name == comparison.baseline ? " (baseline)" : "")
        }.joined(separator: " | ") + " |",
      "|---|---|---|" + String(repeating: "---|", count: columns.count),
    ]
    let grouped = group(findings) { finding in
      columns.map { finding.values[$0].map { $0 ?? "\u{0}absent" } ?? "\u{0}n/a" }
        .joined(separator: "\u{1}")
    }
    for (finding, schemas) in grouped.prefix(rowLimit) {
      let object = Markdown.code(objectLabel(finding, schemas: schemas)) + placeSuffix(schemas)
      let cells = columns.map { name -> String in
        guard let entry = finding.values[name] else { return "n/a" }
        guard let value = entry else { return "❌ missing" }
        return showValues ? Markdown.code(value) : "✅"
      }
      let kind =
        finding.aspect == .definition
        ? finding.kind.object.rawValue.replacingUnderscores()
        : "\(finding.kind.object.rawValue.replacingUnderscores()) \(finding.aspect.rawValue)"
      lines.append(
        "| \(icon(finding.severity)) | \(kind) | \(Markdown.cell(object)) | "
          + cells.map(Markdown.cell).joined(separator: " | ") + " |"
      )
    }
    return (lines.joined(separator: "\n") + moreLine(grouped.count), hiddenCount(grouped))
  }

  private func objectLabel(_ finding: Finding, schemas: [String]) -> String {
    let schema = schemas.count == 1 ? (finding.schema ?? "") : ""
    switch finding.kind.object {
    case .schema, .extension: return finding.name
    default:
      return [schema, finding.table ?? "", finding.name].filter { !$0.isEmpty }
        .joined(separator: ".")
    }
  }

  private func placeSuffix(_ schemas: [String]) -> String {
    schemas.count > 1 ? " in \(schemas.count) schemas: \(nameList(schemas))" : ""
  }

  private func nameList(_ schemas: [String]) -> String {
    let shown = schemas.prefix(nameLimit).map(Markdown.code).joined(separator: ", ")
    return schemas.count > nameLimit ? shown + " and \(schemas.count - nameLimit) more" : shown
  }

  /// Groups findings that differ only by schema, keeping the first finding of each group.
  private func group(_ findings: [Finding], pattern: (Finding) -> String) -> [(Finding, [String])] {
    struct Key: Hashable {
      var kind: FindingKind
      var table: String?
      var name: String
      var aspect: String
      var pattern: String
    }
    var order: [Key] = []
    var groups: [Key: (Finding, [String])] = [:]
    for finding in findings {
      let key = Key(
        kind: finding.kind,
        table: finding.table,
        name: finding.name,
        aspect: finding.aspect.rawValue,
        pattern: pattern(finding)
      )
      if groups[key] == nil {
        order.append(key)
        groups[key] = (finding, [])
      }
      groups[key]?.1.append(finding.schema ?? "")
    }
    return order.compactMap { groups[$0] }.sorted { lhs, rhs in
      (lhs.0.severity, lhs.0.kind.object.rawValue, objectLabel(lhs.0, schemas: lhs.1))
        < (rhs.0.severity, rhs.0.kind.object.rawValue, objectLabel(rhs.0, schemas: rhs.1))
    }
  }

  private func moreLine(_ groups: Int) -> String {
    groups > rowLimit
      ? "\n\n_\(groups - rowLimit) more findings not shown (see the JSON report)._" : ""
  }

  private func hiddenCount(_ grouped: [(Finding, [String])]) -> Int {
    grouped.dropFirst(rowLimit).reduce(0) { $0 + $1.1.count }
  }

  // MARK: - Tenants

  private func tenants(_ findings: [Finding]) -> [ReportContext.TenantSection] {
    var sections: [ReportContext.TenantSection] = []
    for environment in names {
      let own = findings.filter { $0.environment == environment }
      guard let first = own.first,
        let total = comparison.overview.tallies[environment]?.tenantSchemas
      else { continue }
      let reference = first.reference ?? ""
      let grouped = group(own) { finding in
        let referenceValue = finding.values[reference].flatMap { $0 } ?? "\u{0}absent"
        let tenantValue = finding.values[finding.schema ?? ""].flatMap { $0 } ?? "\u{0}absent"
        return referenceValue + "\u{1}" + tenantValue
      }
      var items: [ReportContext.TenantItem] = []
      for (finding, schemas) in grouped.prefix(rowLimit) {
        let tenantValue = finding.values[finding.schema ?? ""] ?? nil
        let what: String
        switch finding.kind.change {
        case .missing where tenantValue == nil:
          what = "missing in"
        case .missing:
          what = "only in"
        case .renamed:
          what = "renamed to \(Markdown.code(finding.renamedTo ?? "")) in"
        default:
          what = "different in"
        }
        let label =
          finding.kind.object == .migration
          ? finding.name
          : [finding.table ?? "", finding.name].filter { !$0.isEmpty }.joined(separator: ".")
        let kind = finding.kind.object.rawValue.replacingUnderscores()
        let line =
          "\(icon(finding.severity)) \(kind) \(Markdown.code(label)) \(what) \(schemas.count) of"
          + " \(total) tenant schemas: \(schemas.prefix(nameLimit).map(Markdown.code).joined(separator: ", "))"
          + (schemas.count > nameLimit ? " and \(schemas.count - nameLimit) more" : "")
        let full =
          schemas.count > nameLimit ? schemas.map(Markdown.code).joined(separator: ", ") : ""
        var item = ReportContext.TenantItem(line: line, hasFullList: !full.isEmpty, fullList: full)
        if finding.kind.change == .changed {
          item.line =
            line
            + " (reference has \(Markdown.code(finding.values[reference].flatMap { $0 } ?? "")),"
            + " they have \(Markdown.code(tenantValue ?? ""))"
            + ")"
        }
        items.append(item)
      }
      let hidden = hiddenCount(grouped)
      sections.append(
        ReportContext.TenantSection(
          environment: Markdown.text(environment),
          reference: Markdown.code(reference),
          referenceWhy: referenceWhy(environment),
          tenantCount: total,
          findingCount: own.count,
          items: items,
          more: grouped.count > rowLimit
            ? "_\(grouped.count - rowLimit) more findings not shown (see the JSON report)._" : "",
          hidden: hidden))
    }
    return sections
  }

  /// Why the environment's reference tenant was chosen, in words.
  private func referenceWhy(_ environment: String) -> String {
    let reason = comparison.environments.first { $0.name == environment }?.tenantReference?.reason
    switch reason {
    case .requested: return "named with `--reference`"
    case .baseline:
      return "tied on shape; the closest to the tenants of \(Markdown.text(comparison.baseline))"
    case .code: return "tied on shape; the closest to what the code's migrations make"
    case .name: return "tied on every rule; the first by name"
    case .majority, nil: return "the shape most tenants share"
    }
  }

  // MARK: - Code versus database

  private func codeHeading() -> String {
    guard let code = comparison.code else { return "" }
    return "\(Markdown.text(code.name)) (\(Markdown.code(code.source)))"
  }

  /// Code findings grouped by environment, migration and what is wrong, with their schemas.
  private func codeTable() -> (text: String, hidden: Int) {
    struct Key: Hashable {
      var environment: String
      var change: Change
      var migration: String
      var state: String
    }
    let rank: [Change: Int] = [
      .hazard: 0, .unfulfilled: 1, .inconsistent: 2, .pending: 3, .ghost: 4, .unexplained: 5,
    ]
    var order: [Key] = []
    var schemas: [Key: [String]] = [:]
    for finding in comparison.findings {
      guard let environment = finding.environment, finding.scope == .environments,
        rank[finding.kind.change] != nil
      else { continue }
      let state: String
      switch finding.kind.change {
      case .hazard:
        state =
          "💥 will fail: \(Markdown.code(finding.detail ?? "")) → \(Markdown.text(finding.failure ?? "")):"
          + " \(Markdown.text(finding.values[environment].flatMap { $0 } ?? ""))"
      case .inconsistent:
        state = "🔴 applied without its dependency \(Markdown.code(finding.detail ?? ""))"
      case .pending:
        state = "⏳ pending"
      case .unfulfilled:
        state = "🕳️ recorded as applied, but its \(Markdown.code(finding.detail ?? "")) is absent"
      case .unexplained:
        state = "❔ present, made by no migration in the code"
      default:
        state = "👻 applied, but no file in the code"
      }
      let subject =
        finding.kind.change == .unexplained
        ? "\(finding.kind.object.rawValue) \(finding.table.map { "\($0)." } ?? "")\(finding.name)"
        : finding.name
      let key = Key(
        environment: environment, change: finding.kind.change, migration: subject, state: state)
      if schemas[key] == nil { order.append(key) }
      schemas[key, default: []].append(finding.schema ?? "")
    }
    guard !order.isEmpty else { return ("", 0) }
    let position = Dictionary(
      names.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { first, _ in first })
    order.sort {
      (rank[$0.change] ?? 9, position[$0.environment] ?? 0, $0.migration, $0.state)
        < (rank[$1.change] ?? 9, position[$1.environment] ?? 0, $1.migration, $1.state)
    }
    var lines = [
      "| Environment | Migration | State | Schemas |",
      "|---|---|---|---|",
    ]
    for key in order.prefix(rowLimit) {
      let names = (schemas[key] ?? []).sorted(by: Schema.listedBefore)
      let place = names.count == 1 ? Markdown.code(names[0]) : "\(names.count): \(nameList(names))"
      lines.append(
        "| \(Markdown.cell(Markdown.text(key.environment))) | \(Markdown.cell(Markdown.code(key.migration)))"
          + " | \(Markdown.cell(key.state)) | \(Markdown.cell(place)) |")
    }
    let hidden = order.dropFirst(rowLimit).reduce(0) { $0 + (schemas[$1]?.count ?? 0) }
    return (lines.joined(separator: "\n") + moreLine(order.count), hidden)
  }

  /// The idempotent pattern for each failing operation, once each.
  private func safePatternBlock() -> (text: String, fence: String) {
    var blocks: [String] = []
    var seen = Set<String>()
    for finding in comparison.findings where finding.kind.change == .hazard {
      guard let fix = finding.fix, seen.insert(fix).inserted else { continue }
      blocks.append(
        Python.comment("\(finding.name): \(finding.detail ?? "")") + "\n" + Markdown.block(fix))
    }
    let shown = blocks.prefix(rowLimit)
    var text = shown.joined(separator: "\n\n")
    if blocks.count > shown.count {
      text += "\n\n# \(blocks.count - shown.count) more patterns not shown (see the JSON report)"
    }
    return (text, Markdown.fence(for: text))
  }

  // MARK: - Timeline, fixes, checklist

  private func timeline() -> String {
    let entries = comparison.timeline
    guard !entries.isEmpty else { return "" }
    let interesting = entries.filter(\.missingInBaseline)
    let recent = entries.suffix(12)
    var chosen: [TimelineEntry] = []
    var seen = Set<TimelineEntry>()
    for entry in entries where interesting.contains(entry) || recent.contains(entry) {
      if seen.insert(entry).inserted { chosen.append(entry) }
    }
    let shown = chosen.suffix(rowLimit)
    var lines = [
      "| Applied (UTC) | Environment | Migration | Schemas | |",
      "|---|---|---|---|---|",
    ]
    for entry in shown {
      let mark = entry.missingInBaseline ? "not in \(Markdown.text(comparison.baseline))" : ""
      lines.append(
        "| \(readableTime(entry.appliedAt)) | \(Markdown.cell(Markdown.text(entry.environment))) | "
          + "\(Markdown.cell(Markdown.code(entry.migration))) | \(entry.schemas) | \(mark) |"
      )
    }
    if entries.count > shown.count {
      lines.append("")
      lines.append("_\(entries.count - shown.count) earlier migrations, applied alike, not shown._")
    }
    return lines.joined(separator: "\n")
  }

  private func fixBlock() -> (text: String, fence: String) {
    var blocks: [String] = []
    var seen = Set<String>()
    for finding in comparison.findings where finding.kind.change != .hazard {
      guard let fix = finding.fix, seen.insert(fix).inserted else { continue }
      let object =
        finding.qualifiedTable.isEmpty ? finding.name : finding.qualifiedTable + "." + finding.name
      blocks.append(SQL.comment("\(finding.kind): \(object)") + "\n" + Markdown.block(fix))
    }
    let shown = blocks.prefix(rowLimit)
    var text = shown.joined(separator: "\n\n")
    if blocks.count > shown.count {
      text +=
        "\n\n-- \(blocks.count - shown.count) more suggestions not shown (see the JSON report)"
    }
    return (text, Markdown.fence(for: text))
  }

  private func checklist() -> [String] {
    var items: [String] = []
    let migrationGaps = comparison.findings.contains {
      $0.kind.object == .migration && $0.kind.change != .unfulfilled
    }
    let renames = comparison.findings.contains { $0.kind.change == .renamed }
    let unreachable = comparison.environments.filter { !$0.wasRead }.map(\.name)
    for name in unreachable {
      items.append(
        "Restore access to \(Markdown.text(name)) and compare again: its drift is unknown")
    }
    if comparison.findings.contains(where: { $0.kind.change == .hazard }) {
      items.append(
        "Make each failing migration idempotent with the safe pattern shown, and check it against"
          + " a copy of the environment before deploying")
    }
    if comparison.findings.contains(where: { $0.kind.change == .unfulfilled }) {
      items.append(
        "For each migration recorded as applied whose effect is absent, re-create what it makes"
          + " (its `sqlmigrate` output, guarded with `IF NOT EXISTS`) on a copy first; never"
          + " `--fake` it again")
    }
    if migrationGaps {
      items.append(
        "Apply the missing migrations (or remove the stray ones) so every environment records the"
          + " same history"
      )
    }
    if renames {
      items.append(
        "Make rename migrations idempotent (`IF EXISTS`) before promoting them to an environment"
          + " that still has the old name"
      )
    }
    if comparison.findings.contains(where: { $0.fix != nil }) {
      items.append(
        "Review the suggested SQL, run it inside a transaction, and keep it in a migration")
    }
    if comparison.findings.contains(where: { $0.scope == .tenants }) {
      items.append("Run `migrate_schemas` for the tenant schemas listed above")
    }
    let again = input.command.map { Markdown.code($0) } ?? "envdrift"
    items.append("Run \(again) again and expect exit code 0 (✅ for every environment)")
    return items
  }

  // MARK: - Helpers

  private func icon(_ severity: Severity) -> String {
    switch severity {
    case .error: "🔴"
    case .warning: "🟡"
    case .info: "🔵"
    }
  }

  /// A time as reports show it, escaped as text (a snapshot file may hold anything there).
  private func readableTime(_ timestamp: String) -> String {
    Markdown.cell(Markdown.text(TimeText.readable(timestamp)))
  }

}

extension String {
  fileprivate func replacingUnderscores() -> String {
    String(map { $0 == "_" ? " " : $0 })
  }
}

/// What the report templates read, each value named as the templates name it (a custom
/// `--template` reads the same names): text already escaped for Markdown, flags for the
/// sections shown, counts.
struct ReportContext {
  /// A line of its own: an environment's status, a note.
  struct Line {
    var line: String
  }

  /// A likely cause, with its severity's icon.
  struct Cause {
    var icon: String
    var text: String
  }

  /// An item of the checklist.
  struct Item {
    var text: String
  }

  /// One app's migration tree and the schemas that share it.
  struct Tree {
    var title: String
    var tree: String
    /// A code fence the tree cannot close.
    var fence: String
  }

  /// The tenant findings of one environment.
  struct TenantSection {
    var environment: String
    var reference: String
    var referenceWhy: String
    var tenantCount: Int
    var findingCount: Int
    var items: [TenantItem]
    /// "N more findings not shown", or empty.
    var more: String
    /// Findings left out of the rows shown.
    var hidden: Int
  }

  /// One grouped tenant finding.
  struct TenantItem {
    var line: String
    var hasFullList: Bool
    /// Every schema it names, when the line names only some.
    var fullList: String
  }

  var title: String
  var generatedAt: String
  var version: String
  var baseline: String
  var statusLines: [Line]
  var summaryTable: String
  var verdict: String
  var causes: [Cause]
  var hasCauses: Bool
  var moreCauses: String
  var hasDrift: Bool
  var noDrift: Bool
  var migrationTrees: [Tree]
  var hasMigrationTrees: Bool
  var renameTable: String
  var hasRenames: Bool
  var missingTable: String
  var hasMissing: Bool
  var changedTable: String
  var hasChanged: Bool
  var tenantSections: [TenantSection]
  var hasTenants: Bool
  var hasCode: Bool
  var codeHeading: String
  var codeTable: String
  var codeInSync: Bool
  var safePatterns: String
  var safePatternFence: String
  var hasSafePatterns: Bool
  var timelineTable: String
  var hasTimeline: Bool
  var fixes: String
  var fixFence: String
  var hasFixes: Bool
  var checklist: [Item]
  var marker: String
  var hiddenFindings: Int
  var hasHidden: Bool
}
