/// What a report shows about the environments besides their findings: each one's tallies and the
/// migration trees where their histories part.
///
/// Made by the comparison from the snapshots, so that a ``Comparison`` renders on its own. Not
/// part of the JSON findings document, whose shape is a contract.
public struct Overview: Sendable, Hashable {
  /// Each environment that was read, by name.
  public var tallies: [String: Tally]
  /// Where the migration histories differ, one tree per app and shape, in schema order
  /// (`public` first, then by name).
  public var migrationTrees: [MigrationTree]

  /// Creates an overview.
  public init(tallies: [String: Tally] = [:], migrationTrees: [MigrationTree] = []) {
    self.tallies = tallies
    self.migrationTrees = migrationTrees
  }
}

/// One environment's counts, for the report's summary table.
public struct Tally: Sendable, Hashable {
  /// Schemas read (every schema, not only the compared ones).
  public var schemas: Int
  /// Tables in them.
  public var tables: Int
  /// Indexes on those tables.
  public var indexes: Int
  /// Tenant schemas (django-tenants), 0 without tenants.
  public var tenantSchemas: Int
  /// Each app's applied migrations, by app.
  public var migrations: [String: AppMigrations]
  /// The Rails environments its `ar_internal_metadata` tables name, sorted.
  public var railsEnvironments: [String]

  /// Creates a tally.
  public init(
    schemas: Int = 0,
    tables: Int = 0,
    indexes: Int = 0,
    tenantSchemas: Int = 0,
    migrations: [String: AppMigrations] = [:],
    railsEnvironments: [String] = []
  ) {
    self.schemas = schemas
    self.tables = tables
    self.indexes = indexes
    self.tenantSchemas = tenantSchemas
    self.migrations = migrations
    self.railsEnvironments = railsEnvironments
  }
}

/// One app's applied migrations in one environment, over all its schemas.
public struct AppMigrations: Sendable, Hashable {
  /// Distinct migration names.
  public var count: Int
  /// The greatest name (names sort in the order they were written: `0012_…` after `0011_…`).
  public var latest: String

  /// Creates an app's tally.
  public init(count: Int, latest: String) {
    self.count = count
    self.latest = latest
  }
}

/// One app's migrations in the schemas where the environments' histories differ the same way.
public struct MigrationTree: Sendable, Hashable {
  /// One migration and the environments that lack it.
  public struct Step: Sendable, Hashable {
    /// The migration's name, without its app.
    public var name: String
    /// The environments that have a migration table there but not this row, in the user's order.
    public var lacking: [String]

    /// Creates a step.
    public init(name: String, lacking: [String]) {
      self.name = name
      self.lacking = lacking
    }
  }

  /// The app.
  public var app: String
  /// The schemas whose history is this tree, in schema order.
  public var schemas: [String]
  /// The environments with a readable migration table in those schemas, in the user's order.
  public var environments: [String]
  /// Migrations before ``steps`` that every one of ``environments`` has, left out.
  public var earlierAlike: Int
  /// The migrations shown, by name: two before the first difference, then the rest.
  public var steps: [Step]

  /// Creates a tree.
  public init(
    app: String, schemas: [String], environments: [String], earlierAlike: Int, steps: [Step]
  ) {
    self.app = app
    self.schemas = schemas
    self.environments = environments
    self.earlierAlike = earlierAlike
    self.steps = steps
  }
}
