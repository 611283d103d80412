/// The result of comparing environments: their status, every finding in canonical order, and
/// everything a report shows beside them.
///
/// The report writes it as the JSON findings document of `--format json`.
public struct Comparison: Sendable, Hashable {
  /// The version of this document's format.
  public static let currentFormatVersion = 1

  /// The format version of this document.
  public var formatVersion: Int
  /// When the comparison was made, ISO 8601 UTC.
  public var generatedAt: String
  /// The environment the others were compared against.
  public var baseline: String
  /// Every environment, in the order the user listed them.
  public var environments: [EnvironmentStatus]
  /// Every finding, sorted with ``Finding/canonicalOrder(_:_:)``.
  public var findings: [Finding]
  /// Likely causes, most important first.
  public var causes: [Cause]
  /// Migrations applied in any environment, in time order.
  public var timeline: [TimelineEntry]
  /// Findings left out because an accept rule (`ignore:` in the configuration) covers them.
  public var acceptedCount: Int
  /// The code the environments' migrations were compared with, when one was given.
  public var code: CodeStatus?
  /// The environments' PostgreSQL majors and what was normalised, when the majors differ.
  public var versions: VersionNormalisation?
  /// Environments that are databases of one cluster, in the user's order, one list per cluster
  /// shared by two or more: their roles and server settings are the cluster's and were
  /// compared once, for the first of each list (the baseline when it is among them).
  public var sharedClusters: [[String]]?
  /// The environments' tallies and migration trees, for reports; not written to the document.
  public var overview: Overview

  /// Creates a comparison document.
  public init(
    formatVersion: Int = Comparison.currentFormatVersion,
    generatedAt: String,
    baseline: String,
    environments: [EnvironmentStatus],
    findings: [Finding],
    causes: [Cause] = [],
    timeline: [TimelineEntry] = [],
    acceptedCount: Int = 0,
    code: CodeStatus? = nil,
    versions: VersionNormalisation? = nil,
    sharedClusters: [[String]]? = nil,
    overview: Overview = Overview()
  ) {
    self.formatVersion = formatVersion
    self.generatedAt = generatedAt
    self.baseline = baseline
    self.environments = environments
    self.findings = findings
    self.causes = causes
    self.timeline = timeline
    self.acceptedCount = acceptedCount
    self.code = code
    self.versions = versions
    self.sharedClusters = sharedClusters
    self.overview = overview
  }

  /// Whether any finding was made.
  public var hasDrift: Bool { !findings.isEmpty }

  /// Whether any environment could not be read.
  public var hasUnreachable: Bool {
    environments.contains { $0.status == .unreachable || $0.status == .changing }
  }
}

/// One environment's place in a comparison.
public struct EnvironmentStatus: Codable, Sendable, Hashable {
  /// How the environment compares with the baseline.
  public enum Status: String, Codable, Sendable, Hashable {
    /// The environment everything else is compared against.
    case baseline
    /// No finding involves it.
    case inSync = "in_sync"
    /// At least one finding involves it.
    case drifted
    /// It could not be read.
    case unreachable
    /// It could not be read consistently: DDL kept committing while it was read, and every
    /// retake saw the catalogs change again (a migration in progress).
    case changing
  }

  /// The environment's name.
  public var name: String
  /// How it compares with the baseline.
  public var status: Status
  /// The server's version, when it was reached.
  public var serverVersion: String?
  /// The source, without any password.
  public var source: String
  /// When its snapshot was taken, when it was.
  public var snapshotAt: String?
  /// Why it could not be read, for an unreachable environment.
  public var error: String?
  /// Findings that involve it, by severity.
  public var counts: SeverityCounts
  /// Migration tables of compared schemas it could not read (a role without `SELECT` on one
  /// tenant's `django_migrations`): their migrations are unknown, never taken as applied.
  public var unreadable: [UnreadableObject]?
  /// The tenant schema its other tenants were compared with, and why that one, when its tenants
  /// were compared.
  public var tenantReference: TenantReference?

  /// The migration tables among ``unreadable``: their migrations are unknown.
  public var unreadableMigrationTables: [UnreadableObject] {
    (unreadable ?? []).filter { !$0.isRelation }
  }

  /// The relations among ``unreadable``: locked by DDL in progress, not compared.
  public var lockedRelations: [UnreadableObject] {
    (unreadable ?? []).filter(\.isRelation)
  }

  /// Whether a snapshot of it was read (it is neither unreachable nor changing).
  public var wasRead: Bool { status != .unreachable && status != .changing }

  /// Creates an environment status.
  public init(
    name: String,
    status: Status,
    serverVersion: String? = nil,
    source: String,
    snapshotAt: String? = nil,
    error: String? = nil,
    counts: SeverityCounts = SeverityCounts(),
    unreadable: [UnreadableObject]? = nil,
    tenantReference: TenantReference? = nil
  ) {
    self.name = name
    self.status = status
    self.serverVersion = serverVersion
    self.source = source
    self.snapshotAt = snapshotAt
    self.error = error
    self.counts = counts
    self.unreadable = unreadable
    self.tenantReference = tenantReference
  }
}

/// The tenant schema an environment's other tenants were compared with, and the rule that chose
/// it.
public struct TenantReference: Codable, Sendable, Hashable {
  /// Why this schema: each rule is tried only when the ones before it leave a tie.
  public enum Reason: String, Codable, Sendable, Hashable {
    /// The user named it (`--reference`).
    case requested
    /// It has the shape most tenants share (or every candidate is alike).
    case majority
    /// Tied on shape: it is closest to the shape the baseline environment's tenants share.
    case baseline
    /// Tied on shape and on the baseline: it is closest to what the code's migrations make.
    case code
    /// Tied on every rule: the first tied schema by name.
    case name
  }

  /// The reference schema.
  public var schema: String
  /// The rule that chose it.
  public var reason: Reason

  /// Creates a reference.
  public init(schema: String, reason: Reason) {
    self.schema = schema
    self.reason = reason
  }
}

/// Findings counted by severity.
public struct SeverityCounts: Codable, Sendable, Hashable {
  /// Error findings.
  public var error: Int
  /// Warning findings.
  public var warning: Int
  /// Info findings.
  public var info: Int

  /// Creates counts.
  public init(error: Int = 0, warning: Int = 0, info: Int = 0) {
    self.error = error
    self.warning = warning
    self.info = info
  }

  /// All findings counted.
  public var total: Int { error + warning + info }

  /// Counts one more finding of `severity`.
  public mutating func add(_ severity: Severity) {
    switch severity {
    case .error: error += 1
    case .warning: warning += 1
    case .info: info += 1
    }
  }
}

/// A likely cause for a group of findings.
public struct Cause: Sendable, Hashable {
  /// How much the findings it explains matter.
  public var severity: Severity
  /// What it says, for a person: the report words it (`message` in JSON).
  public var statement: Statement

  /// Creates a cause.
  public init(severity: Severity, statement: Statement) {
    self.severity = severity
    self.statement = statement
  }
}

/// One migration's application time in one environment.
public struct TimelineEntry: Codable, Sendable, Hashable {
  /// When it was applied, ISO 8601 UTC.
  public var appliedAt: String
  /// The environment.
  public var environment: String
  /// The migration, `app.name`.
  public var migration: String
  /// The schemas it was applied in (one per tenant under django-tenants).
  public var schemas: Int
  /// Whether the baseline lacks it.
  public var missingInBaseline: Bool

  /// Creates a timeline entry.
  public init(
    appliedAt: String,
    environment: String,
    migration: String,
    schemas: Int,
    missingInBaseline: Bool
  ) {
    self.appliedAt = appliedAt
    self.environment = environment
    self.migration = migration
    self.schemas = schemas
    self.missingInBaseline = missingInBaseline
  }
}

/// The code in a comparison: where its migration files came from and what was read.
public struct CodeStatus: Codable, Sendable, Hashable {
  /// The name it was given (`code` in `code=./backend`).
  public var name: String
  /// Where the files were read from.
  public var source: String
  /// How many migration files were parsed.
  public var migrations: Int
  /// How many apps have migrations.
  public var apps: Int
  /// Files that could not be parsed and were skipped.
  public var problems: [CodeProblem]

  /// Creates a code status.
  public init(name: String, source: String, migrations: Int, apps: Int, problems: [CodeProblem]) {
    self.name = name
    self.source = source
    self.migrations = migrations
    self.apps = apps
    self.problems = problems
  }
}

/// A migration file that was skipped.
public struct CodeProblem: Codable, Sendable, Hashable {
  /// The file, relative to the code's root.
  public var file: String
  /// Why it was skipped.
  public var reason: String

  /// Creates a problem.
  public init(file: String, reason: String) {
    self.file = file
    self.reason = reason
  }
}
