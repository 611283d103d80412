import DriftModel

/// The migrations applied in each environment, in time order.
enum Timeline {
  static func entries(snapshots: [Snapshot], baseline: String, filter: SchemaFilter)
    -> [TimelineEntry]
  {
    var baselineHas = Set<String>()
    for snapshot in snapshots where snapshot.environment.name == baseline {
      for table in snapshot.migrationTables where filter.includes(table.schema) {
        for row in table.rows { baselineHas.insert(row.qualifiedName) }
      }
    }
    struct Key: Hashable {
      var environment: String
      var migration: String
    }
    var earliest: [Key: String] = [:]
    var schemas: [Key: Set<String>] = [:]
    for snapshot in snapshots {
      for table in snapshot.migrationTables where filter.includes(table.schema) {
        for row in table.rows {
          guard let time = row.appliedAt else { continue }
          let key = Key(environment: snapshot.environment.name, migration: row.qualifiedName)
          if let current = earliest[key], current <= time {
          } else {
            earliest[key] = time
          }
          schemas[key, default: []].insert(table.schema)
        }
      }
    }
    return earliest.map { key, time in
      TimelineEntry(
        appliedAt: time,
        environment: key.environment,
        migration: key.migration,
        schemas: schemas[key]?.count ?? 1,
        missingInBaseline: !baselineHas.contains(key.migration)
      )
    }
    .sorted {
      ($0.appliedAt, $0.environment, $0.migration) < ($1.appliedAt, $1.environment, $1.migration)
    }
  }
}
