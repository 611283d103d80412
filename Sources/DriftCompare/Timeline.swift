import DriftModel

/// The migrations applied in each environment, in time order.
enum Timeline {
  static func entries(snapshots: [Snapshot], baseline: String, filter: SchemaFilter)
    -> [TimelineEntry]
  {
    /// One environment's migrations: when each was first applied, in how many schemas.
    struct Applied: Sendable {
      var earliest: String
      var schemas: Set<String>
    }
    // At 1,000 tenants each environment holds tens of thousands of migration rows: each is read
    // on a core of its own.
    let perEnvironment = snapshots.concurrentMap { snapshot in
      let isBaseline = snapshot.environment.name == baseline
      var recorded = Set<String>()
      var applied: [String: Applied] = [:]
      for table in snapshot.migrationTables where filter.includes(table.schema) {
        for row in table.rows {
          let migration = row.qualifiedName
          if isBaseline { recorded.insert(migration) }
          guard let time = row.appliedAt else { continue }
          if var known = applied.removeValue(forKey: migration) {
            known.earliest = Swift.min(known.earliest, time)
            known.schemas.insert(table.schema)
            applied[migration] = known
          } else {
            applied[migration] = Applied(earliest: time, schemas: [table.schema])
          }
        }
      }
      return (recorded: recorded, applied: applied)
    }
    let baselineHas = perEnvironment.reduce(into: Set<String>()) { $0.formUnion($1.recorded) }
    return zip(snapshots, perEnvironment).flatMap { snapshot, found in
      found.applied.map { migration, applied in
        TimelineEntry(
          appliedAt: applied.earliest,
          environment: snapshot.environment.name,
          migration: migration,
          schemas: applied.schemas.count,
          missingInBaseline: !baselineHas.contains(migration)
        )
      }
    }
    .sorted {
      ($0.appliedAt, $0.environment, $0.migration) < ($1.appliedAt, $1.environment, $1.migration)
    }
  }
}
