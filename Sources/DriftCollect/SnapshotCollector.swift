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
  ///
  /// The indexes are read by a second connection that imports the first one's snapshot, so the
  /// two halves of the work run at once and still see the same database. Where a second
  /// connection or snapshot export is not possible (a standby, a pooler), everything is read
  /// over one connection.
  public func collect(
    name: String,
    connectionString: ConnectionString,
    now: Date = Date()
  ) throws -> Snapshot {
    let connection = try Connection(connectionString, options: options)
    let options = options
    let helper = IndexReader { snapshot in
      let second = try Connection(connectionString, options: options)
      return try second.withReadOnlySnapshot(importing: snapshot) {
        try second.query(CatalogQueries.session)
        return try SnapshotBuilder.indexesByTable { body in
          try second.forEachRow(CatalogQueries.indexes(serverVersion: second.serverVersionNumber)) {
            body($0)
          }
        }
      }
    }
    return try collect(
      name: name,
      source: connectionString.redacted,
      connection: connection,
      now: now,
      indexReader: helper
    )
  }

  /// Snapshots the database behind an open connection as environment `name`.
  public func collect(
    name: String,
    source: String,
    connection: Connection,
    now: Date = Date()
  ) throws -> Snapshot {
    try collect(name: name, source: source, connection: connection, now: now, indexReader: nil)
  }

  private func collect(
    name: String,
    source: String,
    connection: Connection,
    now: Date,
    indexReader: IndexReader?
  ) throws -> Snapshot {
    var snapshot = try connection.withReadOnlySnapshot {
      try connection.query(CatalogQueries.session)
      let parallel = indexReader.flatMap { reader in
        (try? connection.exportSnapshot()).map { reader.start(importing: $0) }
      }
      var builder = SnapshotBuilder()
      func read(_ sql: String, _ add: (inout SnapshotBuilder, Row) -> Void) throws {
        try connection.forEachRow(sql) { add(&builder, $0) }
      }
      try read(CatalogQueries.schemas) { $0.addSchema($1) }
      try read(CatalogQueries.relations) { $0.addRelation($1) }
      try read(CatalogQueries.inheritance) { $0.addInheritance($1) }
      try read(CatalogQueries.viewDependencies) { $0.addViewDependency($1) }
      try read(CatalogQueries.columns) { $0.addColumn($1) }
      try read(CatalogQueries.constraints(serverVersion: connection.serverVersionNumber)) {
        $0.addConstraint($1)
      }
      try read(CatalogQueries.triggers) { $0.addTrigger($1) }
      try read(CatalogQueries.policies) { $0.addPolicy($1) }
      try read(CatalogQueries.privileges) { $0.addPrivilege($1) }
      try read(CatalogQueries.sequences) { $0.addSequence($1) }
      try read(CatalogQueries.types) { $0.addType($1) }
      try read(CatalogQueries.functions) { $0.addFunction($1) }
      try read(CatalogQueries.collations) { $0.addCollation($1) }
      let extensions = try connection.query(CatalogQueries.extensions).rows.map {
        Extension(
          name: $0[0] ?? "", version: $0[1] ?? "", schema: $0[2] ?? "", defaultVersion: $0[3])
      }
      let (migrationTables, unreadable) = try MigrationHistoryReader.read(connection)
      let registry = try Self.readTenantRegistry(connection)
      if let indexes = parallel?.wait() {
        builder.setIndexes(indexes)
      } else {
        builder.setIndexes(
          try SnapshotBuilder.indexesByTable { body in
            try connection.forEachRow(
              CatalogQueries.indexes(serverVersion: connection.serverVersionNumber)
            ) { body($0) }
          })
      }
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
        schemas: builder.takeSchemas(),
        extensions: extensions,
        migrationTables: migrationTables,
        tenantRegistry: registry,
        unreadable: unreadable
      )
    }
    snapshot.sort()
    snapshot.shareEqualArrays()
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

/// Reads the indexes on a second connection, on its own thread, while the first reads the rest.
///
/// The second connection is opened and used only on that thread, as libpq requires. If it fails
/// for any reason, ``Running/wait()`` returns `nil` and the caller reads the indexes itself.
final class IndexReader: Sendable {
  typealias Work = @Sendable (String) throws -> [SnapshotBuilder.TableKey: [Index]]
  private let work: Work

  init(_ work: @escaping Work) {
    self.work = work
  }

  /// Starts reading with the exported snapshot `snapshot`.
  func start(importing snapshot: String) -> Running {
    let running = Running()
    let work = work
    let thread = Thread {
      running.finish(try? work(snapshot))
    }
    thread.stackSize = 1 << 20
    thread.start()
    return running
  }

  /// A read under way; its state is only touched with `condition` held.
  final class Running: @unchecked Sendable {
    private let condition = NSCondition()
    private var done = false
    private var result: [SnapshotBuilder.TableKey: [Index]]?

    fileprivate func finish(_ value: [SnapshotBuilder.TableKey: [Index]]?) {
      condition.lock()
      result = value
      done = true
      condition.signal()
      condition.unlock()
    }

    /// Waits for the read and takes its result; `nil` when it failed.
    ///
    /// The result is handed over, not shared, so that the caller holds the only reference to
    /// each array and can change it in place.
    func wait() -> [SnapshotBuilder.TableKey: [Index]]? {
      condition.lock()
      while !done { condition.wait() }
      let value = result
      result = nil
      condition.unlock()
      return value
    }
  }
}
