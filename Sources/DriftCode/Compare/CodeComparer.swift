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
    report(for: [snapshot]).findings
  }

  /// Every code-versus-database finding for each snapshot.
  public func findings(for snapshots: [Snapshot]) -> [Finding] {
    report(for: snapshots).findings
  }

  /// An object an applied migration should have made, absent from one schema of one
  /// environment: what links a `*.missing` finding to the migration behind it.
  public struct Unfulfilment: Hashable, Sendable {
    /// The environment.
    public var environment: String
    /// The schema that lacks the object.
    public var schema: String
    /// The kind of object: a table, column, index or constraint.
    public var object: ObjectKind
    /// The table (for a table: its own name).
    public var table: String
    /// The object's name.
    public var name: String
    /// The migration, `app.name`, recorded as applied there, that makes it.
    public var migration: String

    /// Creates an absence.
    public init(
      environment: String, schema: String, object: ObjectKind, table: String, name: String,
      migration: String
    ) {
      self.environment = environment
      self.schema = schema
      self.object = object
      self.table = table
      self.name = name
      self.migration = migration
    }
  }

  /// Every finding for each snapshot, with the absences behind its `migration.unfulfilled`
  /// findings.
  public func report(for snapshots: [Snapshot]) -> (
    findings: [Finding], absences: [Unfulfilment]
  ) {
    let plan = MigrationPlan(code: code)
    var findings: [Finding] = []
    var absences: [Unfulfilment] = []
    for snapshot in snapshots {
      findings += self.findings(for: snapshot, plan: plan, absences: &absences)
    }
    return (findings, absences)
  }

  private func findings(
    for snapshot: Snapshot, plan: MigrationPlan, absences: inout [Unfulfilment]
  ) -> [Finding] {
    let environment = snapshot.environment.name
    let schemas = snapshot.allNames
    let available = snapshot.availableExtensions.map(Set.init)
    let placement = AppPlacement(snapshot: snapshot, names: schemas, plan: plan)
    let replaced = Set(plan.replacements.values.joined())
    let apps = code.apps
    var findings: [Finding] = []
    let tables = snapshot.migrationTables.filter {
      $0.framework == .django && $0.unreadableReason == nil && filter.includes($0.schema)
    }
    // Under django-tenants every tenant records the same rows: what they should have made is
    // replayed once per distinct history and placement, not once per tenant.
    var replays: [ReplayKey: ExpectedSchema] = [:]
    for table in tables {
      let schema = table.schema
      let rows = Dictionary(
        table.rows.map { (MigrationKey(app: $0.app, name: $0.name), $0) },
        uniquingKeysWith: { first, _ in first })
      let recorded = Set(rows.keys)
      let applied = AppliedSet(rows: recorded, plan: plan)
      var simulation: SchemaSimulation?
      let replayKey = ReplayKey(
        recorded: recorded, tenant: placement.isTenant(schema))
      let cached = replays[replayKey]
      var expected = cached ?? ExpectedSchema()
      for step in plan.steps {
        let key = step.migration.key
        if applied.contains(key) {
          findings += inconsistencies(
            of: step.migration, plan: plan, applied: applied, rows: rows,
            environment: environment, schema: schema)
          if cached == nil, applied.isReplayed(key),
            placement.runs(app: step.migration.app, in: schema)
          {
            expected.replay(step)
          }
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
            statement: .pendingMigration(
              migration: key.description, environment: environment, schema: schema),
            environment: environment,
            migration: key.description
          ))
        guard placement.runs(app: step.migration.app, in: schema) else { continue }
        var failed = Set<String>()
        for action in step.actions {
          if simulation == nil {
            simulation = SchemaSimulation(
              schema: schemas[schema], availableExtensions: available)
          }
          guard let problem = simulation?.run(action), failed.insert(action.operation).inserted
          else { continue }
          findings.append(
            hazard(
              step.migration, action: action, problem: problem,
              environment: environment, schema: schema))
        }
      }
      if cached == nil { replays[replayKey] = expected }
      // A migration applied from another branch (a ghost row) may have changed its app's tables
      // in ways the code cannot tell: that app's objects are not expected by name.
      let ghostApps = Set(
        rows.keys.filter {
          apps.contains($0.app) && !plan.keys.contains($0) && !replaced.contains($0)
        }.map(\.app))
      let absent = expected.absences(in: schemas[schema]).filter {
        !ghostApps.contains($0.producer.migration.app)
      }
      for absence in absent {
        absences.append(
          Unfulfilment(
            environment: environment, schema: schema, object: absence.object,
            table: absence.table, name: absence.name,
            migration: absence.producer.migration.description))
      }
      findings += fulfilment(
        expected, absent: absent, schema: schemas[schema], rows: rows, plan: plan,
        historyTables: Set(snapshot.migrationTables.filter { $0.schema == schema }.map(\.name)),
        environment: environment, schemaName: schema)
      for key in rows.keys.sorted()
      where apps.contains(key.app) && !plan.keys.contains(key) && !replaced.contains(key) {
        findings.append(
          Finding(
            kind: FindingKind(.migration, .ghost),
            schema: schema,
            name: key.description,
            values: [codeName: nil, environment: rows[key]?.appliedAt ?? "applied"],
            severity: .warning,
            statement: .ghostMigration(
              migration: key.description, environment: environment, schema: schema),
            environment: environment,
            migration: key.description
          ))
      }
    }
    return findings
  }

  /// `migration.unfulfilled` for each object the applied migrations should have made and the
  /// schema lacks; `table.unexplained` and `column.unexplained` for what none of them makes.
  private func fulfilment(
    _ expected: ExpectedSchema,
    absent: [ExpectedSchema.Absence],
    schema: SchemaNames?,
    rows: [MigrationKey: MigrationRow],
    plan: MigrationPlan,
    historyTables: Set<String>,
    environment: String,
    schemaName: String
  ) -> [Finding] {
    var findings: [Finding] = []
    for absence in absent {
      let key = absence.producer.migration
      let applied = rows[key]?.appliedAt.map { " on \($0)" } ?? ""
      findings.append(
        Finding(
          kind: FindingKind(.migration, .unfulfilled),
          schema: schemaName,
          table: absence.table,
          name: key.description,
          values: [
            codeName: absence.producer.operation,
            environment: "recorded as applied\(applied); \(absence.phrase) is absent",
          ],
          severity: .error,
          statement: .unfulfilledMigration(
            migration: key.description, environment: environment, schema: schemaName,
            effect: absence.phrase),
          environment: environment,
          migration: key.description,
          detail: absence.phrase
        ))
    }
    guard let schema else { return findings }
    let apps = code.apps
    var foreignApps = Self.frameworkApps.union(["django"])
    for key in rows.keys where !apps.contains(key.app) { foreignApps.insert(key.app) }
    let codeTables = plan.modelTables
    for stray in expected.strays(
      in: schema, foreignApps: foreignApps, historyTables: historyTables, codeTables: codeTables)
    {
      let phrase = stray.object == .table ? "table" : "column"
      let shown = stray.object == .table ? stray.name : "\(stray.table).\(stray.name)"
      findings.append(
        Finding(
          kind: FindingKind(stray.object, .unexplained),
          schema: schemaName,
          table: stray.object == .table ? nil : stray.table,
          name: stray.name,
          values: [codeName: nil, environment: "present"],
          severity: .info,
          statement: .unexplainedObject(
            object: stray.object, name: shown, environment: environment, schema: schemaName),
          environment: environment,
          detail: "\(phrase) \(shown)"
        ))
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
        statement: .inconsistentMigration(
          migration: migration.key.description, environment: environment, schema: schema,
          dependency: dependency.description),
        environment: environment,
        migration: migration.key.description,
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
      statement: .hazard(
        migration: key, environment: environment, schema: schema, operation: action.operation,
        error: problem.error, problem: problem.message),
      environment: environment,
      migration: key,
      failure: problem.error,
      detail: action.operation,
      fix: SafePattern.suggestion(for: action, problem: problem)
    )
  }
}

/// What a replay of applied migrations depends on: the rows recorded, and whether tenant or
/// shared apps run in the schema.
private struct ReplayKey: Hashable {
  var recorded: Set<MigrationKey>
  var tenant: Bool
}

/// Which migrations count as applied in one schema, with squashed migrations resolved the way
/// Django's loader does.
struct AppliedSet {
  private var applied: Set<MigrationKey>
  private var skipped: Set<MigrationKey> = []
  private var replacedBySquash: Set<MigrationKey> = []

  init(rows: Set<MigrationKey>, plan: MigrationPlan) {
    applied = rows
    for (squash, olds) in plan.replacements {
      let appliedOlds = olds.filter { rows.contains($0) }
      if rows.contains(squash) || appliedOlds.count == olds.count {
        applied.insert(squash)
        applied.formUnion(olds)
        if plan.keys.contains(squash) { replacedBySquash.formUnion(olds) }
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

  /// Whether an applied `key`'s operations stand for what the schema holds: `false` for the
  /// migrations an applied squash replaces, whose effect the squash states once.
  func isReplayed(_ key: MigrationKey) -> Bool { !replacedBySquash.contains(key) }
}

/// Where each app's operations run under django-tenants: shared apps in `public` (and other
/// non-tenant schemas), tenant apps in tenant schemas; inferred from where their tables live.
struct AppPlacement {
  private var tenantSchemas: Set<String>
  private var shared: Set<String> = []
  private var tenant: Set<String> = []

  init(snapshot: Snapshot, names: [String: SchemaNames], plan: MigrationPlan) {
    tenantSchemas = Set(snapshot.tenantSchemas)
    guard !tenantSchemas.isEmpty else { return }
    var tablesBySchema: [String: Set<String>] = [:]
    for (schema, schemaNames) in names {
      tablesBySchema[schema] = Set(schemaNames.relations.filter { $0.value.kind == .table }.keys)
    }
    for (app, tables) in plan.tablesByApp {
      for (schema, existing) in tablesBySchema where !existing.isDisjoint(with: tables) {
        if tenantSchemas.contains(schema) { tenant.insert(app) } else { shared.insert(app) }
      }
    }
  }

  /// Whether `schema` is a tenant schema (tenant apps run there, shared apps do not).
  func isTenant(_ schema: String) -> Bool { tenantSchemas.contains(schema) }

  /// Whether `app`'s operations run in `schema`; an app whose tables exist nowhere runs
  /// everywhere.
  func runs(app: String, in schema: String) -> Bool {
    guard !tenantSchemas.isEmpty else { return true }
    guard shared.contains(app) || tenant.contains(app) else { return true }
    return tenantSchemas.contains(schema) ? tenant.contains(app) : shared.contains(app)
  }
}
