import DriftModel

/// Compares the tenant schemas of one environment with a reference tenant.
///
/// Tenants are the schemas django-tenants' registry lists, else every schema but `public` with a
/// `django_migrations` table of its own. The reference defaults to the tenant closest to the
/// shape most tenants share, so that one broken tenant among 1,000 is the one reported; ties are
/// broken by the baseline environment's tenants, then by the code, then by name.
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
    /// Relations of this tenant that could not be read (another session held them locked).
    var unreadable: Set<String> = []
  }

  /// The shapes a set of tenants shares: per table name the schema-free table, and per
  /// migration table its rows, that a majority of them have.
  struct Shapes: Sendable, Hashable {
    var tables: [String: Table] = [:]
    var migrations: [String: [String]] = [:]
  }

  /// What breaks a tie between tenants that match the majority's shape equally well.
  struct ReferenceHints: Sendable {
    /// The shapes the baseline environment's tenants share, for the other environments.
    var baseline: Shapes?
    /// Per schema, how many code findings it has (fewer is closer to the code), when code was
    /// given.
    var codeDistance: [String: Int]?
  }

  /// One environment's tenant comparison.
  struct Outcome: Sendable {
    var findings: [Finding] = []
    var reference: TenantReference?
    var shapes: Shapes?
  }

  func findings(in snapshot: Snapshot, reference requested: String?) -> [Finding] {
    compare(snapshot, reference: requested, hints: ReferenceHints()).findings
  }

  func compare(_ snapshot: Snapshot, reference requested: String?, hints: ReferenceHints)
    -> Outcome
  {
    let names = snapshot.tenantSchemas.filter(filter.includes).sorted()
    guard names.count >= 2 || (requested != nil && !names.isEmpty) else { return Outcome() }
    var wanted = Set(names)
    if let requested { wanted.insert(requested) }
    var migrations: [String: [MigrationTable]] = [:]
    for table in snapshot.migrationTables where wanted.contains(table.schema) {
      migrations[table.schema, default: []].append(table)
    }
    let migrationsBySchema = migrations
    var unreadable: [String: Set<String>] = [:]
    for item in snapshot.unreadable where item.isRelation && wanted.contains(item.schema) {
      unreadable[item.schema, default: []].insert(item.object)
    }
    let unreadableBySchema = unreadable
    let schemas = snapshot.schemas.filter { wanted.contains($0.name) }
    // Equal tables of different tenants are made to share their storage: everything that
    // follows (the votes for the shape most tenants share, each tenant's agreement with it, the
    // ties between candidates, each tenant against the reference) compares tables, and then
    // compares pointers. They are matched against one tenant's tables, on every core.
    let template = Dictionary(
      (schemas.first?.anonymized().tables ?? []).map { ($0.name, $0) },
      uniquingKeysWith: { left, _ in left })
    let prepared = schemas.concurrentMap { schema in
      let tables = migrationsBySchema[schema.name] ?? []
      var anonymized = schema.anonymized()
      for index in anonymized.tables.indices {
        if let equal = template[anonymized.tables[index].name], equal == anonymized.tables[index] {
          anonymized.tables[index] = equal
        }
      }
      return Tenant(
        name: schema.name,
        schema: anonymized,
        migrations: tables,
        comparableMigrations: Dictionary(
          tables.map { ($0.name, $0.unreadableReason == nil ? $0.comparable : ["unreadable"]) },
          uniquingKeysWith: { left, _ in left }
        ),
        unreadable: unreadableBySchema[schema.name] ?? []
      )
    }
    var tenants: [String: Tenant] = [:]
    for tenant in prepared { tenants[tenant.name] = tenant }
    let candidates = names.compactMap { tenants[$0] }
    let shapes = Self.shapes(of: candidates)
    let chosen =
      requested.map { TenantReference(schema: $0, reason: .requested) }
      ?? Self.reference(among: candidates, shapes: shapes, hints: hints)
    guard let referenceTenant = tenants[chosen.schema] else { return Outcome() }
    let others = names.filter { $0 != chosen.schema }.compactMap { tenants[$0] }
    let environment = snapshot.environment.name
    let findings = others.concurrentMap { tenant in
      compare(tenant, with: referenceTenant, environment: environment)
    }.flatMap { $0 }
    return Outcome(findings: findings, reference: chosen, shapes: shapes)
  }

  private func compare(_ tenant: Tenant, with reference: Tenant, environment: String) -> [Finding] {
    var left = reference.schema
    var right = tenant.schema
    let schemasDiffer = left != right
    let migrationsDiffer = tenant.comparableMigrations != reference.comparableMigrations
    if !schemasDiffer, !migrationsDiffer { return [] }
    Self.keepDifferences(&left, &right)
    // A relation either side could not read is compared on neither.
    let unread = tenant.unreadable.union(reference.unreadable)
    var referenceInventory = Inventory(tenant: left, migrationTables: reference.migrations)
    var tenantInventory = Inventory(tenant: right, migrationTables: tenant.migrations)
    referenceInventory.unreadableRelations = unread
    tenantInventory.unreadableRelations = unread
    let sides = [
      Differ.Side(name: reference.name, inventory: referenceInventory),
      Differ.Side(name: tenant.name, inventory: tenantInventory),
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

  /// The shapes most of `tenants` share.
  ///
  /// Votes are cast per table name on whole (schema-free) tables, and per migration table on
  /// its set of rows, so that choosing costs one hash per table, not one per column. A shape
  /// wins only with a strict lead and at least half the votes of the tenants that have the
  /// object; a tie between shapes has no winner, so no choice depends on the order a dictionary
  /// lists them in.
  static func shapes(of tenants: [Tenant]) -> Shapes {
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
    func winner<Value: Hashable>(_ tally: [Value: Int]) -> Value? {
      let present = tally.values.reduce(0, +)
      let most = tally.values.max() ?? 0
      let leaders = tally.filter { $0.value == most }
      guard leaders.count == 1, let best = leaders.first, most * 2 >= present,
        present * 2 >= tenants.count
      else { return nil }
      return best.key
    }
    return Shapes(
      tables: tableVotes.compactMapValues(winner).mapValues(\.table),
      migrations: migrationVotes.compactMapValues(winner))
  }

  /// How closely `tenant` matches `shapes`: +1 per table equal to the shared one, −1 per table
  /// that differs or is missing, ±10 per migration table.
  static func agreement(of tenant: Tenant, with shapes: Shapes) -> Int {
    var score = 0
    var present = Set<String>()
    for table in tenant.schema.tables {
      present.insert(table.name)
      score += shapes.tables[table.name] == table ? 1 : -1
    }
    score -= shapes.tables.keys.filter { !present.contains($0) }.count
    for (name, rows) in tenant.comparableMigrations {
      score += shapes.migrations[name] == rows ? 10 : -10
    }
    return score
  }

  /// The reference tenant: the one that agrees most with the shapes its environment's tenants
  /// share; among those tied, the closest to the baseline environment's tenants, then the
  /// closest to the code, then the first by name (`tenants` come sorted by name).
  ///
  /// Tied candidates that are all alike make no tie: any of them gives the same findings.
  static func reference(among tenants: [Tenant], shapes: Shapes, hints: ReferenceHints)
    -> TenantReference
  {
    guard let first = tenants.first else { return TenantReference(schema: "", reason: .name) }
    func best(_ candidates: [Tenant], by score: (Tenant) -> Int) -> [Tenant] {
      let scores = candidates.map(score)
      let top = scores.max() ?? 0
      return zip(candidates, scores).filter { $0.1 == top }.map(\.0)
    }
    func alike(_ candidates: [Tenant]) -> Bool {
      guard let head = candidates.first else { return true }
      return candidates.dropFirst().allSatisfy {
        $0.schema == head.schema && $0.comparableMigrations == head.comparableMigrations
      }
    }
    var candidates = best(tenants) { agreement(of: $0, with: shapes) }
    if candidates.count == 1 || alike(candidates) {
      return TenantReference(schema: candidates.first?.name ?? first.name, reason: .majority)
    }
    if let baseline = hints.baseline {
      candidates = best(candidates) { agreement(of: $0, with: baseline) }
      if candidates.count == 1 || alike(candidates) {
        return TenantReference(schema: candidates[0].name, reason: .baseline)
      }
    }
    if let distance = hints.codeDistance {
      candidates = best(candidates) { -(distance[$0.name] ?? 0) }
      if candidates.count == 1 || alike(candidates) {
        return TenantReference(schema: candidates[0].name, reason: .code)
      }
    }
    return TenantReference(schema: candidates[0].name, reason: .name)
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
