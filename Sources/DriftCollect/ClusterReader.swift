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
        \(version)::pg_catalog.text
      FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()
      """
  }

  /// The compared server settings as a new session starts with them (`reset_val`: the
  /// configuration, then the database's and the role's settings).
  static let serverSettings = """
    SELECT s.name::pg_catalog.text, s.reset_val FROM pg_catalog.pg_settings s
    WHERE s.name = ANY ($1::pg_catalog.text[])
    """

  /// Reads the roles and the database facts over `connection`.
  static func read(_ connection: Connection) throws -> (roles: [Role], database: DatabaseInfo?) {
    var roles: [String: Role] = [:]
    for row in try connection.query(Self.roles).rows {
      let name = row[0] ?? ""
      roles[name] = Role(
        name: name, superuser: row[1] == "t", inherit: row[2] == "t", createRole: row[3] == "t",
        createDatabase: row[4] == "t", login: row[5] == "t", replication: row[6] == "t",
        bypassRowSecurity: row[7] == "t", connectionLimit: Int(row[8] ?? "") ?? -1,
        validUntil: row[9])
    }
    let version = connection.serverVersionNumber
    for row in try connection.query(Self.memberships(serverVersion: version)).rows {
      guard let member = row[0], let role = row[1] else { continue }
      roles[member]?.memberOf.append(
        Membership(
          role: role, admin: row[2] == "t", inherit: row[3].map { $0 == "t" },
          set: row[4].map { $0 == "t" }))
    }
    var databaseSettings: [String] = []
    for row in try connection.query(Self.settings).rows {
      guard let setting = row[2] else { continue }
      if let role = row[0] {
        roles[role]?.settings.append(setting + (row[1] == "t" ? " (this database)" : ""))
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
    guard let row = try connection.query(Self.database(serverVersion: version)).rows.first else {
      return (result, nil)
    }
    let names = "{" + DatabaseInfo.serverSettingNames.joined(separator: ",") + "}"
    let server = try connection.query(Self.serverSettings, [names]).rows.map {
      "\($0[0] ?? "")=\($0[1] ?? "")"
    }
    let provider =
      switch row[3] {
      case "i": "icu"
      case "b": "builtin"
      default: "libc"
      }
    var info = DatabaseInfo(
      encoding: row[0] ?? "", collate: row[1] ?? "", ctype: row[2] ?? "",
      localeProvider: provider, locale: row[4], settings: databaseSettings.sorted(),
      serverSettings: server.sorted(), cluster: row[5])
    info.collationVersion = row[6]
    return (result, info)
  }
}
