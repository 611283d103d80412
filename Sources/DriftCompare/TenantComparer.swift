import DriftModel

/// Compares the tenant schemas of one environment with a reference tenant.
///
/// Tenants are the schemas django-tenants' registry lists, else every schema but `public` with a
/// `django_migrations` table of its own. The reference defaults to the tenant closest to the
/// shape most tenants share, so that one broken tenant among 1,000 is the one reported.
struct TenantComparer {
  var filter: SchemaFilter

  static func tenantSchemas(of snapshot: Snapshot) -> [String] {
    let existing = Set(snapshot.schemas.map(\.name))
    if let registry = snapshot.tenantRegistry {
      return registry.schemas.filter { existing.contains($0) }
    }
    return snapshot.migrationTables
      .filter { $0.framework == .django && $0.schema != "public" }
      .map(\.schema)
      .filter { existing.contains($0) }
  }

  func findings(in snapshot: Snapshot, reference requested: String?) -> [Finding] {
    let tenants = Self.tenantSchemas(of: snapshot).filter(filter.includes).sorted()
    guard tenants.count >= 2 || (requested != nil && !tenants.isEmpty) else { return [] }
    var inventories: [String: Inventory] = [:]
    for tenant in tenants {
      inventories[tenant] = Inventory(
        snapshot,
        includes: { $0 == tenant },
        anonymizeSchema: true,
        includeExtensions: false
      )
    }
    if let requested, inventories[requested] == nil,
      snapshot.schema(named: requested) != nil
    {
      inventories[requested] = Inventory(
        snapshot,
        includes: { $0 == requested },
        anonymizeSchema: true,
        includeExtensions: false
      )
    }
    let reference = requested ?? Self.typical(tenants, inventories)
    guard let referenceInventory = inventories[reference] else { return [] }
    var findings: [Finding] = []
    for tenant in tenants where tenant != reference {
      guard let inventory = inventories[tenant] else { continue }
      let sides = [
        Differ.Side(name: reference, inventory: referenceInventory),
        Differ.Side(name: tenant, inventory: inventory),
      ]
      let found = Differ(
        sides: sides,
        baseline: reference,
        scope: .tenants,
        environment: snapshot.environment.name
      )
      .findings()
      findings += found.map { finding in
        var located = finding
        located.schema = tenant
        return located
      }
    }
    return findings
  }

  /// The tenant whose entries most often agree with the majority of tenants.
  static func typical(_ tenants: [String], _ inventories: [String: Inventory]) -> String {
    guard tenants.count > 2 else { return tenants.first ?? "" }
    var votes: [ObjectKey: [ObjectValue?: Int]] = [:]
    var allKeys = Set<ObjectKey>()
    for tenant in tenants {
      allKeys.formUnion(inventories[tenant]?.entries.keys ?? [:].keys)
    }
    for key in allKeys {
      var tally: [ObjectValue?: Int] = [:]
      for tenant in tenants {
        tally[inventories[tenant]?.entries[key], default: 0] += 1
      }
      votes[key] = tally
    }
    var best = tenants[0]
    var bestScore = -1
    for tenant in tenants {
      var score = 0
      for key in allKeys {
        let value = inventories[tenant]?.entries[key]
        let count = votes[key]?[value] ?? 0
        if let tally = votes[key], count == tally.values.max() { score += 1 }
      }
      if score > bestScore {
        best = tenant
        bestScore = score
      }
    }
    return best
  }
}
