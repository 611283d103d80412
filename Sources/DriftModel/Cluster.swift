/// A role of the cluster as `pg_roles` shows it: never a password or its hash.
public struct Role: Codable, Sendable, Hashable {
  /// The role's name.
  public var name: String
  /// `SUPERUSER`.
  public var superuser: Bool
  /// `INHERIT`: whether it uses the privileges of the roles it is a member of.
  public var inherit: Bool
  /// `CREATEROLE`.
  public var createRole: Bool
  /// `CREATEDB`.
  public var createDatabase: Bool
  /// `LOGIN`.
  public var login: Bool
  /// `REPLICATION`.
  public var replication: Bool
  /// `BYPASSRLS`.
  public var bypassRowSecurity: Bool
  /// `CONNECTION LIMIT`; -1 for none.
  public var connectionLimit: Int
  /// `VALID UNTIL`, in UTC, when set to a time (`infinity`, which never expires, reads as
  /// unset, as no `VALID UNTIL` does; `-infinity` is kept).
  public var validUntil: String?
  /// The roles it is a member of, sorted by role.
  public var memberOf: [Membership]
  /// `ALTER ROLE … SET` settings, `name=value`, sorted: those for every database, and those
  /// for this database alone (`ALTER ROLE … IN DATABASE … SET`) with ` (this database)` after.
  public var settings: [String]

  /// Creates a role.
  public init(
    name: String, superuser: Bool = false, inherit: Bool = true, createRole: Bool = false,
    createDatabase: Bool = false, login: Bool = false, replication: Bool = false,
    bypassRowSecurity: Bool = false, connectionLimit: Int = -1, validUntil: String? = nil,
    memberOf: [Membership] = [], settings: [String] = []
  ) {
    self.name = name
    self.superuser = superuser
    self.inherit = inherit
    self.createRole = createRole
    self.createDatabase = createDatabase
    self.login = login
    self.replication = replication
    self.bypassRowSecurity = bypassRowSecurity
    self.connectionLimit = connectionLimit
    self.validUntil = validUntil
    self.memberOf = memberOf
    self.settings = settings
  }

  /// `LOGIN, CREATEDB, CONNECTION LIMIT 10`: its attributes as `CREATE ROLE` writes them
  /// (`NOLOGIN` when it cannot log in).
  public var summary: String {
    var parts: [String] = [login ? "LOGIN" : "NOLOGIN"]
    if superuser { parts.append("SUPERUSER") }
    if createDatabase { parts.append("CREATEDB") }
    if createRole { parts.append("CREATEROLE") }
    if !inherit { parts.append("NOINHERIT") }
    if replication { parts.append("REPLICATION") }
    if bypassRowSecurity { parts.append("BYPASSRLS") }
    if connectionLimit >= 0 { parts.append("CONNECTION LIMIT \(connectionLimit)") }
    if let validUntil { parts.append("VALID UNTIL \(validUntil)") }
    return parts.joined(separator: ", ")
  }

  /// Roles PostgreSQL predefines (`pg_*`) and those managed services create for themselves
  /// (`rds_*`, `rdsadmin`, `cloudsql*`, `azure_*`, `alloydb*`): never drift.
  public var isManaged: Bool {
    let lowered = name.lowercased()
    return ["pg_", "rds_", "rdsadmin", "rdstopmgr", "cloudsql", "azure_", "alloydb"].contains {
      lowered.hasPrefix($0)
    }
  }
}

/// Membership in a role (`GRANT role TO member`), with its options.
public struct Membership: Codable, Sendable, Hashable {
  /// The role the member belongs to.
  public var role: String
  /// `WITH ADMIN OPTION`.
  public var admin: Bool
  /// `WITH INHERIT` (PostgreSQL 16 and later; `nil` before, where the member's own `INHERIT`
  /// decides).
  public var inherit: Bool?
  /// `WITH SET` (PostgreSQL 16 and later).
  public var set: Bool?

  /// Creates a membership.
  public init(role: String, admin: Bool = false, inherit: Bool? = nil, set: Bool? = nil) {
    self.role = role
    self.admin = admin
    self.inherit = inherit
    self.set = set
  }

  /// Whether the role it grants is one PostgreSQL or a managed service made (see
  /// ``Role/isManaged``).
  public var isManagedRole: Bool { Role(name: role).isManaged }

  /// `member`, with the options that differ from a plain `GRANT role TO member`.
  public var summary: String {
    var options: [String] = []
    if admin { options.append("ADMIN") }
    if inherit == false { options.append("INHERIT FALSE") }
    if set == false { options.append("SET FALSE") }
    return options.isEmpty ? "member" : "member WITH " + options.joined(separator: ", ")
  }
}

/// The database itself and the server it runs on, as an application session sees them.
public struct DatabaseInfo: Codable, Sendable, Hashable {
  /// `UTF8`.
  public var encoding: String
  /// `LC_COLLATE`.
  public var collate: String
  /// `LC_CTYPE`.
  public var ctype: String
  /// `libc`, `icu` or `builtin`.
  public var localeProvider: String
  /// The ICU or builtin locale, when the provider is not libc.
  public var locale: String?
  /// The version of the collation library the database's default collation was made with
  /// (`2.36` for glibc), from PostgreSQL 15; when it differs, text sorts differently and
  /// indexes on text may need rebuilding.
  public var collationVersion: String? = nil
  /// `ALTER DATABASE … SET` settings, `name=value`, sorted.
  public var settings: [String]
  /// The server settings that change what an application sees (``serverSettingNames``),
  /// `name=value`, sorted: as a new session of the connecting role starts with them.
  public var serverSettings: [String]
  /// What identifies the cluster: equal for two databases of one cluster.
  ///
  /// Its system identifier where the role may read it, else the server's address and port.
  /// Never written to a snapshot file (it would change with every new cluster, and may name a
  /// socket directory).
  public var cluster: String?

  /// The role that owns the database; `nil` in a snapshot file from before it was read.
  public var owner: String? = nil
  /// The tablespace its objects go to when none is named (`pg_default`, unless the database was
  /// made with another).
  ///
  /// Read for fixes that move an object back there, not compared: every environment lays out
  /// its own storage.
  public var defaultTablespace: String? = nil
  /// Grants on the database (`CONNECT`, `CREATE`, `TEMPORARY`), effective, sorted by grantee;
  /// `nil` in a snapshot file from before they were read.
  public var privileges: [Privilege]? = nil

  private enum CodingKeys: String, CodingKey {
    case encoding, collate, ctype, localeProvider, locale, settings, serverSettings, owner
    case privileges, collationVersion, defaultTablespace
  }

  /// Creates database facts.
  public init(
    encoding: String, collate: String, ctype: String, localeProvider: String,
    locale: String? = nil, settings: [String] = [], serverSettings: [String] = [],
    cluster: String? = nil
  ) {
    self.encoding = encoding
    self.collate = collate
    self.ctype = ctype
    self.localeProvider = localeProvider
    self.locale = locale
    self.settings = settings
    self.serverSettings = serverSettings
    self.cluster = cluster
  }

  /// The server settings compared: those that change what a query returns or how long it may
  /// wait, what a migration may do, and which libraries the server loads.
  public static let serverSettingNames = [
    "DateStyle", "IntervalStyle", "TimeZone", "bytea_output", "check_function_bodies",
    "client_min_messages", "default_table_access_method", "default_tablespace",
    "default_text_search_config", "default_transaction_isolation",
    "default_transaction_read_only", "extra_float_digits", "idle_in_transaction_session_timeout",
    "lc_messages", "lc_monetary", "lc_numeric", "lc_time", "lock_timeout", "max_connections",
    "row_security", "search_path", "session_preload_libraries", "shared_preload_libraries",
    "standard_conforming_strings", "statement_timeout", "xmloption",
  ]
}

/// A publication (`CREATE PUBLICATION`) for logical replication.
public struct Publication: Codable, Sendable, Hashable {
  /// Its name.
  public var name: String
  /// `FOR ALL TABLES`.
  public var allTables: Bool
  /// The operations published: `insert`, `update`, `delete`, `truncate`.
  public var operations: [String]
  /// `publish_via_partition_root`.
  public var viaRoot: Bool
  /// The tables it publishes, `schema.table`, sorted (empty for all tables).
  public var tables: [String]
  /// The schemas it publishes whole (`FOR TABLES IN SCHEMA`, PostgreSQL 15+), sorted.
  public var schemas: [String]

  /// Creates a publication.
  public init(
    name: String, allTables: Bool = false, operations: [String] = [], viaRoot: Bool = false,
    tables: [String] = [], schemas: [String] = []
  ) {
    self.name = name
    self.allTables = allTables
    self.operations = operations
    self.viaRoot = viaRoot
    self.tables = tables
    self.schemas = schemas
  }

  /// `FOR TABLE public.a, public.b WITH (publish = 'insert, update')`: what is compared.
  public var summary: String {
    var targets: [String] = []
    if allTables { targets.append("ALL TABLES") }
    if !tables.isEmpty { targets.append("TABLE " + tables.joined(separator: ", ")) }
    if !schemas.isEmpty { targets.append("TABLES IN SCHEMA " + schemas.joined(separator: ", ")) }
    var text = targets.isEmpty ? "no tables" : "FOR " + targets.joined(separator: ", ")
    text += " WITH (publish = '\(operations.joined(separator: ", "))'"
    if viaRoot { text += ", publish_via_partition_root" }
    return text + ")"
  }
}

/// A subscription (`CREATE SUBSCRIPTION`) of this database.
///
/// Its connection string is never read: it can hold a password, and a role without the right
/// to see it would fail the snapshot.
public struct Subscription: Codable, Sendable, Hashable {
  /// Its name.
  public var name: String
  /// Whether it is enabled.
  public var enabled: Bool
  /// The publications it subscribes to, sorted.
  public var publications: [String]
  /// Its replication slot's name, when it has one.
  public var slot: String?

  /// Creates a subscription.
  public init(name: String, enabled: Bool, publications: [String], slot: String?) {
    self.name = name
    self.enabled = enabled
    self.publications = publications
    self.slot = slot
  }

  /// `PUBLICATION a, b (disabled)`: what is compared.
  public var summary: String {
    "PUBLICATION \(publications.joined(separator: ", "))" + (enabled ? "" : " (disabled)")
      + (slot.map { " slot \($0)" } ?? "")
  }
}

/// A tablespace of the cluster.
///
/// Its location is not kept: every server lays out its disks its own way.
public struct Tablespace: Codable, Sendable, Hashable {
  /// Its name.
  public var name: String
  /// The role that owns it.
  public var owner: String
  /// Its options (`random_page_cost=1.1`), sorted.
  public var options: [String]
  /// Grants on it (`CREATE`), effective, sorted by grantee.
  public var privileges: [Privilege]

  /// Creates a tablespace.
  public init(name: String, owner: String, options: [String] = [], privileges: [Privilege] = []) {
    self.name = name
    self.owner = owner
    self.options = options
    self.privileges = privileges
  }

  /// Whether PostgreSQL made it (`pg_default`, `pg_global`): its owner is whoever initialised
  /// the cluster, and not compared.
  public var isBuiltIn: Bool { name.hasPrefix("pg_") }

  /// `WITH (random_page_cost=1.1)`, or `tablespace`: what is compared.
  public var summary: String {
    options.isEmpty ? "tablespace" : "WITH (\(options.joined(separator: ", ")))"
  }
}

/// A procedural language of the database (`plpgsql`, `plpython3u`).
public struct Language: Codable, Sendable, Hashable {
  /// Its name.
  public var name: String
  /// Whether it is trusted (any role with `USAGE` may write functions in it).
  public var trusted: Bool
  /// The role that owns it: whoever initialised the cluster, for `plpgsql`; its own rights are
  /// compared as the owner's, and the owner itself is not compared.
  public var owner: String
  /// Grants on it (`USAGE`), effective, sorted by grantee.
  public var privileges: [Privilege]
  /// The extension it belongs to, when one created it (`plpgsql` belongs to `plpgsql`).
  public var fromExtension: String?

  /// Creates a language.
  public init(
    name: String, trusted: Bool, owner: String, privileges: [Privilege] = [],
    fromExtension: String? = nil
  ) {
    self.name = name
    self.trusted = trusted
    self.owner = owner
    self.privileges = privileges
    self.fromExtension = fromExtension
  }
}

/// An event trigger: a database-wide trigger on DDL.
public struct EventTrigger: Codable, Sendable, Hashable {
  /// Its name.
  public var name: String
  /// `ddl_command_start`, `ddl_command_end`, `sql_drop`, `table_rewrite`, `login`.
  public var event: String
  /// The function it runs, with its arguments' types.
  public var function: String
  /// `O` (origin and local), `D` (disabled), `R` (replica), `A` (always).
  public var enabled: String
  /// The command tags it fires for, sorted; empty for all.
  public var tags: [String]

  /// Creates an event trigger.
  public init(name: String, event: String, function: String, enabled: String, tags: [String]) {
    self.name = name
    self.event = event
    self.function = function
    self.enabled = enabled
    self.tags = tags
  }

  /// `ON ddl_command_end WHEN TAG IN (CREATE TABLE) EXECUTE FUNCTION audit()`.
  public var summary: String {
    var text = "ON \(event)"
    if !tags.isEmpty { text += " WHEN TAG IN (\(tags.joined(separator: ", ")))" }
    text += " EXECUTE FUNCTION \(function)"
    if enabled != "O" { text += " (enabled=\(enabled))" }
    return text
  }
}
