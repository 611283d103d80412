import DriftModel
import PostgresClient

/// Reads what belongs to the cluster and the database rather than to a schema: roles with
/// their memberships and settings, the database's encoding, locale and settings, the server
/// settings an application sees, and what identifies the cluster.
///
/// Four short statements over small catalogs; `pg_roles` is read, never `pg_authid`, so no
/// password or hash is ever seen.
enum ClusterReader {
  static let roles = """
    SELECT r.rolname::pg_catalog.text, r.rolsuper, r.rolinherit, r.rolcreaterole, r.rolcreatedb,
      r.rolcanlogin, r.rolreplication, r.rolbypassrls, r.rolconnlimit,
      CASE WHEN pg_catalog.isfinite(r.rolvaliduntil)
          THEN pg_catalog.to_char(r.rolvaliduntil AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
        WHEN r.rolvaliduntil < 'epoch' THEN '-infinity' END
    FROM pg_catalog.pg_roles r
    """

  /// One row of ``roles``.
  struct RoleRow {
    /// The row's values in select-list order; `nil` is SQL NULL.
    let raw: [String?]

    /// The role.
    var name: String? { raw[0] }
    /// `SUPERUSER`.
    var superuser: Bool { raw[1] == "t" }
    /// `INHERIT`.
    var inherit: Bool { raw[2] == "t" }
    /// `CREATEROLE`.
    var createRole: Bool { raw[3] == "t" }
    /// `CREATEDB`.
    var createDatabase: Bool { raw[4] == "t" }
    /// `LOGIN`.
    var login: Bool { raw[5] == "t" }
    /// `REPLICATION`.
    var replication: Bool { raw[6] == "t" }
    /// `BYPASSRLS`.
    var bypassRowSecurity: Bool { raw[7] == "t" }
    /// `CONNECTION LIMIT` (-1: none).
    var connectionLimit: Int? { raw[8].flatMap { Int($0) } }
    /// `VALID UNTIL`, when set.
    var validUntil: String? { raw[9] }
  }

  /// Memberships: member, role, admin option, and from PostgreSQL 16 the inherit and set
  /// options.
  static func memberships(serverVersion: Int) -> String {
    let options =
      serverVersion >= 160_000 ? "a.inherit_option, a.set_option" : "NULL::bool, NULL::bool"
    return """
      SELECT m.rolname::pg_catalog.text, r.rolname::pg_catalog.text, a.admin_option, \(options)
      FROM pg_catalog.pg_auth_members a
      JOIN pg_catalog.pg_roles r ON r.oid = a.roleid
      JOIN pg_catalog.pg_roles m ON m.oid = a.member
      """
  }

  /// One row of ``memberships(serverVersion:)``.
  struct MembershipRow {
    /// The row's values in select-list order; `nil` is SQL NULL.
    let raw: [String?]

    /// The member.
    var member: String? { raw[0] }
    /// The role it is a member of.
    var role: String? { raw[1] }
    /// `WITH ADMIN OPTION`.
    var admin: Bool { raw[2] == "t" }
    /// `t` or `f` for `WITH INHERIT` (16+; `NULL` before).
    var inherit: String? { raw[3] }
    /// `t` or `f` for `WITH SET` (16+; `NULL` before).
    var set: String? { raw[4] }
  }

  /// `ALTER ROLE … SET` and `ALTER DATABASE … SET` settings that apply in this database: the
  /// role (NULL for the database's own), whether they are for this database alone, the setting.
  static let settings = """
    SELECT r.rolname::pg_catalog.text, s.setdatabase <> 0, c.setting
    FROM pg_catalog.pg_db_role_setting s
    LEFT JOIN pg_catalog.pg_roles r ON r.oid = s.setrole
    CROSS JOIN LATERAL pg_catalog.unnest(s.setconfig) AS c(setting)
    WHERE s.setdatabase IN (0, (SELECT d.oid FROM pg_catalog.pg_database d
                                WHERE d.datname = pg_catalog.current_database()))
    """

  /// One row of ``settings``.
  struct SettingRow {
    /// The row's values in select-list order; `nil` is SQL NULL.
    let raw: [String?]

    /// The role (`NULL`: the database's own setting).
    var role: String? { raw[0] }
    /// Whether it applies in this database only.
    var thisDatabase: Bool { raw[1] == "t" }
    /// `name=value`.
    var setting: String? { raw[2] }
  }

  /// The database's encoding and locale, the cluster's identity (its system identifier where
  /// the role may read it, else the server's address or socket directory and port), and the
  /// default collation's version.
  static func database(serverVersion: Int) -> String {
    let locale =
      serverVersion >= 170_000
      ? "d.datlocale" : serverVersion >= 150_000 ? "d.daticulocale" : "NULL::pg_catalog.text"
    let provider = serverVersion >= 150_000 ? "d.datlocprovider::pg_catalog.text" : "'c'"
    let version = serverVersion >= 150_000 ? "d.datcollversion" : "NULL::pg_catalog.text"
    return """
      SELECT pg_catalog.pg_encoding_to_char(d.encoding)::pg_catalog.text,
        d.datcollate::pg_catalog.text, d.datctype::pg_catalog.text, \(provider),
        \(locale)::pg_catalog.text,
        COALESCE(
          CASE WHEN pg_catalog.has_function_privilege('pg_catalog.pg_control_system()', 'EXECUTE')
            THEN (SELECT 'system ' || c.system_identifier FROM pg_catalog.pg_control_system() c)
          END,
          'server ' || COALESCE(pg_catalog.host(pg_catalog.inet_server_addr()),
            pg_catalog.current_setting('unix_socket_directories'))
            || ':' || pg_catalog.current_setting('port')),
        \(version)::pg_catalog.text,
        (SELECT t.spcname::pg_catalog.text FROM pg_catalog.pg_tablespace t
         WHERE t.oid = d.dattablespace)
      FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()
      """
  }

  /// One row of ``database(serverVersion:)``.
  struct DatabaseRow {
    /// The row's values in select-list order; `nil` is SQL NULL.
    let raw: [String?]

    /// Its encoding.
    var encoding: String? { raw[0] }
    /// `LC_COLLATE`.
    var collate: String? { raw[1] }
    /// `LC_CTYPE`.
    var ctype: String? { raw[2] }
    /// Its locale provider letter.
    var provider: String? { raw[3] }
    /// Its ICU or builtin locale.
    var locale: String? { raw[4] }
    /// Which cluster it is: `system <identifier>`, or `server <host>:<port>` without the right to read the identifier.
    var cluster: String? { raw[5] }
    /// Its collation version (15+).
    var collationVersion: String? { raw[6] }
    /// Its default tablespace.
    var defaultTablespace: String? { raw[7] }
  }

  /// The compared server settings as a new session starts with them (`reset_val`: the
  /// configuration, then the database's and the role's settings).
  static let serverSettings = """
    SELECT s.name::pg_catalog.text, s.reset_val FROM pg_catalog.pg_settings s
    WHERE s.name = ANY ($1::pg_catalog.text[])
    """

  /// One row of ``serverSettings``.
  struct ServerSettingRow {
    /// The row's values in select-list order; `nil` is SQL NULL.
    let raw: [String?]

    /// The setting.
    var name: String? { raw[0] }
    /// Its value as the server started with it.
    var value: String? { raw[1] }
  }

  /// Reads the roles and the database facts over `connection`.
  static func read(_ connection: Connection) throws -> (roles: [Role], database: DatabaseInfo?) {
    var roles: [String: Role] = [:]
    for row in try connection.query(Self.roles).rows.map(RoleRow.init(raw:)) {
      let name = row.name ?? ""
      roles[name] = Role(
        name: name, superuser: row.superuser, inherit: row.inherit, createRole: row.createRole,
        createDatabase: row.createDatabase, login: row.login, replication: row.replication,
        bypassRowSecurity: row.bypassRowSecurity, connectionLimit: row.connectionLimit ?? -1,
        validUntil: row.validUntil)
    }
    let version = connection.serverVersionNumber
    for row in try connection.query(Self.memberships(serverVersion: version)).rows.map(
      MembershipRow.init(raw:))
    {
      guard let member = row.member, let role = row.role else { continue }
      roles[member]?.memberOf.append(
        Membership(
          role: role, admin: row.admin, inherit: row.inherit.map { $0 == "t" },
          set: row.set.map { $0 == "t" }))
    }
    var databaseSettings: [String] = []
    for row in try connection.query(Self.settings).rows.map(SettingRow.init(raw:)) {
      guard let setting = row.setting else { continue }
      if let role = row.role {
        roles[role]?.settings.append(setting + (row.thisDatabase ? " (this database)" : ""))
      } else {
        databaseSettings.append(setting)
      }
    }
    var result = roles.values.map { role in
      var role = role
      role.memberOf.sort { $0.role < $1.role }
      role.settings.sort()
      return role
    }
    result.sort { $0.name < $1.name }
    guard
      let row = try connection.query(Self.database(serverVersion: version)).rows.first.map(
        DatabaseRow.init(raw:))
    else {
      return (result, nil)
    }
    let names = "{" + DatabaseInfo.serverSettingNames.joined(separator: ",") + "}"
    let server = try connection.query(Self.serverSettings, [names]).rows.map(
      ServerSettingRow.init(raw:)
    )
    .map { "\($0.name ?? "")=\($0.value ?? "")" }
    let provider =
      switch row.provider {
      case "i": "icu"
      case "b": "builtin"
      default: "libc"
      }
    var info = DatabaseInfo(
      encoding: row.encoding ?? "", collate: row.collate ?? "", ctype: row.ctype ?? "",
      localeProvider: provider, locale: row.locale, settings: databaseSettings.sorted(),
      serverSettings: server.sorted(), cluster: row.cluster)
    info.collationVersion = row.collationVersion
    info.defaultTablespace = row.defaultTablespace
    return (result, info)
  }
}
