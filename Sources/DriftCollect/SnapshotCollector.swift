import DriftModel
import Foundation
import PostgresClient

/// Reads one environment's schemas, objects and migration history into a ``Snapshot``.
///
/// Everything is read inside one `REPEATABLE READ READ ONLY` transaction, with a fixed number of
/// statements however many schemas the database has.
public struct SnapshotCollector: Sendable {
  /// How to connect and how long statements may run.
  public var options: ConnectionOptions

  /// Creates a collector.
  public init(options: ConnectionOptions = ConnectionOptions()) {
    self.options = options
  }

  /// Connects with `connectionString` and snapshots the database as environment `name`.
  ///
  /// - Parameter now: the time recorded as the snapshot's; injected for deterministic tests.
  public func collect(
    name: String,
    connectionString: ConnectionString,
    now: Date = Date()
  ) throws -> Snapshot {
    let connection = try Connection(connectionString, options: options)
    return try collect(
      name: name,
      source: connectionString.redacted,
      connection: connection,
      now: now
    )
  }

  /// Snapshots the database behind an open connection as environment `name`.
  public func collect(
    name: String,
    source: String,
    connection: Connection,
    now: Date = Date()
  ) throws -> Snapshot {
    var snapshot = try connection.withReadOnlySnapshot {
      try connection.query(CatalogQueries.session)
      var builder = SnapshotBuilder()
      try builder.addSchemas(connection.query(CatalogQueries.schemas))
      try builder.addRelations(connection.query(CatalogQueries.relations))
      try builder.addInheritance(connection.query(CatalogQueries.inheritance))
      try builder.addViewDependencies(connection.query(CatalogQueries.viewDependencies))
      try builder.addColumns(connection.query(CatalogQueries.columns))
      try builder.addIndexes(connection.query(CatalogQueries.indexes))
      try builder.addConstraints(connection.query(CatalogQueries.constraints))
      try builder.addTriggers(connection.query(CatalogQueries.triggers))
      try builder.addPolicies(connection.query(CatalogQueries.policies))
      try builder.addPrivileges(connection.query(CatalogQueries.privileges))
      try builder.addSequences(connection.query(CatalogQueries.sequences))
      try builder.addTypes(connection.query(CatalogQueries.types))
      try builder.addFunctions(connection.query(CatalogQueries.functions))
      try builder.addCollations(connection.query(CatalogQueries.collations))
      let extensions = try connection.query(CatalogQueries.extensions).rows.map {
        Extension(name: $0[0] ?? "", version: $0[1] ?? "", schema: $0[2] ?? "")
      }
      let (migrationTables, unreadable) = try MigrationHistoryReader.read(connection)
      let registry = try Self.readTenantRegistry(connection)
      return Snapshot(
        environment: EnvironmentInfo(
          name: name,
          source: source,
          serverVersion: connection.serverVersion,
          serverVersionNumber: connection.serverVersionNumber,
          database: connection.database,
          user: connection.user,
          collectedAt: Timestamp.iso8601(now),
          envdriftVersion: EnvdriftVersion.current
        ),
        schemas: builder.schemas(),
        extensions: extensions,
        migrationTables: migrationTables,
        tenantRegistry: registry,
        unreadable: unreadable
      )
    }
    snapshot.sort()
    return snapshot
  }

  private static func readTenantRegistry(_ connection: Connection) throws -> TenantRegistry? {
    guard let table = try connection.query(CatalogQueries.tenantRegistries).rows.first?[0]
    else { return nil }
    let quoted = try "public." + connection.quoteIdentifier(table)
    let rows = try connection.query("SELECT DISTINCT schema_name::text FROM \(quoted)").rows
    let schemas = rows.compactMap { $0[0] }.filter { !$0.isEmpty && $0 != "public" }.sorted()
    return TenantRegistry(table: "public.\(table)", schemas: schemas)
  }
}

/// Formats times the way snapshots and reports write them.
public enum Timestamp {
  /// `2026-11-21T03:00:00Z`.
  public static func iso8601(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    formatter.timeZone = TimeZone(identifier: "UTC")
    return formatter.string(from: date)
  }
}
