import DriftModel

/// Explains findings: links them to the migrations that made them and writes likely causes.
///
/// Works from evidence only: migration names (Django names a RenameIndex migration
/// `NNNN_rename_<old>_<new>`), which environments have which rows, and which tables exist where.
struct CauseAnalyzer {
  var snapshots: [Snapshot]
  var baseline: String
  /// Migrations whose files were read (`app.name`): their hazards come from the code itself,
  /// so they are not guessed from table names here.
  var migrationsInCode: Set<String> = []

  /// Earliest applied time of each migration, per environment.
  private var appliedAt: [String: [String: String]] = [:]
  /// Every migration name recorded per environment and schema.
  private var recorded: [String: [String: Set<String>]] = [:]
  /// Every migration app label seen anywhere, longest first (for table → app matching).
  private var apps: [String] = []
  /// Migrations whose names say they rename something, once each per environment.
  private var renameRows: [(environment: String, row: MigrationRow, lowercased: String)] = []
  /// Table names per environment and schema.
  private var tables: [String: [String: [String]]] = [:]

  init(snapshots: [Snapshot], baseline: String) {
    self.snapshots = snapshots
    self.baseline = baseline
    // At 1,000 tenants each environment holds tens of thousands of migration rows: each is
    // indexed on a core of its own.
    var labels = Set<String>()
    for (snapshot, found) in zip(snapshots, snapshots.concurrentMap(Self.evidence)) {
      let name = snapshot.environment.name
      labels.formUnion(found.labels)
      appliedAt[name, default: [:]].merge(found.appliedAt) { Swift.min($0, $1) }
      recorded[name, default: [:]].merge(found.recorded) { $0.union($1) }
      renameRows += found.renameRows
      tables[name, default: [:]].merge(found.tables) { $1 }
    }
    apps = labels.sorted { ($0.count, $0) > ($1.count, $1) }
  }

  /// What one environment's snapshot tells the analyzer.
  private struct Evidence: Sendable {
    var labels = Set<String>()
    var appliedAt: [String: String] = [:]
    var recorded: [String: Set<String>] = [:]
    var renameRows: [(environment: String, row: MigrationRow, lowercased: String)] = []
    var tables: [String: [String]] = [:]
  }

  private static func evidence(in snapshot: Snapshot) -> Evidence {
    var found = Evidence()
    let name = snapshot.environment.name
    var seen = Set<String>()
    var lastApp: String?
    for table in snapshot.migrationTables {
      var names = found.recorded.removeValue(forKey: table.schema) ?? []
      for row in table.rows {
        let qualified = row.qualifiedName
        if row.app != lastApp {
          found.labels.insert(row.app)
          lastApp = row.app
        }
        names.insert(qualified)
        if let time = row.appliedAt, found.appliedAt[qualified].map({ time < $0 }) ?? true {
          found.appliedAt[qualified] = time
        }
        if seen.insert(qualified).inserted {
          let lowercased = row.name.lowercased()
          if lowercased.contains("rename") {
            found.renameRows.append((name, row, lowercased))
          }
        }
      }
      found.recorded[table.schema] = names
    }
    for schema in snapshot.schemas {
      found.tables[schema.name] = schema.tables.map(\.name)
    }
    return found
  }

  func annotate(_ input: [Finding]) -> (findings: [Finding], causes: [Cause]) {
    var findings = input
    var duplicates: [Cause] = []
    var renames: [Cause] = []
    var tenants: [Cause] = []
    var migrations: [Cause] = []
    var objects: [Cause] = []
    findDuplicateTables(&findings, &duplicates)
    linkRenames(&findings, &renames)
    explainTenants(findings, &tenants)
    explainMigrations(findings, &migrations)
    explainObjects(&findings, &objects)
    let causes =
      duplicates + renames + tenants + migrations + objects
      + Self.unreadableCauses(snapshots)
    var seen = Set<Statement>()
    return (findings, causes.filter { seen.insert($0.statement).inserted })
  }

  /// One likely cause per object a snapshot could not read.
  static func unreadableCauses(_ snapshots: [Snapshot]) -> [Cause] {
    var causes: [Cause] = []
    for snapshot in snapshots {
      for item in snapshot.unreadable where item.isRelation {
        causes.append(
          Cause(
            severity: .warning,
            statement: .unreadRelation(
              environment: snapshot.environment.name, schema: item.schema, name: item.object,
              reason: item.reason)))
      }
      for item in snapshot.unreadable where !item.isRelation {
        causes.append(
          Cause(
            severity: .warning,
            statement: .unreadableMigrationTable(
              environment: snapshot.environment.name, schema: item.schema, name: item.object,
              reason: item.reason)))
      }
    }
    return causes
  }

  // MARK: - Renames

  private func linkRenames(_ findings: inout [Finding], _ causes: inout [Cause]) {
    for position in findings.indices where findings[position].kind.change == .renamed {
      let finding = findings[position]
      guard let newName = finding.renamedTo else { continue }
      let renamedIn = finding.values.filter { $0.value == newName }.map(\.key).sorted()
      let oldName = finding.name
      let (oldLowercased, newLowercased) = (oldName.lowercased(), newName.lowercased())
      let candidates = renameRows.filter { candidate in
        candidate.lowercased.contains(oldLowercased) || candidate.lowercased.contains(newLowercased)
      }
      .map { ($0.environment, $0.row) }
      let environmentScope = finding.scope == .environments
      guard let (_, row) = candidates.first(where: { renamedIn.contains($0.0) }) ?? candidates.first
      else {
        let statement = Statement.renamedByHand(
          name: oldName, renamedTo: newName, sides: renamedIn)
        findings[position].cause = statement
        causes.append(Cause(severity: .warning, statement: statement))
        continue
      }
      findings[position].migration = row.qualifiedName
      guard environmentScope else { continue }
      let appliers = snapshots.map(\.environment.name).filter { name in
        recorded[name]?.values.contains { $0.contains(row.qualifiedName) } ?? false
      }
      let statement = Statement.renamedByMigration(
        migration: row.qualifiedName,
        appliedIn: appliers.map {
          Statement.Application(environment: $0, at: appliedAt[$0]?[row.qualifiedName])
        },
        baselineLacking: appliers.contains(baseline) ? nil : baseline,
        name: oldName, renamedTo: newName, sides: renamedIn)
      findings[position].cause = statement
      causes.append(Cause(severity: .warning, statement: statement))
    }
  }

  // MARK: - Migrations

  private func explainMigrations(_ findings: [Finding], _ causes: inout [Cause]) {
    struct Group: Hashable {
      var migration: String
      var absent: [String]
      var present: [String]
    }
    var schemasByGroup: [Group: Set<String>] = [:]
    var order: [Group] = []
    for finding in findings
    where finding.kind == FindingKind(.migration, .missing) && finding.scope == .environments {
      let absent = finding.values.filter { $0.value == nil }.map(\.key).sorted()
      let present = finding.values.filter { $0.value != nil }.map(\.key).sorted()
      let group = Group(migration: finding.name, absent: absent, present: present)
      if schemasByGroup[group] == nil { order.append(group) }
      schemasByGroup[group, default: []].insert(finding.schema ?? "")
    }
    for group in order {
      causes.append(
        Cause(
          severity: .error,
          statement: .missingMigration(
            migration: group.migration, missingIn: group.absent,
            schemas: (schemasByGroup[group] ?? []).sorted(),
            appliedIn: group.present.map {
              Statement.Application(environment: $0, at: appliedAt[$0]?[group.migration])
            })))
    }
  }

  private func findDuplicateTables(_ findings: inout [Finding], _ causes: inout [Cause]) {
    struct Hazard: Hashable {
      var environment: String
      var table: String
      var migration: String
    }
    var schemasByHazard: [Hazard: [String]] = [:]
    var order: [Hazard] = []
    for position in findings.indices
    where findings[position].kind == FindingKind(.migration, .missing)
      && findings[position].scope == .environments
    {
      let finding = findings[position]
      guard let schema = finding.schema, !migrationsInCode.contains(finding.name) else { continue }
      let parts = finding.name.split(separator: ".", maxSplits: 1).map(String.init)
      guard parts.count == 2 else { continue }
      let (app, migration) = (parts[0], parts[1])
      let absent = finding.values.filter { $0.value == nil }.map(\.key).sorted()
      for environment in absent {
        let candidates = (tables[environment]?[schema] ?? []).filter { $0.hasPrefix("\(app)_") }
          .sorted()
        for table in candidates {
          let model = String(table.dropFirst(app.count + 1))
          guard Self.migrationNames(model: model, migration: migration) else { continue }
          findings[position].cause = .duplicateTable(
            table: table, schemas: [schema], environment: environment, migration: finding.name)
          let hazard = Hazard(environment: environment, table: table, migration: finding.name)
          if schemasByHazard[hazard] == nil { order.append(hazard) }
          schemasByHazard[hazard, default: []].append(schema)
        }
      }
    }
    for hazard in order {
      causes.append(
        Cause(
          severity: .error,
          statement: .duplicateTable(
            table: hazard.table, schemas: (schemasByHazard[hazard] ?? []).sorted(),
            environment: hazard.environment, migration: hazard.migration)))
    }
  }

  /// Whether a migration's name says it creates `model`.
  ///
  /// Django names a migration that creates one model after it (`0002_payment`;
  /// `0005_client_domain` for models `client` and `domain`), so the model must be the last word
  /// and no word may say the migration alters or removes; an `initial` migration creates every
  /// table of its app.
  static func migrationNames(model: String, migration: String) -> Bool {
    let words = migration.lowercased().split(separator: "_").dropFirst().map(String.init)
    if words == ["initial"] { return true }
    let changing: Set<String> = ["alter", "remove", "rename", "delete", "drop", "add", "initial"]
    guard let last = words.last, !words.contains(where: changing.contains) else { return false }
    return last == model.lowercased()
  }

  private func explainTenants(_ findings: [Finding], _ causes: inout [Cause]) {
    struct Key: Hashable {
      var environment: String
      var app: String
      var reference: String
    }
    var missingByTenant: [String: [String: [String: Int]]] = [:]
    for finding in findings
    where finding.scope == .tenants && finding.kind == FindingKind(.migration, .missing) {
      guard let environment = finding.environment, let schema = finding.schema,
        finding.values[schema] ?? nil == nil
      else { continue }
      let app = String(finding.name.split(separator: ".").first ?? "")
      missingByTenant[environment, default: [:]][schema, default: [:]][app, default: 0] += 1
    }
    var tenantsByKey: [Key: [String]] = [:]
    var countByKey: [Key: Int] = [:]
    for snapshot in snapshots {
      let environment = snapshot.environment.name
      guard let tenants = missingByTenant[environment] else { continue }
      let reference =
        findings.first { $0.scope == .tenants && $0.environment == environment }?.reference ?? ""
      let referenceRows = snapshot.migrationTables.first { $0.schema == reference }?.rows ?? []
      for (tenant, apps) in tenants {
        for (app, missing) in apps {
          let total = referenceRows.filter { $0.app == app }.count
          guard total > 0, missing == total else { continue }
          let key = Key(environment: environment, app: app, reference: reference)
          tenantsByKey[key, default: []].append(tenant)
          countByKey[key] = total
        }
      }
    }
    for key in tenantsByKey.keys.sorted(by: { ($0.environment, $0.app) < ($1.environment, $1.app) })
    {
      causes.append(
        Cause(
          severity: .error,
          statement: .tenantsWithoutApp(
            tenants: (tenantsByKey[key] ?? []).sorted(), environment: key.environment,
            app: key.app, count: countByKey[key] ?? 0, reference: key.reference)))
    }
  }

  // MARK: - Objects

  private func explainObjects(_ findings: inout [Finding], _ causes: inout [Cause]) {
    var pendingByApp: [String: [String: [Finding]]] = [:]
    for finding in findings
    where finding.kind == FindingKind(.migration, .missing) {
      let app = String(finding.name.split(separator: ".").first ?? "")
      let scopeKey =
        "\(finding.scope.rawValue)|\(finding.environment ?? "")|\(finding.schema ?? "")"
      pendingByApp[scopeKey, default: [:]][app, default: []].append(finding)
    }
    struct Unexplained: Hashable {
      var app: String
      var scope: Scope
      var environment: String?
    }
    var unexplained: [Unexplained: Int] = [:]
    var unexplainedOrder: [Unexplained] = []
    let objectKinds: Set<ObjectKind> = [.table, .column, .index, .constraint]
    for position in findings.indices
    where objectKinds.contains(findings[position].kind.object)
      && findings[position].aspect == .definition
      && findings[position].cause == nil
    {
      let finding = findings[position]
      let tableName = finding.kind.object == .table ? finding.name : (finding.table ?? "")
      guard let app = app(ofTable: tableName) else { continue }
      let scopeKey =
        "\(finding.scope.rawValue)|\(finding.environment ?? "")|\(finding.schema ?? "")"
      if let pending = pendingByApp[scopeKey]?[app], !pending.isEmpty {
        let model = String(tableName.dropFirst(app.count + 1)).lowercased()
        let tokens = [finding.name.lowercased(), model]
        let related =
          pending.min { lhs, rhs in
            Self.relevance(of: lhs.name, model: model, tokens: tokens)
              < Self.relevance(of: rhs.name, model: model, tokens: tokens)
          } ?? pending[0]
        findings[position].migration = related.name
        let absent = related.values.filter { $0.value == nil }.map(\.key).sorted()
        let present = related.values.filter { $0.value != nil }.map(\.key).sorted()
        findings[position].cause = .explainedByMigration(
          migration: related.name, recordedIn: present, missingIn: absent)
      } else {
        let key = Unexplained(app: app, scope: finding.scope, environment: finding.environment)
        if unexplained[key] == nil { unexplainedOrder.append(key) }
        unexplained[key, default: 0] += 1
        findings[position].cause = .changedOutsideMigrations(app: app)
      }
    }
    for key in unexplainedOrder {
      causes.append(
        Cause(
          severity: .warning,
          statement: .differencesOutsideMigrations(
            count: unexplained[key] ?? 0, app: key.app,
            tenantsOf: key.scope == .tenants ? key.environment ?? "" : nil)))
    }
  }

  /// Orders candidate migrations for an object: the one that creates its table first, then one
  /// named after it, then the earliest.
  static func relevance(of qualifiedName: String, model: String, tokens: [String]) -> (Int, String)
  {
    let name = String(qualifiedName.split(separator: ".", maxSplits: 1).last ?? "")
    if migrationNames(model: model, migration: name) { return (0, name) }
    if tokens.contains(where: { !$0.isEmpty && name.lowercased().contains($0) }) {
      return (1, name)
    }
    return (2, name)
  }

  private func app(ofTable table: String) -> String? {
    apps.first { table.hasPrefix($0 + "_") }
  }

}
