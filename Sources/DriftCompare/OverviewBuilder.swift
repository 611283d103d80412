import DriftModel

/// Makes a comparison's ``Overview`` from the snapshots: the tallies and migration trees a report
/// shows beside the findings.
enum OverviewBuilder {
  /// The overview of `snapshots`, given in the user's order.
  static func overview(of snapshots: [Snapshot]) -> Overview {
    var tallies: [String: Tally] = [:]
    for snapshot in snapshots {
      tallies[snapshot.environment.name] = tally(of: snapshot)
    }
    return Overview(tallies: tallies, migrationTrees: migrationTrees(snapshots))
  }

  static func tally(of snapshot: Snapshot) -> Tally {
    var migrations: [String: AppMigrations] = [:]
    for (app, names) in migrationNames(in: snapshot) {
      guard let latest = names.max() else { continue }
      migrations[app] = AppMigrations(count: names.count, latest: latest)
    }
    return Tally(
      schemas: snapshot.schemas.count,
      tables: snapshot.schemas.reduce(0) { $0 + $1.tables.count },
      indexes: snapshot.schemas.reduce(0) { $0 + $1.tables.reduce(0) { $0 + $1.indexes.count } },
      tenantSchemas: snapshot.tenantSchemas.count,
      migrations: migrations,
      railsEnvironments: Set(snapshot.migrationTables.compactMap(\.environmentName)).sorted()
    )
  }

  /// The distinct migration names of each app in `snapshot`, in one pass over its rows.
  ///
  /// Tenants with equal migration rows share their storage (see `ArrayPool`), so each distinct
  /// list of rows is read once, not once per tenant.
  static func migrationNames(in snapshot: Snapshot) -> [String: Set<String>] {
    var names: [String: Set<String>] = [:]
    var read = Set<UnsafeRawPointer>()
    for table in snapshot.migrationTables {
      let storage = table.rows.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
      if let storage, !read.insert(storage).inserted { continue }
      for row in table.rows {
        names[row.app, default: []].insert(row.name)
      }
    }
    return names
  }

  /// One tree per app and shape of difference, its schemas gathered, in schema order.
  ///
  /// A schema's rows that are equal in every environment draw no tree: that settles most of
  /// 1,000 tenants at a glance. Where an environment has two migration tables in one schema,
  /// Django's is the one shown.
  static func migrationTrees(_ snapshots: [Snapshot]) -> [MigrationTree] {
    guard snapshots.count >= 2 else { return [] }
    let order = snapshots.map(\.environment.name)
    var tablesBySchema: [String: [String: MigrationTable]] = [:]
    for snapshot in snapshots {
      for table in snapshot.migrationTables where table.unreadableReason == nil {
        let environment = snapshot.environment.name
        if tablesBySchema[table.schema]?[environment] == nil || table.framework == .django {
          tablesBySchema[table.schema, default: [:]][environment] = table
        }
      }
    }
    var trees: [MigrationTree] = []
    var position: [MigrationTree: Int] = [:]
    for schema in tablesBySchema.keys.sorted(by: Schema.listedBefore) {
      let tables = tablesBySchema[schema] ?? [:]
      if let first = tables.values.first, tables.values.allSatisfy({ $0.rows == first.rows }) {
        continue
      }
      var rowsByEnvironment: [String: Set<String>] = [:]
      var apps = Set<String>()
      for (environment, table) in tables {
        rowsByEnvironment[environment] = Set(table.rows.map(\.qualifiedName))
        apps.formUnion(table.rows.map(\.app))
      }
      let present = order.filter { rowsByEnvironment[$0] != nil }
      guard present.count >= 2 else { continue }
      for app in apps.sorted() {
        let migrations = Set(
          rowsByEnvironment.values.flatMap { $0 }.filter { $0.hasPrefix(app + ".") }
        )
        .sorted()
        let steps = migrations.map { migration in
          MigrationTree.Step(
            name: String(migration.dropFirst(app.count + 1)),
            lacking: present.filter { !(rowsByEnvironment[$0]?.contains(migration) ?? false) })
        }
        guard let firstDifference = steps.firstIndex(where: { !$0.lacking.isEmpty }) else {
          continue
        }
        let skip = max(0, firstDifference - 2)
        let shape = MigrationTree(
          app: app, schemas: [], environments: present, earlierAlike: skip,
          steps: Array(steps[skip...]))
        if let index = position[shape] {
          trees[index].schemas.append(schema)
        } else {
          position[shape] = trees.count
          var tree = shape
          tree.schemas = [schema]
          trees.append(tree)
        }
      }
    }
    return trees
  }
}
