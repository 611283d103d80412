import DriftModel
import Foundation
import PostgresClient

/// Reads one environment's schemas, objects and migration history into a ``Snapshot``.
///
/// A fixed number of read-only statements reads everything, however many schemas the database
/// has. Each runs in a transaction of its own, so the locks the server's deparse functions take
/// (`pg_get_viewdef`, `pg_get_expr`, …) are held for one statement, never for the whole
/// snapshot: a migration's DDL waits at most that long behind envdrift, and envdrift never
/// holds one object's lock while it waits for another's.
///
/// The statements still describe one moment. A fingerprint of the catalogs is taken before the
/// first and after the last: if any DDL committed in between, a name read early and a
/// definition read late (the deparse functions read the catalog as it is now, not as the
/// statement's snapshot saw it) might come from two moments, and the snapshot is taken again,
/// up to ``maximumAttempts`` times. An object dropped while it was deparsed ("could not open
/// relation with OID") and a deadlock with a migration mean the same. When DDL keeps
/// committing, ``CatalogChangingError`` says so. Rows of migration tables are data, read by
/// one statement: with the catalogs unchanged from start to end, they belong to that moment.
///
/// The fingerprints are skipped when the server's transaction snapshot (`pg_current_snapshot()`:
/// the oldest running transaction, the next one and those in progress) is the same after the
/// last statement as before the first: then no transaction committed in between, so no DDL did
/// — DDL always has a transaction ID. The opening one is put off until it is needed: a third
/// connection (``MomentKeeper``) opens a read-only repeatable-read transaction as the snapshot
/// begins and keeps it, taking no lock, so that the catalogs as they were then can still be
/// fingerprinted at the end, on a busy database where writes commit all the time. Where that
/// connection cannot be had, the opening fingerprint is taken before the first statement.
public struct SnapshotCollector: Sendable {
  /// How many times a snapshot is taken before the environment is reported as changing.
  public static let maximumAttempts = 3

  /// How much of a database a snapshot reads.
  public enum Depth: Sendable, Hashable {
    /// Everything a comparison needs: every object with its definition.
    case full
    /// Relations, columns, indexes and constraints by name, the migration tables and the
    /// tenant registry, in one read-only transaction with no deparse call: what `verify`
    /// checks migrations against. Such a snapshot is never compared or saved.
    case names
    /// Like ``names``, but only the relations, functions and types ``NameFilter`` names, and
    /// the relations holding an index or constraint it names: what `envdrift explain` needs to
    /// place one object, in a fraction of the time at 1,000 tenants.
    case namesMatching(NameFilter)

    /// Whether this depth reads names only.
    var isNamesOnly: Bool { self != .full }
  }

  /// How to connect and how long statements may run.
  public var options: ConnectionOptions
  /// How much is read.
  public var depth: Depth

  /// Creates a collector.
  public init(options: ConnectionOptions = ConnectionOptions(), depth: Depth = .full) {
    self.options = options
    self.depth = depth
  }

  /// Connects with `connectionString` and snapshots the database as environment `name`.
  ///
  /// - Parameter now: the time recorded as the snapshot's; injected for deterministic tests.
  ///
  /// The indexes are read by a second connection while the first reads the rest, so the two
  /// halves of the work run at once; the fingerprint covers both. Where a second connection is
  /// not possible (a pooler's limit), everything is read over one connection.
  public func collect(
    name: String,
    connectionString: ConnectionString,
    now: Date = Date()
  ) throws -> Snapshot {
    let connection = try Connection(connectionString, options: options)
    if depth.isNamesOnly {
      return try readNames(
        name: name, source: connectionString.redacted, connection: connection, now: now)
    }
    let options = options
    let keeper = try? MomentKeeper(connectionString, options: options)
    let helper = IndexReader { blocked in
      let second = try Connection(connectionString, options: options)
      try second.query(CatalogQueries.session, [String(options.catalogLockTimeoutMilliseconds)])
      try second.query(Self.setBlocked, [blocked])
      return try SnapshotBuilder.readIndexes { body in
        try second.forEachRow(CatalogQueries.indexes(serverVersion: second.serverVersionNumber)) {
          body($0)
        }
      }
    }
    return try collect(
      name: name,
      source: connectionString.redacted,
      connection: connection,
      now: now,
      indexReader: helper,
      keeper: keeper
    )
  }

  /// Snapshots the database behind an open connection as environment `name`.
  public func collect(
    name: String,
    source: String,
    connection: Connection,
    now: Date = Date()
  ) throws -> Snapshot {
    if depth.isNamesOnly {
      return try readNames(name: name, source: source, connection: connection, now: now)
    }
    return try collect(
      name: name, source: source, connection: connection, now: now, indexReader: nil,
      keeper: nil)
  }

  private func collect(
    name: String,
    source: String,
    connection: Connection,
    now: Date,
    indexReader: IndexReader?,
    keeper: MomentKeeper?
  ) throws -> Snapshot {
    var changes: [String] = []
    var keeper = keeper
    for _ in 1...Self.maximumAttempts {
      do {
        let (snapshot, before) = try read(
          name: name, source: source, connection: connection, now: now, indexReader: indexReader,
          keeper: keeper)
        if try Self.transactions(connection) == before.transactions { return snapshot }
        let opening: String
        if let catalogs = before.catalogs {
          opening = catalogs
        } else if let kept = try? keeper?.catalogs() {
          opening = kept
        } else {
          // The kept transaction was lost (a server's idle timeout, a pooler): nothing tells
          // what the catalogs were, so the snapshot is taken again, the old way.
          keeper = nil
          changes.append("the catalogs could not be compared")
          continue
        }
        let after = try Self.fingerprint(connection)
        if opening == after { return snapshot }
        changes.append("the catalogs changed")
      } catch let error as MigrationTablesUnreadable {
        throw error.error
      } catch let error as PostgresError where Self.isConcurrentDDL(error) {
        changes.append(error.message)
      }
    }
    throw CatalogChangingError(attempts: Self.maximumAttempts, last: changes.last ?? "")
  }

  /// The migration tables, read with the user's lock timeout: a migration table someone holds
  /// locked is not a catalog change, and its error is the environment's.
  private func readMigrationTables(_ connection: Connection) throws -> (
    [MigrationTable], [UnreadableObject]
  ) {
    let set = "SELECT pg_catalog.set_config('lock_timeout', $1, false)"
    try connection.query(set, [String(options.lockTimeoutMilliseconds)])
    do {
      let result = try MigrationHistoryReader.read(connection)
      try connection.query(set, [String(options.catalogLockTimeoutMilliseconds)])
      return result
    } catch let error as PostgresError {
      throw MigrationTablesUnreadable(error: error)
    }
  }

  /// Whether `error` is what the server says when an object it was deparsing was dropped or
  /// changed by a transaction that committed meanwhile, when envdrift's statement was chosen
  /// to end a deadlock with a migration's, or when it gave way to a migration's lock.
  static func isConcurrentDDL(_ error: PostgresError) -> Bool {
    guard error.kind == .queryFailed else { return false }
    if error.sqlState == "40P01" || error.sqlState == "55P03" { return true }
    guard error.sqlState == "XX000" else { return false }
    return error.message.hasPrefix("could not open relation with OID")
      || error.message.hasPrefix("cache lookup failed for")
      || error.message.hasPrefix("could not find tuple for")
  }

  /// A fingerprint of the catalogs behind every object envdrift deparses.
  ///
  /// See ``CatalogQueries/catalogFingerprint``: any committed DDL adds, removes or rewrites a
  /// row it counts.
  static func fingerprint(_ connection: Connection) throws -> String {
    try connection.query(CatalogQueries.catalogFingerprint).rows.first?.first??.description ?? ""
  }

  /// The server's transaction snapshot (`xmin:xmax:in-progress`): equal at two moments only if
  /// no transaction completed, or took an ID, in between.
  static func transactions(_ connection: Connection) throws -> String {
    try connection.query("SELECT pg_catalog.pg_current_snapshot()::pg_catalog.text").rows.first?
      .first??.description ?? ""
  }

  /// The state a snapshot's moment starts from: the server's transactions, then the catalogs'
  /// fingerprint (in that order, so that a commit between the two shows in the first).
  struct Moment: Equatable {
    var transactions: String
    /// `nil` when a ``MomentKeeper`` keeps the moment: its fingerprint is taken only if needed.
    var catalogs: String?
  }

  /// One attempt: the snapshot, and the moment it started from.
  private func read(
    name: String,
    source: String,
    connection: Connection,
    now: Date,
    indexReader: IndexReader?,
    keeper: MomentKeeper?
  ) throws -> (Snapshot, Moment) {
    try connection.query(CatalogQueries.session, [String(options.catalogLockTimeoutMilliseconds)])
    let fingerprint: Moment
    if let transactions = try? keeper?.begin() {
      fingerprint = Moment(transactions: transactions, catalogs: nil)
    } else {
      let transactions = try Self.transactions(connection)
      fingerprint = Moment(transactions: transactions, catalogs: try Self.fingerprint(connection))
    }
    let blocked = try Self.blockedRelations(connection)
    let blockedList = blocked.map(\.oid).joined(separator: ",")
    try connection.query(Self.setBlocked, [blockedList])
    var snapshot = try {
      let parallel = indexReader?.start(blocked: blockedList)
      var builder = SnapshotBuilder()
      func read(_ sql: String, _ add: (inout SnapshotBuilder, Row) -> Void) throws {
        try connection.forEachRow(sql) { add(&builder, $0) }
      }
      try read(CatalogQueries.schemas) { $0.addSchema(.init(raw: $1)) }
      try read(CatalogQueries.relations) { $0.addRelation(.init(raw: $1)) }
      try read(CatalogQueries.inheritance) { $0.addInheritance(.init(raw: $1)) }
      try read(CatalogQueries.viewDependencies) { $0.addViewDependency(.init(raw: $1)) }
      try read(CatalogQueries.columns) { $0.addColumn(.init(raw: $1)) }
      try read(CatalogQueries.constraints(serverVersion: connection.serverVersionNumber)) {
        $0.addConstraint(.init(raw: $1))
      }
      let checks = builder.checkConstraintsToDeparse()
      if !checks.isEmpty {
        try builder.setCheckDefinitions { body in
          try connection.forEachRow(
            CatalogQueries.constraintDefinitions, ["{" + checks.joined(separator: ",") + "}"]
          ) { body($0) }
        }
      }
      try read(CatalogQueries.triggers) { $0.addTrigger(.init(raw: $1)) }
      try read(CatalogQueries.rules) { $0.addRule(.init(raw: $1)) }
      try read(CatalogQueries.statistics) { $0.addStatistics(.init(raw: $1)) }
      try read(CatalogQueries.policies) { $0.addPolicy(.init(raw: $1)) }
      try read(CatalogQueries.privileges) { $0.addPrivilege(.init(raw: $1)) }
      try read(CatalogQueries.defaultPrivileges) { $0.addDefaultPrivilege(.init(raw: $1)) }
      try read(CatalogQueries.sequences) { $0.addSequence(.init(raw: $1)) }
      try read(CatalogQueries.types) { $0.addType(.init(raw: $1)) }
      try read(CatalogQueries.functions) { $0.addFunction(.init(raw: $1)) }
      try read(CatalogQueries.collations) { $0.addCollation(.init(raw: $1)) }
      let cluster = try ClusterReader.read(connection)
      let objects = try DatabaseObjectReader.read(connection)
      let available = try connection.query(CatalogQueries.availableExtensions).rows.compactMap {
        $0[0]
      }
      func lines(_ text: String?) -> [String] {
        (text ?? "").split(separator: "\n").map(String.init)
      }
      let publications = try connection.query(
        CatalogQueries.publications(serverVersion: connection.serverVersionNumber)
      ).rows.map(CatalogQueries.PublicationRow.init(raw:)).map { row in
        Publication(
          name: row.name ?? "", allTables: row.allTables,
          operations: (row.operations ?? "").split(separator: ",").map(String.init),
          viaRoot: row.viaRoot, tables: lines(row.tables), schemas: lines(row.schemas))
      }
      let subscriptions = try connection.query(CatalogQueries.subscriptions).rows.map(
        CatalogQueries.SubscriptionRow.init(raw:)
      ).map { row in
        Subscription(
          name: row.name ?? "", enabled: row.enabled,
          publications: lines(row.publications).sorted(),
          slot: row.slot)
      }
      let eventTriggers = try connection.query(CatalogQueries.eventTriggers).rows.map(
        CatalogQueries.EventTriggerRow.init(raw:)
      ).map { row in
        EventTrigger(
          name: row.name ?? "", event: row.event ?? "", function: row.function ?? "",
          enabled: row.enabled ?? "O",
          tags: (row.tags ?? "").split(separator: "\n").map(String.init).sorted())
      }
      let extensions = try connection.query(CatalogQueries.extensions).rows.map(
        CatalogQueries.ExtensionRow.init(raw:)
      ).map {
        Extension(
          name: $0.name ?? "", version: $0.version ?? "", schema: $0.schema ?? "",
          defaultVersion: $0.defaultVersion)
      }
      let (migrationTables, unreadable) = try readMigrationTables(connection)
      let registry = try Self.readTenantRegistry(
        connection, blocked: Set(blocked.filter { $0.schema == "public" }.map(\.name)))
      let indexes =
        try parallel?.wait()
        ?? SnapshotBuilder.readIndexes { body in
          try connection.forEachRow(
            CatalogQueries.indexes(serverVersion: connection.serverVersionNumber)
          ) { body($0) }
        }
      let deparse = builder.setIndexes(indexes)
      if !deparse.isEmpty {
        try builder.setIndexDefinitions { body in
          try connection.forEachRow(
            CatalogQueries.indexDefinitions, ["{" + deparse.joined(separator: ",") + "}"]
          ) { body($0) }
        }
      }
      var snapshot = Snapshot(
        environment: Self.environment(
          name: name, source: source, connection: connection, now: now),
        schemas: builder.takeSchemas(),
        extensions: extensions,
        migrationTables: migrationTables,
        tenantRegistry: registry,
        unreadable: unreadable + blocked.compactMap(\.unreadable)
      )
      snapshot.defaultPrivileges = builder.defaultPrivileges
      snapshot.roles = cluster.roles
      snapshot.eventTriggers = eventTriggers.sorted { $0.name < $1.name }
      snapshot.availableExtensions = available
      snapshot.publications = publications.sorted { $0.name < $1.name }
      snapshot.subscriptions = subscriptions.sorted { $0.name < $1.name }
      snapshot.database = cluster.database
      snapshot.database?.owner = objects.databaseOwner
      snapshot.database?.privileges = objects.databasePrivileges
      snapshot.tablespaces = objects.tablespaces
      snapshot.languages = objects.languages
      snapshot.foreignDataWrappers = objects.wrappers
      snapshot.foreignServers = objects.servers
      return snapshot
    }()
    snapshot.sort()
    snapshot.shareEqualArrays()
    return (snapshot, fingerprint)
  }

  /// Where and when a snapshot read over `connection` was taken.
  private static func environment(
    name: String, source: String, connection: Connection, now: Date
  ) -> EnvironmentInfo {
    EnvironmentInfo(
      name: name,
      source: source,
      serverVersion: connection.serverVersion,
      serverVersionNumber: connection.serverVersionNumber,
      database: connection.database,
      user: connection.user,
      collectedAt: Timestamp.iso8601(now),
      envdriftVersion: EnvdriftVersion.current
    )
  }

  /// A names-only snapshot (see ``Depth/names``), read in one repeatable-read transaction so
  /// that every name is of one moment without any fingerprint.
  private func readNames(name: String, source: String, connection: Connection, now: Date)
    throws -> Snapshot
  {
    try connection.query(CatalogQueries.session, [String(options.catalogLockTimeoutMilliseconds)])
    try connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    do {
      var definitionsOnly: Set<String> = []
      if case .namesMatching(let names) = depth { definitionsOnly = names.definitionSchemas }
      var shells: [Schema] = []
      try connection.forEachRow(CatalogQueries.schemas) { raw in
        let row = CatalogQueries.SchemaRow(raw: raw)
        guard let name = row.name, definitionsOnly.isEmpty || definitionsOnly.contains(name)
        else { return }
        shells.append(Schema(name: name, owner: row.owner ?? ""))
      }
      // A read of definitions alone (see ``NameFilter/definitionSchemas``) needs no rows.
      let (migrationTables, unreadable) =
        definitionsOnly.isEmpty ? try readMigrationTables(connection) : ([], [])
      var filter: String?
      var definitionSchemas: String?
      var columnSets: String?
      var access: [ObjectAccess]?
      if case .namesMatching(let names) = depth {
        filter = NameFilter.arrayLiteral(names.wanted(given: migrationTables))
        if !names.definitionSchemas.isEmpty {
          definitionSchemas = NameFilter.arrayLiteral(names.definitionSchemas)
        }
        if !names.columnSets.isEmpty { columnSets = NameFilter.arrayLiteral(names.columnSets) }
        if !names.access.isEmpty {
          access = NameQueries.objectAccess(
            try connection.query(NameQueries.access, [NameFilter.arrayLiteral(names.access)]).rows)
        }
      }
      var builder = NameSnapshotBuilder()
      try connection.forEachRow(NameQueries.names, [filter, definitionSchemas, columnSets]) {
        builder.add(.init(raw: $0))
      }
      var roles: Set<String>?
      var available: [String]?
      var registry: TenantRegistry?
      if definitionsOnly.isEmpty {
        roles = Set(try connection.query(NameQueries.roles).rows.compactMap { $0[0] })
        available = try connection.query(CatalogQueries.availableExtensions).rows.compactMap {
          $0[0]
        }
        registry = try Self.readTenantRegistry(connection)
      }
      try connection.query("COMMIT")
      var snapshot = Snapshot(
        environment: Self.environment(
          name: name, source: source, connection: connection, now: now),
        schemas: shells,
        migrationTables: migrationTables,
        tenantRegistry: registry,
        unreadable: unreadable
      )
      snapshot.sort()
      let read = builder.take()
      var names: [String: SchemaNames] = [:]
      for shell in shells { names[shell.name] = read[shell.name] ?? SchemaNames() }
      snapshot.namesOnly = names
      snapshot.roleNames = roles
      snapshot.access = access
      snapshot.availableExtensions = available
      return snapshot
    } catch let error as MigrationTablesUnreadable {
      throw error.error
    }
  }

  /// Sets `envdrift.blocked`, the relations the catalog statements leave undeparsed (see
  /// ``CatalogQueries/deparsable(_:)``).
  static let setBlocked = "SELECT pg_catalog.set_config('envdrift.blocked', $1, false)"

  /// A relation another session holds locked, or a view that reads one.
  struct BlockedRelation {
    var oid: String
    var schema: String
    var name: String
    var kind: String
    /// For a view: the locked relation it reads, qualified.
    var via: String?

    /// How the snapshot records it; `nil` for kinds envdrift never deparses (sequences).
    var unreadable: UnreadableObject? {
      guard ["r", "p", "f", "v", "m", "i", "I"].contains(kind) else { return nil }
      let reason =
        via.map {
          "it reads \($0), which another session holds locked (ACCESS EXCLUSIVE, DDL in"
            + " progress); not read, not compared"
        }
        ?? "another session holds it locked (ACCESS EXCLUSIVE, DDL in progress); not read, not"
        + " compared"
      return UnreadableObject(schema: schema, object: name, reason: reason, kind: .relation)
    }
  }

  /// The relations envdrift must not deparse now (see ``CatalogQueries/blockedRelations``).
  static func blockedRelations(_ connection: Connection) throws -> [BlockedRelation] {
    try connection.query(CatalogQueries.blockedRelations).rows.map(
      CatalogQueries.BlockedRelationRow.init(raw:)
    ).map { row in
      BlockedRelation(
        oid: row.oid ?? "", schema: row.schema ?? "", name: row.name ?? "", kind: row.kind ?? "",
        via: row.locked.map { "\(row.lockedSchema ?? "").\($0)" })
    }
  }

  private static func readTenantRegistry(_ connection: Connection, blocked: Set<String> = [])
    throws -> TenantRegistry?
  {
    guard let table = try connection.query(CatalogQueries.tenantRegistries).rows.first?[0],
      !blocked.contains(table)
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

/// Keeps the moment a snapshot began, so that the catalogs as they were then can be
/// fingerprinted after the snapshot, and only if some transaction committed meanwhile.
///
/// It owns a connection of its own, which holds a read-only repeatable-read transaction open
/// from the start of each attempt: a transaction like that takes no lock and no transaction ID,
/// so it neither stands in a migration's way nor shows in `pg_current_snapshot()`.
final class MomentKeeper {
  private let connection: Connection
  private var inTransaction = false

  /// Connects; throws when a third connection cannot be had.
  init(_ connectionString: ConnectionString, options: ConnectionOptions) throws {
    connection = try Connection(connectionString, options: options)
    try connection.query(
      CatalogQueries.session, [String(options.catalogLockTimeoutMilliseconds)])
    // The transaction waits, idle, while the other connections read.
    try connection.query(
      "SELECT pg_catalog.set_config('idle_in_transaction_session_timeout', '0', false)")
  }

  /// Ends the moment kept so far and keeps a new one: the server's transactions as it starts.
  func begin() throws -> String {
    if inTransaction { try connection.query("ROLLBACK") }
    inTransaction = false
    try connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    inTransaction = true
    return try SnapshotCollector.transactions(connection)
  }

  /// The fingerprint of the catalogs as they were when the moment began.
  func catalogs() throws -> String {
    try SnapshotCollector.fingerprint(connection)
  }
}

/// Reads the indexes on a second connection, on its own thread, while the first reads the rest.
///
/// The second connection is opened and used only on that thread, as libpq requires. If it fails
/// for any reason, ``Running/wait()`` returns `nil` and the caller reads the indexes itself.
final class IndexReader: Sendable {
  /// Reads the indexes, leaving out the relations listed (see ``CatalogQueries/deparsable(_:)``).
  typealias Work = @Sendable (_ blocked: String) throws -> SnapshotBuilder.ReadIndexes
  private let work: Work

  init(_ work: @escaping Work) {
    self.work = work
  }

  /// Starts reading.
  func start(blocked: String) -> Running {
    let running = Running()
    let work = work
    let thread = Thread {
      running.finish(try? work(blocked))
    }
    thread.stackSize = 1 << 20
    thread.start()
    return running
  }

  /// A read under way; its state is only touched with `condition` held.
  final class Running: @unchecked Sendable {
    private let condition = NSCondition()
    private var done = false
    private var result: SnapshotBuilder.ReadIndexes?

    fileprivate func finish(_ value: SnapshotBuilder.ReadIndexes?) {
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
    func wait() -> SnapshotBuilder.ReadIndexes? {
      condition.lock()
      while !done { condition.wait() }
      let value = result
      result = nil
      condition.unlock()
      return value
    }
  }
}

/// The catalogs kept changing while an environment was read: a migration or other DDL was
/// committing, and every retake of the snapshot saw another change.
public struct CatalogChangingError: Error, CustomStringConvertible, Sendable, Hashable {
  /// How many snapshots were taken.
  public var attempts: Int
  /// What the last attempt saw.
  public var last: String

  /// A sentence the user can act on.
  public var description: String {
    "DDL kept committing while the database was read (\(attempts) snapshots, the last saw:"
      + " \(last)); compare again once the migration has finished"
  }
}

/// A failure reading the migration tables, kept apart from the catalog reads' failures: it is
/// the environment's error as it is, never a reason to take the snapshot again.
private struct MigrationTablesUnreadable: Error {
  let error: PostgresError
}
