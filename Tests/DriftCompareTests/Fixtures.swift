import DriftCompare
import DriftModel

/// Small builders for in-memory snapshots.
enum Fixture {
  static func snapshot(
    _ name: String,
    schemas: [Schema] = [],
    extensions: [Extension] = [],
    migrations: [MigrationTable] = [],
    registry: TenantRegistry? = nil
  ) -> Snapshot {
    var snapshot = Snapshot(
      environment: EnvironmentInfo(
        name: name,
        source: "postgresql://\(name)-db/app",
        serverVersion: "15.18",
        serverVersionNumber: 150_018,
        collectedAt: "2026-11-21T03:00:00Z"
      ),
      schemas: schemas,
      extensions: extensions,
      migrationTables: migrations,
      tenantRegistry: registry
    )
    snapshot.sort()
    return snapshot
  }

  static func table(
    _ name: String,
    columns: [Column] = [Column(name: "id", position: 1, type: "bigint", notNull: true)],
    indexes: [Index] = [],
    constraints: [Constraint] = [],
    privileges: [Privilege] = []
  ) -> Table {
    Table(
      name: name,
      owner: "app",
      columns: columns,
      indexes: indexes,
      constraints: constraints,
      privileges: privileges
    )
  }

  static func djangoMigrations(_ schema: String, _ rows: [(String, String, String)])
    -> MigrationTable
  {
    MigrationTable(
      schema: schema,
      rows: rows.map { MigrationRow(app: $0.0, name: $0.1, appliedAt: $0.2) }
    )
  }

  static let migrationTableShape = table(
    "django_migrations",
    columns: [
      Column(name: "id", position: 1, type: "bigint", notNull: true),
      Column(name: "app", position: 2, type: "character varying(255)", notNull: true),
      Column(name: "name", position: 3, type: "character varying(255)", notNull: true),
      Column(name: "applied", position: 4, type: "timestamp with time zone", notNull: true),
    ]
  )

  static func compare(_ snapshots: [Snapshot], baseline: String? = nil) -> Comparison {
    Comparer().compare(
      snapshots.map(CollectedEnvironment.init(snapshot:)),
      baseline: baseline ?? snapshots.last?.environment.name ?? "",
      generatedAt: "2026-11-21T03:00:00Z"
    )
  }

  /// A django-tenants-like snapshot: `public` plus tenant schemas with finance tables.
  static func tenantsSnapshot(
    _ name: String,
    tenants: [String],
    brokenTenants: Set<String> = [],
    extraMigration: (String, String)? = nil
  ) -> Snapshot {
    var schemas = [
      Schema(name: "public", owner: "app", tables: [migrationTableShape, table("tenants_client")])
    ]
    var migrations = [
      djangoMigrations("public", [("tenants", "0001_initial", "2025-09-01T09:00:00Z")])
    ]
    for tenant in tenants {
      var tables = [migrationTableShape]
      var rows = [("tenants", "0001_initial", "2025-09-01T09:05:00Z")]
      if !brokenTenants.contains(tenant) {
        tables.append(
          table(
            "finance_invoice",
            indexes: [Index(name: "finance_invoice_due_idx", definition: "USING btree (due)")]
          )
        )
        rows.append(("finance", "0001_initial", "2025-09-15T10:00:00Z"))
        if let extraMigration {
          rows.append((extraMigration.0, extraMigration.1, "2025-11-01T00:00:00Z"))
        }
      }
      schemas.append(Schema(name: tenant, owner: "app", tables: tables))
      migrations.append(djangoMigrations(tenant, rows))
    }
    return snapshot(
      name,
      schemas: schemas,
      migrations: migrations,
      registry: TenantRegistry(table: "public.tenants_client", schemas: tenants)
    )
  }
}

extension Comparison {
  func findings(_ kind: String, scope: Scope = .environments) -> [Finding] {
    findings.filter { $0.kind.description == kind && $0.scope == scope }
  }
}
