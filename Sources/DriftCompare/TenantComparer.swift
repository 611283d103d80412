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
    var names = Set(tenants)
    if let requested { names.insert(requested) }
    let inventories = Inventory.tenants(of: snapshot, names)
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
  ///
  /// Linear in the number of entries: each tenant's own entries are tallied once, and absence
  /// is counted by subtraction.
  static func typical(_ tenants: [String], _ inventories: [String: Inventory]) -> String {
    guard tenants.count > 2 else { return tenants.first ?? "" }
    var tallies: [ObjectKey: [String: Int]] = [:]
    for tenant in tenants {
      for (key, value) in inventories[tenant]?.entries ?? [:] {
        tallies[key, default: [:]][value.value, default: 0] += 1
      }
    }
    var majority: [ObjectKey: String?] = [:]
    var absentMajorities = 0
    for (key, tally) in tallies {
      let absent = tenants.count - tally.values.reduce(0, +)
      let best = tally.max { ($0.value, $1.key) < ($1.value, $0.key) }
      if let best, best.value >= absent {
        majority[key] = .some(best.key)
      } else {
        majority[key] = .some(nil)
        absentMajorities += 1
      }
    }
    var best = tenants[0]
    var bestScore = Int.min
    for tenant in tenants {
      var score = absentMajorities
      for (key, value) in inventories[tenant]?.entries ?? [:] {
        guard let expected = majority[key] else { continue }
        if let expected {
          if expected == value.value { score += 1 }
        } else {
          score -= 1
        }
      }
      if score > bestScore {
        best = tenant
        bestScore = score
      }
    }
    return best
  }
}
