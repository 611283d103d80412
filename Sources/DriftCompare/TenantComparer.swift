import DriftModel

/// Compares the tenant schemas of one environment with a reference tenant.
///
/// Tenants are the schemas django-tenants' registry lists, else every schema but `public` with a
/// `django_migrations` table of its own. The reference defaults to the tenant closest to the
/// shape most tenants share, so that one broken tenant among 1,000 is the one reported.
///
/// Each tenant is compared with the reference table by table on schema-free copies: tables
/// that are equal need no further work, and only the parts that differ are flattened into
/// inventories and diffed, which keeps 1,000 tenants fast.
struct TenantComparer: Sendable {
  var filter: SchemaFilter

  /// One tenant, ready to compare: its schema without its own name, and its migration tables.
  struct Tenant: Sendable {
    var name: String
    var schema: Schema
    var migrations: [MigrationTable]
    var comparableMigrations: [String: [String]]
  }

  func findings(in snapshot: Snapshot, reference requested: String?) -> [Finding] {
    let names = snapshot.tenantSchemas.filter(filter.includes).sorted()
    guard names.count >= 2 || (requested != nil && !names.isEmpty) else { return [] }
    var wanted = Set(names)
    if let requested { wanted.insert(requested) }
    var migrations: [String: [MigrationTable]] = [:]
    for table in snapshot.migrationTables where wanted.contains(table.schema) {
      migrations[table.schema, default: []].append(table)
    }
    let migrationsBySchema = migrations
    let prepared = snapshot.schemas.filter { wanted.contains($0.name) }.concurrentMap { schema in
      let tables = migrationsBySchema[schema.name] ?? []
      return Tenant(
        name: schema.name,
        schema: schema.anonymized(),
        migrations: tables,
        comparableMigrations: Dictionary(
          tables.map { ($0.name, $0.unreadableReason == nil ? $0.comparable : ["unreadable"]) },
          uniquingKeysWith: { left, _ in left }
        )
      )
    }
    var tenants: [String: Tenant] = [:]
    for tenant in prepared { tenants[tenant.name] = tenant }
    let reference = requested ?? Self.typical(names.compactMap { tenants[$0] })
    guard let referenceTenant = tenants[reference] else { return [] }
    let others = names.filter { $0 != reference }.compactMap { tenants[$0] }
    let environment = snapshot.environment.name
    return others.concurrentMap { tenant in
      compare(tenant, with: referenceTenant, environment: environment)
    }.flatMap { $0 }
  }

  private func compare(_ tenant: Tenant, with reference: Tenant, environment: String) -> [Finding] {
    var left = reference.schema
    var right = tenant.schema
    let schemasDiffer = left != right
    let migrationsDiffer = tenant.comparableMigrations != reference.comparableMigrations
    if !schemasDiffer, !migrationsDiffer { return [] }
    Self.keepDifferences(&left, &right)
    let sides = [
      Differ.Side(
        name: reference.name,
        inventory: Inventory(tenant: left, migrationTables: reference.migrations)
      ),
      Differ.Side(
        name: tenant.name,
        inventory: Inventory(tenant: right, migrationTables: tenant.migrations)
      ),
    ]
    let found = Differ(
      sides: sides,
      baseline: reference.name,
      scope: .tenants,
      environment: environment
    )
    .findings()
    return found.map { finding in
      var located = finding
      located.schema = tenant.name
      return located
    }
  }

  /// Empties, on both sides, the parts of two schema-free copies that are equal.
  ///
  /// A table equal on both sides keeps only itself (so that what hangs off it, such as its
  /// migration rows, still has a parent); any other kind of object is kept in full where it
  /// differs at all.
  static func keepDifferences(_ left: inout Schema, _ right: inout Schema) {
    let sequencesDiffer = left.sequences != right.sequences
    if !sequencesDiffer {
      let rightTables = Dictionary(
        right.tables.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
      let equal = Set(left.tables.filter { rightTables[$0.name] == $0 }.map(\.name))
      func shell(_ table: Table) -> Table {
        guard equal.contains(table.name) else { return table }
        return Table(name: table.name, kind: table.kind, owner: table.owner)
      }
      left.tables = left.tables.map(shell)
      right.tables = right.tables.map(shell)
      left.sequences = []
      right.sequences = []
    }
    if left.views == right.views {
      left.views = []
      right.views = []
    }
    if left.types == right.types {
      left.types = []
      right.types = []
    }
    if left.functions == right.functions {
      left.functions = []
      right.functions = []
    }
    if left.collations == right.collations {
      left.collations = []
      right.collations = []
    }
  }

  /// The tenant that agrees with the majority of tenants on the most tables and migrations.
  ///
  /// Votes are cast per table name on whole (schema-free) tables, and per migration table on
  /// its set of rows, so choosing costs one hash per table, not one per column. Ties are broken
  /// by name, the first in sort order (`tenants` come sorted): the same input always gives the
  /// same reference.
  static func typical(_ tenants: [Tenant]) -> String {
    guard tenants.count > 2 else { return tenants.first?.name ?? "" }
    var tableVotes: [String: [Ballot: Int]] = [:]
    var migrationVotes: [String: [[String]: Int]] = [:]
    for tenant in tenants {
      for table in tenant.schema.tables {
        tableVotes[table.name, default: [:]][Ballot(table), default: 0] += 1
      }
      for (name, rows) in tenant.comparableMigrations {
        migrationVotes[name, default: [:]][rows, default: 0] += 1
      }
    }
    // A shape most tenants share wins; a tie between shapes has no winner, so that no choice
    // depends on the order a dictionary happens to list them in.
    func winner<Value: Hashable>(_ tally: [Value: Int]) -> Value? {
      let present = tally.values.reduce(0, +)
      let most = tally.values.max() ?? 0
      let leaders = tally.filter { $0.value == most }
      guard leaders.count == 1, let best = leaders.first, most * 2 >= present,
        present * 2 >= tenants.count
      else { return nil }
      return best.key
    }
    let typicalTables = tableVotes.compactMapValues(winner)
    let typicalMigrations = migrationVotes.compactMapValues(winner)
    var best = tenants[0].name
    var bestScore = Int.min
    for tenant in tenants {
      var score = 0
      for table in tenant.schema.tables {
        score += typicalTables[table.name]?.table == table ? 1 : -1
      }
      score -=
        typicalTables.keys.filter { name in !tenant.schema.tables.contains { $0.name == name } }
        .count
      for (name, rows) in tenant.comparableMigrations {
        score += typicalMigrations[name] == rows ? 10 : -10
      }
      if score > bestScore {
        best = tenant.name
        bestScore = score
      }
    }
    return best
  }

  /// A table as a vote for the typical tenant: equal when the tables are equal, hashed cheaply.
  ///
  /// Hashing a whole table reads every byte of every column, index and constraint; a vote only
  /// needs tables that differ to land in different buckets most of the time, so the hash takes
  /// the name and the sizes, and equality settles the rest (fast, as equal tenants share their
  /// strings' storage).
  struct Ballot: Hashable {
    var table: Table

    init(_ table: Table) {
      self.table = table
    }

    static func == (lhs: Ballot, rhs: Ballot) -> Bool {
      lhs.table == rhs.table
    }

    func hash(into hasher: inout Hasher) {
      hasher.combine(table.name)
      hasher.combine(table.columns.count)
      hasher.combine(table.indexes.count)
      hasher.combine(table.constraints.count)
      hasher.combine(table.triggers.count)
      for column in table.columns { hasher.combine(column.name.utf8.count) }
    }
  }
}
