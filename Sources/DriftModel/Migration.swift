/// A migration-history table and its rows.
public struct MigrationTable: Codable, Sendable, Hashable {
  /// The framework that writes the table.
  public enum Framework: String, Codable, Sendable, Hashable, CaseIterable {
    /// Django's `django_migrations` (app, name, applied).
    case django
    /// Flyway's `flyway_schema_history`.
    case flyway
    /// Alembic's `alembic_version` (one row: the head).
    case alembic
    /// Rails' `schema_migrations`: one row per applied version.
    case schemaMigrations = "schema_migrations"
    /// golang-migrate's `schema_migrations`: one row, the current version and its `dirty` flag.
    case golangMigrate = "golang_migrate"

    /// The table name the framework uses.
    public var tableName: String {
      switch self {
      case .django: "django_migrations"
      case .flyway: "flyway_schema_history"
      case .alembic: "alembic_version"
      case .schemaMigrations, .golangMigrate: "schema_migrations"
      }
    }
  }

  /// The schema the table lives in.
  public var schema: String
  /// The table's name.
  public var name: String
  /// The framework that writes it.
  public var framework: Framework
  /// Its rows, sorted by app and name; empty when ``unreadableReason`` is set.
  public var rows: [MigrationRow]
  /// Why the rows could not be read, when they could not.
  public var unreadableReason: String?
  /// For Rails: the environment `ar_internal_metadata` records (`production`, `development`),
  /// which Rails checks before destructive tasks.
  public var environmentName: String?

  /// Creates a migration table.
  public init(
    schema: String,
    name: String? = nil,
    framework: Framework = .django,
    rows: [MigrationRow] = [],
    unreadableReason: String? = nil,
    environmentName: String? = nil
  ) {
    self.schema = schema
    self.name = name ?? framework.tableName
    self.framework = framework
    self.rows = rows
    self.unreadableReason = unreadableReason
    self.environmentName = environmentName
  }
}

/// One applied migration.
public struct MigrationRow: Codable, Sendable, Hashable {
  /// The app (Django), or the framework's name for frameworks without apps (`flyway`).
  public var app: String
  /// The migration's name: `0006_rename_…` (Django), a version (Flyway, Rails, Alembic).
  public var name: String
  /// When it was applied, ISO 8601 UTC, when the table records it.
  public var appliedAt: String?
  /// Flyway's description, when present.
  public var description: String?
  /// Flyway's checksum, when present.
  public var checksum: String?
  /// `false` for a failed Flyway migration or a dirty golang-migrate version: the framework
  /// refuses to migrate until it is repaired.
  public var success: Bool

  /// Creates a migration row.
  public init(
    app: String,
    name: String,
    appliedAt: String? = nil,
    description: String? = nil,
    checksum: String? = nil,
    success: Bool = true
  ) {
    self.app = app
    self.name = name
    self.appliedAt = appliedAt
    self.description = description
    self.checksum = checksum
    self.success = success
  }

  /// `app.name`, the way findings name a migration.
  public var qualifiedName: String { "\(app).\(name)" }
}
