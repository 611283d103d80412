import DriftModel
import PostgresClient

/// Reads the objects that live outside every schema: the database's own owner and grants, the
/// cluster's tablespaces, procedural languages, foreign-data wrappers, foreign servers and
/// their user mappings.
///
/// Five short statements over small catalogs that every role may read. Options pass through
/// ``OptionRedaction`` before they are kept, so a password in a user mapping or a server never
/// reaches a snapshot; a tablespace's location is not read.
enum DatabaseObjectReader {
  /// What was read.
  struct Objects {
    var databaseOwner: String?
    var databasePrivileges: [Privilege] = []
    var tablespaces: [Tablespace] = []
    var languages: [Language] = []
    var wrappers: [ForeignDataWrapper] = []
    var servers: [ForeignServer] = []
  }

  /// A catalog of objects outside every schema that take grants: the kind
  /// (``ObjectAccess/outsideKinds``), the catalog and its name, owner and ACL columns, and the
  /// `acldefault` letter for an ACL that is NULL.
  struct OutsideCatalog {
    var kind: String
    var catalog: String
    var name: String
    var owner: String
    var acl: String
    var letter: String

    /// `SELECT NULL, NULL, name, kind, owner, acl FROM catalog WHERE condition`, or without the
    /// two NULLs (`schema` and `table`) when `withPlace` is false.
    func select(where condition: String, withPlace: Bool = true) -> String {
      """
      SELECT \(withPlace ? "NULL, NULL, " : "")\(name)::pg_catalog.text, '\(kind)', \(owner),
        COALESCE(\(acl), pg_catalog.acldefault('\(letter)', \(owner)))
      FROM pg_catalog.\(catalog) WHERE \(condition)
      """
    }
  }

  /// Tablespaces, procedural languages, wrappers and servers.
  static let outsideCatalogs = [
    OutsideCatalog(
      kind: "foreign server", catalog: "pg_foreign_server", name: "srvname", owner: "srvowner",
      acl: "srvacl", letter: "S"),
    OutsideCatalog(
      kind: "foreign-data wrapper", catalog: "pg_foreign_data_wrapper", name: "fdwname",
      owner: "fdwowner", acl: "fdwacl", letter: "F"),
    OutsideCatalog(
      kind: "language", catalog: "pg_language", name: "lanname", owner: "lanowner",
      acl: "lanacl", letter: "l"),
    OutsideCatalog(
      kind: "tablespace", catalog: "pg_tablespace", name: "spcname", owner: "spcowner",
      acl: "spcacl", letter: "t"),
  ]

  /// The owner and effective grants of the database, each tablespace, procedural language,
  /// wrapper and server: kind (`database`, or one of ``ObjectAccess/outsideKinds``), name,
  /// owner, then grantee, privileges and those with grant option (NULL for an object granted
  /// to no one).
  static let grants = """
    WITH objects AS (
      SELECT d.datname::pg_catalog.text AS name, 'database' AS kind, d.datdba AS owner,
        COALESCE(d.datacl, pg_catalog.acldefault('d', d.datdba)) AS acl
      FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()
      UNION ALL
      \(outsideCatalogs.map {
        $0.select(where: $0.kind == "language" ? "lanispl" : "true", withPlace: false)
      }.joined(separator: "\nUNION ALL\n"))
    )
    SELECT o.kind, o.name, pg_catalog.pg_get_userbyid(o.owner)::pg_catalog.text,
      g.grantee, g.privileges, g.grantable
    FROM objects o
    LEFT JOIN LATERAL (
      SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC'
          ELSE pg_catalog.pg_get_userbyid(a.grantee)::pg_catalog.text END AS grantee,
        pg_catalog.string_agg(a.privilege_type, ',' ORDER BY a.privilege_type) AS privileges,
        pg_catalog.string_agg(a.privilege_type, ',' ORDER BY a.privilege_type)
          FILTER (WHERE a.is_grantable) AS grantable
      FROM pg_catalog.aclexplode(o.acl) a GROUP BY 1
    ) g ON true
    """

  /// One row of ``grants``.
  struct GrantRow {
    /// The row's values in select-list order; `nil` is SQL NULL.
    let raw: [String?]

    /// `database`, or one of ``ObjectAccess/outsideKinds``.
    var kind: String? { raw[0] }
    /// The object.
    var name: String? { raw[1] }
    /// Its owner.
    var owner: String? { raw[2] }
    /// The grantee (`NULL`: granted to no one).
    var grantee: String? { raw[3] }
    /// Its privileges, comma-separated.
    var privileges: String? { raw[4] }
    /// Those it may grant on.
    var grantable: String? { raw[5] }
  }

  /// The extension that made an object of `catalog` with `oid`, if one did.
  private static func extensionOf(_ catalog: String, _ oid: String) -> String {
    """
    (SELECT e.extname::pg_catalog.text FROM pg_catalog.pg_depend dep
      JOIN pg_catalog.pg_extension e ON e.oid = dep.refobjid
      WHERE dep.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
        AND dep.classid = '\(catalog)'::pg_catalog.regclass AND dep.objid = \(oid)
        AND dep.deptype = 'e')
    """
  }

  /// An options array as lines, a newline inside a value read as a space (so a value cannot
  /// pose as another option).
  static func optionLines(_ array: String) -> String {
    """
    (SELECT pg_catalog.string_agg(pg_catalog.replace(o, E'\\n', ' '), E'\\n')
      FROM pg_catalog.unnest(\(array)) o)
    """
  }

  /// Tablespaces: name and options (newline-separated), never the location.
  static let tablespaces = """
    SELECT s.spcname::pg_catalog.text, \(optionLines("s.spcoptions"))
    FROM pg_catalog.pg_tablespace s
    """

  /// One row of ``tablespaces``.
  struct TablespaceRow {
    /// The row's values in select-list order; `nil` is SQL NULL.
    let raw: [String?]

    /// The tablespace.
    var name: String? { raw[0] }
    /// Its options, one per line.
    var options: String? { raw[1] }
  }

  /// Procedural languages: name, trusted, the extension that made it.
  static let languages = """
    SELECT l.lanname::pg_catalog.text, l.lanpltrusted,
      \(extensionOf("pg_catalog.pg_language", "l.oid"))
    FROM pg_catalog.pg_language l WHERE l.lanispl
    """

  /// One row of ``languages``.
  struct LanguageRow {
    /// The row's values in select-list order; `nil` is SQL NULL.
    let raw: [String?]

    /// The language.
    var name: String? { raw[0] }
    /// Whether it is trusted.
    var trusted: Bool { raw[1] == "t" }
    /// The extension that made it, if one did.
    var fromExtension: String? { raw[2] }
  }

  /// Wrappers: name, handler, validator, options (newline-separated), the extension that made
  /// it.
  static let wrappers = """
    SELECT w.fdwname::pg_catalog.text,
      CASE WHEN w.fdwhandler <> 0 THEN w.fdwhandler::pg_catalog.regproc::pg_catalog.text END,
      CASE WHEN w.fdwvalidator <> 0 THEN w.fdwvalidator::pg_catalog.regproc::pg_catalog.text END,
      \(optionLines("w.fdwoptions")),
      \(extensionOf("pg_catalog.pg_foreign_data_wrapper", "w.oid"))
    FROM pg_catalog.pg_foreign_data_wrapper w
    """

  /// One row of ``wrappers``.
  struct WrapperRow {
    /// The row's values in select-list order; `nil` is SQL NULL.
    let raw: [String?]

    /// The wrapper.
    var name: String? { raw[0] }
    /// Its handler.
    var handler: String? { raw[1] }
    /// Its validator.
    var validator: String? { raw[2] }
    /// Its options, one per line.
    var options: String? { raw[3] }
    /// The extension that made it, if one did.
    var fromExtension: String? { raw[4] }
  }

  /// Servers: name, wrapper, type, version, options (newline-separated).
  static let servers = """
    SELECT s.srvname::pg_catalog.text, w.fdwname::pg_catalog.text, s.srvtype, s.srvversion,
      \(optionLines("s.srvoptions"))
    FROM pg_catalog.pg_foreign_server s
    JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = s.srvfdw
    """

  /// One row of ``servers``.
  struct ServerRow {
    /// The row's values in select-list order; `nil` is SQL NULL.
    let raw: [String?]

    /// The server.
    var name: String? { raw[0] }
    /// Its wrapper.
    var wrapper: String? { raw[1] }
    /// Its type.
    var type: String? { raw[2] }
    /// Its version.
    var version: String? { raw[3] }
    /// Its options, one per line.
    var options: String? { raw[4] }
  }

  /// User mappings from `pg_user_mappings` (never `pg_user_mapping`, which only a superuser may
  /// read): server, user (`PUBLIC` for everyone), whether the connecting role may see the
  /// options (the view's own rule), and the options (newline-separated).
  static let userMappings = """
    SELECT m.srvname::pg_catalog.text,
      CASE WHEN m.umuser = 0 THEN 'PUBLIC' ELSE m.usename::pg_catalog.text END,
      (m.umuser <> 0 AND m.usename = CURRENT_USER
          AND (pg_catalog.pg_has_role(s.srvowner, 'USAGE')
            OR pg_catalog.has_server_privilege(s.oid, 'USAGE')))
        OR (m.umuser = 0 AND pg_catalog.pg_has_role(s.srvowner, 'USAGE'))
        OR (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = CURRENT_USER),
      \(optionLines("m.umoptions"))
    FROM pg_catalog.pg_user_mappings m
    JOIN pg_catalog.pg_foreign_server s ON s.oid = m.srvid
    """

  /// One row of ``userMappings``.
  struct UserMappingRow {
    /// The row's values in select-list order; `nil` is SQL NULL.
    let raw: [String?]

    /// The server.
    var server: String? { raw[0] }
    /// The user (`PUBLIC` for everyone).
    var user: String? { raw[1] }
    /// Whether the connecting role may see the options.
    var optionsReadable: Bool { raw[2] == "t" }
    /// The options, one per line.
    var options: String? { raw[3] }
  }

  /// Reads the objects over `connection`.
  static func read(_ connection: Connection) throws -> Objects {
    var owners: [String: String] = [:]
    var grants: [String: [Privilege]] = [:]
    var objects = Objects()
    for row in try connection.query(Self.grants).rows.map(GrantRow.init(raw:)) {
      let kind = row.kind ?? ""
      let name = row.name ?? ""
      let owner = row.owner ?? ""
      owners["\(kind) \(name)"] = owner
      guard let grantee = row.grantee else { continue }
      let privilege = Privilege(
        grantee: grantee, privileges: list(row.privileges, ","),
        grantable: row.grantable.map { list($0, ",") })
      if kind == "database" {
        objects.databasePrivileges.append(privilege)
      } else {
        grants["\(kind) \(name)", default: []].append(privilege)
      }
    }
    objects.databaseOwner = owners.first { $0.key.hasPrefix("database ") }?.value
    objects.databasePrivileges.sort { $0.grantee < $1.grantee }
    func privileges(_ kind: String, _ name: String) -> [Privilege] {
      (grants["\(kind) \(name)"] ?? []).sorted { $0.grantee < $1.grantee }
    }
    objects.tablespaces = try connection.query(Self.tablespaces).rows.map(TablespaceRow.init(raw:))
      .map {
        row in
        let name = row.name ?? ""
        return Tablespace(
          name: name, owner: owners["tablespace \(name)"] ?? "",
          options: list(row.options).sorted(),
          privileges: privileges("tablespace", name))
      }.sorted { $0.name < $1.name }
    objects.languages = try connection.query(Self.languages).rows.map(LanguageRow.init(raw:)).map {
      row in
      let name = row.name ?? ""
      return Language(
        name: name, trusted: row.trusted, owner: owners["language \(name)"] ?? "",
        privileges: privileges("language", name), fromExtension: row.fromExtension)
    }.sorted { $0.name < $1.name }
    objects.wrappers = try connection.query(Self.wrappers).rows.map(WrapperRow.init(raw:)).map {
      row in
      let name = row.name ?? ""
      return ForeignDataWrapper(
        name: name, owner: owners["foreign-data wrapper \(name)"] ?? "", handler: row.handler,
        validator: row.validator, options: redacted(row.options),
        privileges: privileges("foreign-data wrapper", name), fromExtension: row.fromExtension)
    }.sorted { $0.name < $1.name }
    var mappings: [String: [UserMapping]] = [:]
    for row in try connection.query(Self.userMappings).rows.map(UserMappingRow.init(raw:)) {
      let options = row.optionsReadable ? redacted(row.options, userMapping: true) : nil
      mappings[row.server ?? "", default: []].append(
        UserMapping(user: row.user ?? "", options: options))
    }
    objects.servers = try connection.query(Self.servers).rows.map(ServerRow.init(raw:)).map { row in
      let name = row.name ?? ""
      return ForeignServer(
        name: name, wrapper: row.wrapper ?? "", owner: owners["foreign server \(name)"] ?? "",
        type: row.type, version: row.version, options: redacted(row.options),
        privileges: privileges("foreign server", name),
        userMappings: (mappings[name] ?? []).sorted { $0.user < $1.user })
    }.sorted { $0.name < $1.name }
    return objects
  }

  /// Options read as `name=value` lines, each through ``OptionRedaction/stored(_:userMapping:)``,
  /// sorted.
  static func redacted(_ text: String?, userMapping: Bool = false) -> [String] {
    list(text).map { OptionRedaction.stored($0, userMapping: userMapping) }.sorted()
  }

  private static func list(_ text: String?, _ separator: Character = "\n") -> [String] {
    (text ?? "").split(separator: separator).map(String.init)
  }
}
