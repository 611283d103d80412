/// What a finding or a likely cause says, as typed parts: which sentence, and the names, places
/// and counts it is made of.
///
/// The comparison decides what is true; the report words it, once per medium, escaping every
/// name for the medium it is written in. Names here are raw, as the database or the code spelled
/// them.
public enum Statement: Sendable, Hashable {
  // MARK: Findings

  /// An object differs between sides (environments, or tenant schemas): missing in some, or
  /// valued differently. The sides are listed in `order`; `baseline` is the environment (or
  /// reference schema) the others were compared with.
  case difference(
    object: ObjectKind, place: ObjectPlace, aspect: Aspect, change: Change,
    values: [String: String?], order: [String], baseline: String, scope: Scope)
  /// An object is the same everywhere, but something it is built on (`dependency`, a column's
  /// type for a column) differs: changing that means dropping and recreating it.
  case dependencyDiffers(object: ObjectKind, place: ObjectPlace, dependency: String)
  /// An index or constraint (`object`) on `table` has another name in `sides`.
  case renamed(
    object: ObjectKind, name: String, table: String, renamedTo: String, sides: [String],
    baseline: String, scope: Scope)
  /// A migration of the code has no row in `environment`'s `schema`.
  case pendingMigration(migration: String, environment: String, schema: String)
  /// A migration recorded in `environment`'s `schema` has no file in the code.
  case ghostMigration(migration: String, environment: String, schema: String)
  /// A migration is recorded as applied, but `effect` (such as `column finance_invoice.total`),
  /// which it makes, is absent.
  case unfulfilledMigration(migration: String, environment: String, schema: String, effect: String)
  /// A table or column (`object`, named `name`, `table.column` for a column) exists, but no
  /// migration in the code makes it.
  case unexplainedObject(object: ObjectKind, name: String, environment: String, schema: String)
  /// A migration was applied before `dependency`.
  case inconsistentMigration(
    migration: String, environment: String, schema: String, dependency: String)
  /// Applying `migration` will fail: its `operation` stops with `error` (`DuplicateTable`) and
  /// the server's `problem` text.
  case hazard(
    migration: String, environment: String, schema: String, operation: String, error: String,
    problem: String)
  /// The framework itself recorded migration `version` as failed (Flyway) or left it dirty
  /// (golang-migrate).
  case failedMigration(
    framework: MigrationTable.Framework, version: String, description: String?,
    environment: String, schema: String)

  // MARK: Causes of one finding, or of a group

  /// `migration` is recorded as applied in `environment`'s `schema`, yet the object it makes is
  /// absent.
  case appliedWithoutEffect(migration: String, environment: String, schema: String)
  /// `name` is `renamedTo` in `sides`, and no recorded migration did it.
  case renamedByHand(name: String, renamedTo: String, sides: [String])
  /// `migration`, applied in `appliedIn` (each with its time when known), renamed `name` to
  /// `renamedTo` in `sides`; `baselineLacking` names the baseline when it has no row for it.
  case renamedByMigration(
    migration: String, appliedIn: [Application], baselineLacking: String?, name: String,
    renamedTo: String, sides: [String])
  /// `table` exists in `environment` (in each of `schemas`) with no migration recorded that
  /// creates it, so applying `migration` will fail with DuplicateTable.
  case duplicateTable(table: String, schemas: [String], environment: String, migration: String)
  /// The finding is `migration`'s doing: recorded in `recordedIn`, not in `missingIn`.
  case explainedByMigration(migration: String, recordedIn: [String], missingIn: [String])
  /// `app`'s migration history is the same on both sides of the finding.
  case changedOutsideMigrations(app: String)
  /// `count` differences in `app`'s tables with no difference in its history; `tenantsOf` names
  /// the environment when its tenant schemas were compared.
  case differencesOutsideMigrations(count: Int, app: String, tenantsOf: String?)
  /// `missingIn` have no row for `migration` in `schemas`; it was applied in `appliedIn`.
  case missingMigration(
    migration: String, missingIn: [String], schemas: [String], appliedIn: [Application])
  /// `tenants` of `environment` never got any of `app`'s `count` migrations that `reference`
  /// has.
  case tenantsWithoutApp(
    tenants: [String], environment: String, app: String, count: Int, reference: String)
  /// A relation in `environment` was not read, for `reason` (locked by DDL in progress).
  case unreadRelation(environment: String, schema: String, name: String, reason: String)
  /// A migration table in `environment` could not be read, for `reason`.
  case unreadableMigrationTable(environment: String, schema: String, name: String, reason: String)
  /// The baseline could not be read, so no environment was compared with it.
  case baselineUnreadable(baseline: String)
  /// An accepted-drift rule (`rule`, as the configuration writes it) expired on `until`.
  case acceptanceExpired(rule: String, until: String, reason: String?)
  /// Applying `migration` will fail in `environment`'s `schemas`.
  case hazardIn(
    environment: String, migration: String, schemas: [String], operation: String, error: String,
    problem: String)
  /// `migration` is recorded as applied in `environment`'s `schemas`, but `effect` is absent.
  case unfulfilledIn(environment: String, migration: String, schemas: [String], effect: String)
  /// `migration` was applied without `dependency` in `environment`'s `schemas`.
  case inconsistentIn(
    environment: String, migration: String, schemas: [String], dependency: String)
  /// `environment` has not applied `migrations` of the code (read from `source`, when known) in
  /// `schemas`.
  case behindCode(environment: String, source: String?, migrations: [String], schemas: [String])
  /// `environment` has applied `migrations` that the code (read from `source`) does not have.
  case aheadOfCode(environment: String, source: String?, migrations: [String])
  /// Migration files in the code at `source` could not be read and were skipped.
  case unreadableCode(source: String, problems: [CodeProblem])

  /// Where an object lives, as a finding names it.
  public struct ObjectPlace: Sendable, Hashable {
    /// The schema, when the object lives in one.
    public var schema: String?
    /// The table (or, for a user mapping, the server; for a membership, the role).
    public var table: String?
    /// The object's own name.
    public var name: String

    /// Creates a place.
    public init(schema: String?, table: String?, name: String) {
      self.schema = schema
      self.table = table
      self.name = name
    }
  }

  /// One environment's application of a migration, and when, if its table recorded the time.
  public struct Application: Sendable, Hashable {
    /// The environment.
    public var environment: String
    /// When, as recorded (ISO 8601).
    public var at: String?

    /// Creates an application.
    public init(environment: String, at: String?) {
      self.environment = environment
      self.at = at
    }
  }
}
