import DriftCode
import DriftModel
import Foundation

/// Compares environments, and the tenant schemas within each, into one ``Comparison``.
///
/// Pure: it reads snapshots only and never touches a database.
public struct Comparer: Sendable {
  /// Which schemas are compared.
  public var filter: SchemaFilter
  /// Whether the tenant schemas of each environment are compared with each other too.
  public var compareTenants: Bool
  /// Known drift that is accepted rather than reported.
  public var acceptance: Acceptance

  /// Creates a comparer.
  public init(
    filter: SchemaFilter = SchemaFilter(),
    compareTenants: Bool = true,
    acceptance: Acceptance = Acceptance()
  ) {
    self.filter = filter
    self.compareTenants = compareTenants
    self.acceptance = acceptance
  }

  /// Compares `environments` (in the user's order) against the one named `baseline`, and with
  /// `code` when the user gave one.
  ///
  /// - Parameter generatedAt: the time written into the document, injected for determinism.
  public func compare(
    _ environments: [CollectedEnvironment],
    baseline: String,
    generatedAt: String,
    code: NamedCode? = nil
  ) -> Comparison {
    let readable = environments.compactMap(\.snapshot)
    let alike = Inventory.alike(readable, includes: filter.includes)
    let filter = filter
    let versions = VersionNormaliser(for: readable)
    let shared = Self.sharedClusters(readable, baseline: baseline)
    let standIns = Set(shared.compactMap(\.first))
    let sharing = Set(shared.flatMap { $0 })
    let acceptance = acceptance
    let managed = Set(
      readable.flatMap { ($0.roles ?? []).filter(\.isManaged).map(\.name) }
        .filter(acceptance.comparesManagedRole))
    let sides = readable.concurrentMap { snapshot in
      let name = snapshot.environment.name
      return Differ.Side(
        name: name,
        inventory: Inventory(
          snapshot, includes: filter.includes, alike: alike, versions: versions,
          cluster: !sharing.contains(name) || standIns.contains(name), managedRoles: managed)
      )
    }
    var findings: [Finding] = []
    if sides.count >= 2, sides.contains(where: { $0.name == baseline }) {
      findings = Differ(sides: sides, baseline: baseline, scope: .environments, environment: nil)
        .findings()
    }
    var codeFindings: [Finding] = []
    var absences: [CodeComparer.Unfulfilment] = []
    if let code {
      (codeFindings, absences) = CodeComparer(
        codeName: code.name, code: code.files, filter: filter
      )
      .report(for: readable)
    }
    var references: [String: TenantReference] = [:]
    if compareTenants {
      let tenants = TenantComparer(filter: filter)
      var counted: [String: [String: Int]] = [:]
      for finding in codeFindings {
        guard let environment = finding.environment, let schema = finding.schema else { continue }
        counted[environment, default: [:]][schema, default: 0] += 1
      }
      let distances = code == nil ? nil : counted
      // The baseline's tenants go first: the shapes they share break ties in the others.
      let baselineSnapshot = readable.snapshot(of: baseline)
      var outcomes: [String: TenantComparer.Outcome] = [:]
      if let baselineSnapshot {
        outcomes[baseline] = tenants.compare(
          baselineSnapshot, reference: nil,
          hints: .init(codeDistance: distances.map { $0[baseline] ?? [:] }))
      }
      let baselineShapes = outcomes[baseline]?.shapes
      let others = readable.filter { $0.environment.name != baseline }
      let otherOutcomes = others.concurrentMap { snapshot in
        tenants.compare(
          snapshot, reference: nil,
          hints: .init(
            baseline: baselineShapes,
            codeDistance: distances.map { $0[snapshot.environment.name] ?? [:] }))
      }
      for (snapshot, outcome) in zip(others, otherOutcomes) {
        outcomes[snapshot.environment.name] = outcome
      }
      for snapshot in readable {
        guard let outcome = outcomes[snapshot.environment.name] else { continue }
        findings += outcome.findings
        references[snapshot.environment.name] = outcome.reference
      }
    }
    findings = Self.link(findings, to: absences)
    findings += FailedMigrations.findings(in: readable, filter: filter)
    return assemble(
      environments: environments,
      snapshots: readable,
      baseline: baseline,
      findings: findings,
      codeFindings: codeFindings,
      code: code,
      references: references,
      generatedAt: generatedAt
    )
  }

  /// Names, on each finding of an absent table, column, index or constraint, the migration
  /// recorded as applied there that should have made it.
  static func link(_ findings: [Finding], to absences: [CodeComparer.Unfulfilment]) -> [Finding] {
    guard !absences.isEmpty else { return findings }
    var producers: [CodeComparer.Unfulfilment: String] = [:]
    for absence in absences {
      var place = absence
      place.migration = ""
      producers[place] = absence.migration
    }
    return findings.map { finding in
      guard finding.kind.change == .missing,
        [.table, .column, .index, .constraint].contains(finding.kind.object)
      else { return finding }
      let table = finding.kind.object == .table ? finding.name : (finding.table ?? "")
      var linked = finding
      for (holder, value) in finding.values.sorted(by: { $0.key < $1.key }) where value == nil {
        let (environment, schema) =
          finding.scope == .tenants
          ? (finding.environment ?? "", holder) : (holder, finding.schema ?? "")
        let place = CodeComparer.Unfulfilment(
          environment: environment, schema: schema, object: finding.kind.object, table: table,
          name: finding.name, migration: "")
        guard let migration = producers[place] else { continue }
        if linked.migration == nil { linked.migration = migration }
        if linked.cause == nil {
          linked.cause = .appliedWithoutEffect(
            migration: migration, environment: environment, schema: schema)
        }
        break
      }
      return linked
    }
  }

  /// Compares `code` with each environment's migration tables and schema, and nothing else:
  /// what `envdrift verify` reports.
  public func verify(
    _ environments: [CollectedEnvironment],
    code: NamedCode,
    generatedAt: String
  ) -> Comparison {
    let readable = environments.compactMap(\.snapshot)
    return assemble(
      environments: environments,
      snapshots: readable,
      baseline: "",
      findings: [],
      codeFindings: CodeComparer(codeName: code.name, code: code.files, filter: filter)
        .findings(for: readable),
      code: code,
      timeline: false,
      generatedAt: generatedAt
    )
  }

  /// Compares the tenant schemas of one environment with each other.
  ///
  /// - Parameter reference: the schema to compare with; `nil` picks the one whose shape most
  ///   tenants share.
  public func compareTenants(
    of environment: CollectedEnvironment,
    reference: String?,
    generatedAt: String
  ) -> Comparison {
    var outcome = TenantComparer.Outcome()
    if let snapshot = environment.snapshot {
      outcome = TenantComparer(filter: filter).compare(
        snapshot, reference: reference, hints: .init())
      outcome.findings += FailedMigrations.findings(in: [snapshot], filter: filter)
    }
    return assemble(
      environments: [environment],
      snapshots: environment.snapshot.map { [$0] } ?? [],
      baseline: environment.name,
      findings: outcome.findings,
      references: outcome.reference.map { [environment.name: $0] } ?? [:],
      generatedAt: generatedAt
    )
  }

  private func assemble(
    environments: [CollectedEnvironment],
    snapshots: [Snapshot],
    baseline: String,
    findings: [Finding],
    codeFindings: [Finding] = [],
    code: NamedCode? = nil,
    references: [String: TenantReference] = [:],
    timeline: Bool = true,
    generatedAt: String
  ) -> Comparison {
    let (kept, accepted) = acceptance.apply(findings)
    let (keptCode, acceptedCode) = acceptance.apply(codeFindings)
    var analyzed: (findings: [Finding], causes: [Cause])
    if kept.isEmpty {
      // Nothing to explain (verify, or environments alike): the analyzer's indexes of every
      // migration row and table would be built for nothing.
      analyzed = ([], CauseAnalyzer.unreadableCauses(snapshots))
    } else {
      var analyzer = CauseAnalyzer(snapshots: snapshots, baseline: baseline)
      analyzer.migrationsInCode = Set(code?.files.migrations.map(\.key.description) ?? [])
      analyzed = analyzer.annotate(kept.sorted(by: Finding.canonicalOrder))
    }
    let sortedCode = keptCode.sorted(by: Finding.canonicalOrder)
    analyzed.causes = CodeCauses.causes(sortedCode, code: code?.status) + analyzed.causes
    analyzed.findings += sortedCode
    analyzed.causes =
      analyzed.findings.filter { $0.kind.change == .failed }.map {
        Cause(severity: .error, statement: $0.statement)
      } + analyzed.causes
    analyzed.causes += acceptance.expiredCauses
    if environments.count > 1,
      let unreadable = environments.first(where: { $0.name == baseline && $0.snapshot == nil })
    {
      analyzed.causes.insert(
        Cause(severity: .error, statement: .baselineUnreadable(baseline: unreadable.name)),
        at: 0
      )
    }
    analyzed.findings = analyzed.findings.map {
      FixSuggester.suggest(for: $0, snapshots: snapshots, baseline: baseline)
    }
    analyzed.findings.sort(by: Finding.canonicalOrder)
    let statuses = environments.map { environment in
      var status = status(of: environment, baseline: baseline, findings: analyzed.findings)
      status.tenantReference = references[environment.name]
      return status
    }
    return Comparison(
      generatedAt: generatedAt,
      baseline: baseline,
      environments: statuses,
      findings: analyzed.findings,
      causes: analyzed.causes,
      timeline: timeline
        ? Timeline.entries(snapshots: snapshots, baseline: baseline, filter: filter) : [],
      acceptedCount: accepted + acceptedCode,
      code: code?.status,
      versions: Self.versions(of: snapshots),
      sharedClusters: {
        let shared = Self.sharedClusters(snapshots, baseline: baseline)
        return shared.isEmpty ? nil : shared
      }(),
      overview: OverviewBuilder.overview(of: snapshots)
    )
  }

  /// Environments on one cluster, one list per cluster two or more share, the one whose roles
  /// stand for the cluster's first (the baseline when it is among them, else the first given).
  static func sharedClusters(_ snapshots: [Snapshot], baseline: String) -> [[String]] {
    var groups: [String: [String]] = [:]
    var order: [String] = []
    for snapshot in snapshots {
      guard let cluster = snapshot.database?.cluster else { continue }
      if groups[cluster] == nil { order.append(cluster) }
      groups[cluster, default: []].append(snapshot.environment.name)
    }
    return order.compactMap { cluster in
      guard var names = groups[cluster], names.count > 1 else { return nil }
      if let position = names.firstIndex(of: baseline) {
        names.insert(names.remove(at: position), at: 0)
      }
      return names
    }
  }

  /// The environments' majors and the rules applied, when the majors differ.
  private static func versions(of snapshots: [Snapshot]) -> VersionNormalisation? {
    var majors: [String: Int] = [:]
    for snapshot in snapshots {
      if let major = snapshot.environment.major { majors[snapshot.environment.name] = major }
    }
    guard Set(majors.values).count > 1 else { return nil }
    return VersionNormalisation(
      majors: majors, rules: VersionNormaliser(for: snapshots).rules.sorted())
  }

  private func status(
    of environment: CollectedEnvironment,
    baseline: String,
    findings: [Finding]
  ) -> EnvironmentStatus {
    guard let snapshot = environment.snapshot else {
      return EnvironmentStatus(
        name: environment.name,
        status: environment.changing ? .changing : .unreachable,
        source: environment.source,
        error: environment.error
      )
    }
    var counts = SeverityCounts()
    for finding in findings where Self.involves(finding, environment.name, baseline: baseline) {
      counts.add(finding.severity)
    }
    let state: EnvironmentStatus.Status =
      environment.name == baseline ? .baseline : (counts.total == 0 ? .inSync : .drifted)
    return EnvironmentStatus(
      name: environment.name,
      status: state,
      serverVersion: snapshot.environment.serverVersion,
      source: snapshot.environment.source,
      snapshotAt: snapshot.environment.collectedAt,
      counts: counts,
      unreadable: Optional(snapshot.unreadable.filter { filter.includes($0.schema) })
        .flatMap { $0.isEmpty ? nil : $0 }
    )
  }

  /// Whether `finding` concerns `environment`: its value there differs from the baseline's, or
  /// (for tenant findings) it was found among that environment's schemas.
  static func involves(_ finding: Finding, _ environment: String, baseline: String) -> Bool {
    if finding.scope == .tenants || finding.environment != nil {
      return finding.environment == environment
    }
    if environment == baseline { return false }
    guard let value = finding.values[environment] else { return false }
    return value != (finding.values[baseline] ?? nil)
  }
}
