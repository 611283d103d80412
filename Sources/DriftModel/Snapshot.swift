/// Everything envdrift knows about one environment's database at one moment.
///
/// Read by read-only statements that a catalog checksum proves saw one moment (see the
/// collector). Collections are sorted by name so that a snapshot file is deterministic and
/// diffs cleanly in git.
public struct Snapshot: Codable, Sendable, Hashable {
  /// The version of the snapshot file format this value was written in.
  public static let currentFormatVersion = 1

  /// The file format version; readers refuse versions newer than ``currentFormatVersion``.
  public var formatVersion: Int
  /// Where and when the snapshot was taken.
  public var environment: EnvironmentInfo
  /// User schemas, with the objects they hold.
  public var schemas: [Schema]
  /// Installed extensions, `plpgsql` included (the comparison ignores it).
  public var extensions: [Extension]
  /// Every migration-history table found, in every schema.
  public var migrationTables: [MigrationTable]
  /// The django-tenants tenant registry, when the database has one.
  public var tenantRegistry: TenantRegistry?
  /// Parts of the database the role could not read, and why.
  public var unreadable: [UnreadableObject]
  /// `ALTER DEFAULT PRIVILEGES` entries, sorted; `nil` when not read (a snapshot file from
  /// before they were).
  public var defaultPrivileges: [DefaultPrivilege]? = nil
  /// The cluster's roles, managed ones included, sorted; `nil` when not read.
  public var roles: [Role]? = nil
  /// The database and its server's settings; `nil` when not read.
  public var database: DatabaseInfo? = nil
  /// Event triggers, sorted by name; `nil` when not read.
  public var eventTriggers: [EventTrigger]? = nil
  /// Publications, sorted by name; `nil` when not read.
  public var publications: [Publication]? = nil
  /// Subscriptions of this database, sorted by name; `nil` when not read.
  public var subscriptions: [Subscription]? = nil
  /// The cluster's tablespaces, sorted by name; `nil` when not read.
  public var tablespaces: [Tablespace]? = nil
  /// The database's procedural languages, sorted by name; `nil` when not read.
  public var languages: [Language]? = nil
  /// Foreign-data wrappers, sorted by name; `nil` when not read.
  public var foreignDataWrappers: [ForeignDataWrapper]? = nil
  /// Foreign servers with their user mappings, sorted by name; `nil` when not read.
  public var foreignServers: [ForeignServer]? = nil
  /// The extensions the server can install (`pg_available_extensions`), sorted.
  ///
  /// A pending `CreateExtension` of another fails there. `nil` when not read.
  public var availableExtensions: [String]? = nil
  /// Each schema's names, for a names-only read (`envdrift verify`).
  ///
  /// ``schemas`` then holds the schemas alone. Never written to a snapshot file; `nil` for a
  /// full snapshot.
  public var namesOnly: [String: SchemaNames]?
  /// The cluster's role names, for a names-only read; `nil` when roles were not read.
  public var roleNames: Set<String>?
  /// Owner and grants of the objects a targeted read was asked about (see
  /// ``allAccess``); `nil` for other reads.
  public var access: [ObjectAccess]?

  private enum CodingKeys: String, CodingKey {
    case formatVersion, environment, schemas, extensions, migrationTables, tenantRegistry
    case unreadable, defaultPrivileges, roles, database, eventTriggers, availableExtensions
    case publications, subscriptions, tablespaces, languages, foreignDataWrappers
    case foreignServers
  }

  /// Creates a snapshot.
  public init(
    formatVersion: Int = Snapshot.currentFormatVersion,
    environment: EnvironmentInfo,
    schemas: [Schema] = [],
    extensions: [Extension] = [],
    migrationTables: [MigrationTable] = [],
    tenantRegistry: TenantRegistry? = nil,
    unreadable: [UnreadableObject] = []
  ) {
    self.formatVersion = formatVersion
    self.environment = environment
    self.schemas = schemas
    self.extensions = extensions
    self.migrationTables = migrationTables
    self.tenantRegistry = tenantRegistry
    self.unreadable = unreadable
  }

  /// The names in the schema called `name`: from a names-only read, or from the full schema.
  public func names(of name: String) -> SchemaNames? {
    if let namesOnly { return namesOnly[name] }
    return schema(named: name).map(SchemaNames.init)
  }

  /// The names in every schema, by schema name (see ``names(of:)``).
  public var allNames: [String: SchemaNames] {
    if let namesOnly { return namesOnly }
    var result: [String: SchemaNames] = [:]
    for schema in schemas { result[schema.name] = SchemaNames(schema) }
    return result
  }

  /// Owner and grants of every object: from a targeted read, or derived from the full schemas
  /// (grants unknown, `nil`, where a snapshot file predates them; an index has none).
  public var allAccess: [ObjectAccess] {
    if let access { return access }
    var result: [ObjectAccess] = []
    for schema in schemas {
      let name = schema.name
      result.append(
        ObjectAccess(
          schema: name, name: name, kind: "schema", owner: schema.owner,
          grants: schema.privileges))
      for table in schema.tables {
        result.append(
          ObjectAccess(
            schema: name, name: table.name,
            kind: table.kind == .foreign ? "foreign table" : "table", owner: table.owner,
            grants: table.privileges))
        for index in table.indexes {
          result.append(
            ObjectAccess(
              schema: name, table: table.name, name: index.name, kind: "index",
              owner: table.owner, grants: nil))
        }
      }
      for view in schema.views {
        result.append(
          ObjectAccess(
            schema: name, name: view.name, kind: view.materialized ? "materialized view" : "view",
            owner: view.owner, grants: view.privileges))
      }
      for sequence in schema.sequences {
        result.append(
          ObjectAccess(
            schema: name, name: sequence.name, kind: "sequence", owner: sequence.owner,
            grants: sequence.privileges))
      }
      for function in schema.functions {
        result.append(
          ObjectAccess(
            schema: name, name: function.name,
            kind: function.kind == "window" ? "function" : function.kind, owner: function.owner,
            grants: function.privileges))
      }
      for type in schema.types {
        result.append(
          ObjectAccess(
            schema: name, name: type.name, kind: type.kind == .domain ? "domain" : "type",
            owner: type.owner, grants: type.privileges))
      }
    }
    if let database, let owner = database.owner {
      result.append(
        ObjectAccess(
          schema: nil, name: environment.database, kind: "database", owner: owner,
          grants: database.privileges))
    }
    func outside(_ kind: String, _ name: String, _ owner: String, _ grants: [Privilege]) {
      result.append(ObjectAccess(schema: nil, name: name, kind: kind, owner: owner, grants: grants))
    }
    for server in foreignServers ?? [] {
      outside("foreign server", server.name, server.owner, server.privileges)
    }
    for wrapper in foreignDataWrappers ?? [] {
      outside("foreign-data wrapper", wrapper.name, wrapper.owner, wrapper.privileges)
    }
    for language in languages ?? [] {
      outside("language", language.name, language.owner, language.privileges)
    }
    for tablespace in tablespaces ?? [] {
      outside("tablespace", tablespace.name, tablespace.owner, tablespace.privileges)
    }
    return result
  }

  /// Every role that owns an object, holds a grant, has default privileges or is named in a
  /// policy: a role whose absence breaks something.
  public var roleNamesInUse: Set<String> {
    var names = Set<String>()
    func grants(_ privileges: [Privilege]?) {
      for privilege in privileges ?? [] { names.insert(privilege.grantee) }
    }
    for schema in schemas {
      names.insert(schema.owner)
      grants(schema.privileges)
      for table in schema.tables {
        names.insert(table.owner)
        grants(table.privileges)
        for column in table.columns { grants(column.privileges) }
        for policy in table.policies { names.formUnion(policy.roles) }
      }
      for view in schema.views {
        names.insert(view.owner)
        grants(view.privileges)
      }
      for sequence in schema.sequences {
        names.insert(sequence.owner)
        grants(sequence.privileges)
      }
      for type in schema.types {
        names.insert(type.owner)
        grants(type.privileges)
      }
      for function in schema.functions {
        names.insert(function.owner)
        grants(function.privileges)
      }
    }
    for entry in defaultPrivileges ?? [] {
      names.insert(entry.role)
      names.insert(entry.privilege.grantee)
    }
    names.remove("PUBLIC")
    names.remove("")
    return names
  }

  /// The schema called `name`, if the snapshot has it.
  public func schema(named name: String) -> Schema? {
    schemas.first { $0.name == name }
  }

  /// The tenant schemas: those django-tenants' registry lists, else every schema but `public`
  /// with a `django_migrations` table of its own.
  public var tenantSchemas: [String] {
    let existing = Set(schemas.map(\.name))
    if let tenantRegistry {
      return tenantRegistry.schemas.filter { existing.contains($0) }
    }
    return
      migrationTables
      .filter { $0.framework == .django && $0.schema != "public" }
      .map(\.schema)
      .filter { existing.contains($0) }
  }

  /// Puts every collection in its canonical order.
  public mutating func sort() {
    schemas.sortIfNeeded { $0.name < $1.name }
    for index in schemas.indices { schemas[index].sort() }
    extensions.sortIfNeeded { $0.name < $1.name }
    migrationTables.sortIfNeeded { ($0.schema, $0.name) < ($1.schema, $1.name) }
    unreadable.sortIfNeeded { ($0.schema, $0.object) < ($1.schema, $1.object) }
    tenantRegistry?.schemas.sortIfNeeded(by: <)
    roles?.sortIfNeeded { $0.name < $1.name }
    defaultPrivileges?.sortIfNeeded {
      ($0.schema ?? "", $0.role, $0.objects, $0.privilege.grantee)
        < ($1.schema ?? "", $1.role, $1.objects, $1.privilege.grantee)
    }
  }
}

/// Where and when a snapshot was taken; never holds a password.
public struct EnvironmentInfo: Codable, Sendable, Hashable {
  /// The name the user gave the environment (`dev`, `prod`).
  public var name: String
  /// The source with any password removed (`postgresql://app@db:5432/app`, or a file path).
  public var source: String
  /// The server's version string.
  public var serverVersion: String
  /// The server's version number, such as `150018`.
  public var serverVersionNumber: Int

  /// The server's major version (`15` for `150018`), or `nil` when the snapshot does not know.
  public var major: Int? {
    serverVersionNumber >= 100_000 ? serverVersionNumber / 10_000 : nil
  }
  /// The database the snapshot was taken from.
  public var database: String
  /// The role the snapshot was taken as.
  public var user: String
  /// When the snapshot was taken, as ISO 8601 UTC (`2026-11-21T03:00:00Z`).
  public var collectedAt: String
  /// The envdrift version that took it.
  public var envdriftVersion: String

  /// Creates environment information.
  public init(
    name: String,
    source: String,
    serverVersion: String = "",
    serverVersionNumber: Int = 0,
    database: String = "",
    user: String = "",
    collectedAt: String = "",
    envdriftVersion: String = ""
  ) {
    self.name = name
    self.source = source
    self.serverVersion = serverVersion
    self.serverVersionNumber = serverVersionNumber
    self.database = database
    self.user = user
    self.collectedAt = collectedAt
    self.envdriftVersion = envdriftVersion
  }
}

/// An installed extension.
public struct Extension: Codable, Sendable, Hashable {
  /// The extension's name.
  public var name: String
  /// The installed version.
  public var version: String
  /// The schema its objects live in.
  public var schema: String
  /// The version `CREATE EXTENSION` installs on this server (its control file's
  /// `default_version`), when the snapshot recorded it.
  public var defaultVersion: String?

  /// Creates an extension.
  public init(name: String, version: String, schema: String, defaultVersion: String? = nil) {
    self.name = name
    self.version = version
    self.schema = schema
    self.defaultVersion = defaultVersion
  }
}

/// A schema (or object) the snapshot could not read, with the server's reason.
public struct UnreadableObject: Codable, Sendable, Hashable {
  /// What could not be read.
  public enum Kind: String, Codable, Sendable, Hashable {
    /// A migration table's rows: its migrations are unknown, never taken as applied.
    case migrationTable = "migration_table"
    /// A relation another session held locked (`ACCESS EXCLUSIVE`: a migration's `ALTER`),
    /// or a view that reads one: its definition and everything on it are not compared.
    case relation
  }

  /// The schema concerned.
  public var schema: String
  /// The object concerned, such as `django_migrations`.
  public var object: String
  /// Why it could not be read, such as `permission denied for table django_migrations`.
  public var reason: String
  /// What it is; `nil` (snapshot files of earlier versions) is a migration table.
  public var kind: Kind?

  /// Creates a record of something unreadable.
  public init(schema: String, object: String, reason: String, kind: Kind? = nil) {
    self.schema = schema
    self.object = object
    self.reason = reason
    self.kind = kind
  }

  /// Whether it is a relation left out of the comparison, rather than a migration table.
  public var isRelation: Bool { kind == .relation }
}

/// django-tenants' registry of tenant schemas (a `public` table with a `schema_name` column).
public struct TenantRegistry: Codable, Sendable, Hashable {
  /// The registry table, qualified: `public.tenants_client`.
  public var table: String
  /// The schema names it lists, sorted; `public` is left out.
  public var schemas: [String]

  /// Creates a registry.
  public init(table: String, schemas: [String]) {
    self.table = table
    self.schemas = schemas
  }
}

extension Sequence where Element == Snapshot {
  /// The snapshot of the environment named `name`, if it was read.
  public func snapshot(of name: String) -> Snapshot? {
    first { $0.environment.name == name }
  }
}
