import DriftModel

/// Compares the code's Django migrations with each environment's migration tables and schema.
///
/// Per environment and per schema that has a `django_migrations` table it finds migrations
/// pending (in the code, not applied), ghosts (applied, absent from the code), history
/// inconsistencies (applied before a dependency) and hazards (pending operations that will fail
/// against the schema as it is). Pure: it reads snapshots and parsed files only.
public struct CodeComparer: Sendable {
  /// Django's own apps, whose migrations live in Django rather than in the project.
  public static let frameworkApps: Set<String> = [
    "admin", "auth", "contenttypes", "sessions", "sites", "messages", "staticfiles",
    "flatpages", "redirects",
  ]

  /// The code's name in findings' `values`, as the user called it (`code=./backend`).
  public var codeName: String
  /// The parsed migration files.
  public var code: MigrationCode
  /// Which schemas are compared.
  public var filter: SchemaFilter

  /// Creates a comparer.
  public init(codeName: String, code: MigrationCode, filter: SchemaFilter = SchemaFilter()) {
    self.codeName = codeName
    self.code = code
    self.filter = filter
  }

  /// Every code-versus-database finding for `snapshot`.
  public func findings(for snapshot: Snapshot) -> [Finding] {
    let plan = MigrationPlan(code: code)
    return findings(for: snapshot, plan: plan)
  }

  /// Every code-versus-database finding for each snapshot.
  public func findings(for snapshots: [Snapshot]) -> [Finding] {
    let plan = MigrationPlan(code: code)
    return snapshots.flatMap { findings(for: $0, plan: plan) }
  }

  private func findings(for snapshot: Snapshot, plan: MigrationPlan) -> [Finding] {
    let environment = snapshot.environment.name
    let placement = AppPlacement(snapshot: snapshot, plan: plan)
    let replaced = Set(plan.replacements.values.joined())
    let apps = code.apps
    var findings: [Finding] = []
    var schemas: [String: Schema] = [:]
    for schema in snapshot.schemas { schemas[schema.name] = schema }
    let tables = snapshot.migrationTables.filter {
      $0.framework == .django && $0.unreadableReason == nil && filter.includes($0.schema)
    }
    for table in tables {
      let schema = table.schema
      let rows = Dictionary(
        table.rows.map { (MigrationKey(app: $0.app, name: $0.name), $0) },
        uniquingKeysWith: { first, _ in first })
      let applied = AppliedSet(rows: Set(rows.keys), plan: plan)
      var simulation = SchemaSimulation(schema: schemas[schema])
      for step in plan.steps {
        let key = step.migration.key
        if applied.contains(key) {
          findings += inconsistencies(
            of: step.migration, plan: plan, applied: applied, rows: rows,
            environment: environment, schema: schema)
          continue
        }
        guard applied.isPlanned(key) else { continue }
        findings.append(
          Finding(
            kind: FindingKind(.migration, .pending),
            schema: schema,
            name: key.description,
            values: [codeName: step.migration.file, environment: nil],
            severity: .warning,
            message:
              "migration \(Wording.code(key.description)) is in the code but not applied in"
              + " \(environment) (schema \(Wording.code(schema)))",
            environment: environment,
            migration: key.description,
            aspect: "pending"
          ))
        guard placement.runs(app: step.migration.app, in: schema) else { continue }
        var failed = Set<String>()
        for action in step.actions {
          guard let problem = simulation.run(action), failed.insert(action.operation).inserted
          else { continue }
          findings.append(
            hazard(
              step.migration, action: action, problem: problem,
              environment: environment, schema: schema))
        }
      }
      for key in rows.keys.sorted()
      where apps.contains(key.app) && !plan.keys.contains(key) && !replaced.contains(key) {
        findings.append(
          Finding(
            kind: FindingKind(.migration, .ghost),
            schema: schema,
            name: key.description,
            values: [codeName: nil, environment: rows[key]?.appliedAt ?? "applied"],
            severity: .warning,
            message:
              "migration \(Wording.code(key.description)) is applied in \(environment)"
              + " (schema \(Wording.code(schema))) but has no file in the code: it was applied from another"
              + " branch, or its file was deleted",
            environment: environment,
            migration: key.description,
            aspect: "ghost"
          ))
      }
    }
    return findings
  }

  private func inconsistencies(
    of migration: CodeMigration,
    plan: MigrationPlan,
    applied: AppliedSet,
    rows: [MigrationKey: MigrationRow],
    environment: String,
    schema: String
  ) -> [Finding] {
    (plan.dependencies[migration.key] ?? []).filter { !applied.contains($0) }.map { dependency in
      Finding(
        kind: FindingKind(.migration, .inconsistent),
        schema: schema,
        name: migration.key.description,
        values: [
          codeName: "depends on \(dependency)",
          environment: "applied\(rows[migration.key]?.appliedAt.map { " \($0)" } ?? ""),"
            + " \(dependency) not applied",
        ],
        severity: .error,
        message:
          "migration \(Wording.code(migration.key.description)) is applied in \(environment)"
          + " (schema \(schema)) before its dependency \(Wording.code(dependency.description)):"
          + " Django will refuse to migrate with InconsistentMigrationHistory",
        environment: environment,
        migration: migration.key.description,
        aspect: "inconsistent",
        detail: dependency.description
      )
    }
  }

  private func hazard(
    _ migration: CodeMigration,
    action: DatabaseAction,
    problem: SchemaSimulation.Problem,
    environment: String,
    schema: String
  ) -> Finding {
    let key = migration.key.description
    return Finding(
      kind: FindingKind(.migration, .hazard),
      schema: schema,
      table: problem.table,
      name: key,
      values: [codeName: action.operation, environment: problem.message],
      severity: .error,
      message:
        "\(Wording.code(key)) will fail in \(environment) (schema \(Wording.code(schema))):"
        + " \(Wording.code(action.operation)) → \(problem.error): \(Wording.code(problem.message))",
      environment: environment,
      migration: key,
      aspect: problem.error,
      detail: action.operation,
      fix: SafePattern.suggestion(for: action, problem: problem)
    )
  }
}

/// Which migrations count as applied in one schema, with squashed migrations resolved the way
/// Django's loader does.
struct AppliedSet {
  private var applied: Set<MigrationKey>
  private var skipped: Set<MigrationKey> = []

  init(rows: Set<MigrationKey>, plan: MigrationPlan) {
    applied = rows
    for (squash, olds) in plan.replacements {
      let appliedOlds = olds.filter { rows.contains($0) }
      if rows.contains(squash) || appliedOlds.count == olds.count {
        applied.insert(squash)
        applied.formUnion(olds)
      } else if appliedOlds.isEmpty {
        skipped.formUnion(olds.filter { plan.keys.contains($0) })
      } else {
        skipped.insert(squash)
      }
    }
  }

  /// Whether `key` is applied (directly, or through a squash).
  func contains(_ key: MigrationKey) -> Bool { applied.contains(key) }

  /// Whether an unapplied `key` is one Django would run (not replaced by a squash it uses).
  func isPlanned(_ key: MigrationKey) -> Bool { !skipped.contains(key) }
}

/// Where each app's operations run under django-tenants: shared apps in `public` (and other
/// non-tenant schemas), tenant apps in tenant schemas; inferred from where their tables live.
struct AppPlacement {
  private var tenantSchemas: Set<String>
  private var shared: Set<String> = []
  private var tenant: Set<String> = []

  init(snapshot: Snapshot, plan: MigrationPlan) {
    tenantSchemas = Set(snapshot.tenantSchemas)
    guard !tenantSchemas.isEmpty else { return }
    var tablesBySchema: [String: Set<String>] = [:]
    for schema in snapshot.schemas { tablesBySchema[schema.name] = Set(schema.tables.map(\.name)) }
    for (app, tables) in plan.tablesByApp {
      for (schema, existing) in tablesBySchema where !existing.isDisjoint(with: tables) {
        if tenantSchemas.contains(schema) { tenant.insert(app) } else { shared.insert(app) }
      }
    }
  }

  /// Whether `app`'s operations run in `schema`; an app whose tables exist nowhere runs
  /// everywhere.
  func runs(app: String, in schema: String) -> Bool {
    guard !tenantSchemas.isEmpty else { return true }
    guard shared.contains(app) || tenant.contains(app) else { return true }
    return tenantSchemas.contains(schema) ? tenant.contains(app) : shared.contains(app)
  }
}
