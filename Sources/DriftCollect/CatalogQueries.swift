import PostgresClient

/// The catalog statements a snapshot runs: one per object kind, whatever the number of schemas.
///
/// Every statement runs with `search_path` empty, so definitions come out fully qualified and
/// alike in every environment, and with `TimeZone` UTC. Objects that belong to an extension are
/// left out (they are recorded as the extension).
enum CatalogQueries {
  /// Keeps user schemas of the namespace aliased `alias`: not the system's, temporary or TOAST.
  static func userSchema(_ alias: String) -> String {
    """
    \(alias).nspname NOT IN ('pg_catalog', 'information_schema')
      AND \(alias).nspname NOT LIKE 'pg\\_toast%' AND \(alias).nspname NOT LIKE 'pg\\_temp\\_%'
    """
  }

  /// Keeps user schemas of the namespace aliased `n`.
  static let userSchema = userSchema("n")

  /// Keeps objects of class `catalog` that no extension owns.
  ///
  /// Extension members depend on their `pg_extension` row, so the search goes through
  /// `pg_depend`'s index on the referenced object instead of reading all of `pg_depend`, which
  /// holds several rows for every table of a 1,000-tenant database.
  static func notFromExtension(_ catalog: String, _ oid: String) -> String {
    """
    NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep
      WHERE dep.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
        AND dep.classid = '\(catalog)'::pg_catalog.regclass AND dep.objid = \(oid)
        AND dep.deptype = 'e')
    """
  }

  /// Keeps rows whose relation `oid` envdrift may deparse now: not one of the relations
  /// ``blockedRelations`` found (listed in the session setting `envdrift.blocked`).
  ///
  /// The server's deparse functions take a share lock on the relation they describe (and
  /// `pg_get_viewdef` on each relation the view reads), so deparsing a table a migration holds
  /// `ACCESS EXCLUSIVE` would wait for the migration, and queue ahead of the next one.
  ///
  /// The list is read by a scalar subquery, which the server evaluates once per statement (an
  /// init plan), not once per row.
  static func deparsable(_ oid: String) -> String {
    """
    \(oid) <> ALL ((SELECT pg_catalog.string_to_array(
      COALESCE(pg_catalog.current_setting('envdrift.blocked', true), ''), ',')::pg_catalog.oid[]
    )::pg_catalog.oid[])
    """
  }

  /// What envdrift must not deparse now.
  ///
  /// Relations of user schemas another session holds, or waits for, in `ACCESS EXCLUSIVE`
  /// mode (a migration's `ALTER TABLE`, `DROP`, `REINDEX`, …), and the views that read one.
  /// Each row: oid, schema, name, kind, and for a view the locked relation it reads (schema,
  /// name).
  static let blockedRelations = """
    WITH locked AS (
      SELECT DISTINCT l.relation AS oid FROM pg_catalog.pg_locks l
      WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'
        AND l.pid <> pg_catalog.pg_backend_pid()
        AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d
                          WHERE d.datname = pg_catalog.current_database())
    ), blocked AS (
      SELECT oid, NULL::pg_catalog.oid AS via FROM locked
      UNION
      SELECT rw.ev_class, pg_catalog.min(d.refobjid) FROM pg_catalog.pg_rewrite rw
      JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
        AND d.objid = rw.oid AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
      WHERE d.refobjid IN (SELECT oid FROM locked) AND rw.ev_class NOT IN (SELECT oid FROM locked)
      GROUP BY rw.ev_class
    )
    SELECT b.oid, n.nspname, c.relname, c.relkind::text, vn.nspname, v.relname
    FROM blocked b
    JOIN pg_catalog.pg_class c ON c.oid = b.oid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_catalog.pg_class v ON v.oid = b.via
    LEFT JOIN pg_catalog.pg_namespace vn ON vn.oid = v.relnamespace
    WHERE \(userSchema)
    ORDER BY 2, 3
    """

  /// One row of ``blockedRelations``.
  struct BlockedRelationRow {
    /// The row's values in select-list order; `nil` is SQL NULL.
    let raw: [String?]

    /// The relation's oid.
    var oid: String? { raw[0] }
    /// Its schema.
    var schema: String? { raw[1] }
    /// The relation.
    var name: String? { raw[2] }
    /// `relkind`.
    var kind: String? { raw[3] }
    /// For a view: the schema of the locked relation it reads.
    var lockedSchema: String? { raw[4] }
    /// For a view: the locked relation it reads.
    var locked: String? { raw[5] }
  }

  /// Keeps functions that are not part of a type: a range type's implicit constructors
  /// (`span(integer, integer)`, its multirange's) depend on the type internally, and are the
  /// type's definition, compared with it, not functions of their own.
  static func notPartOfAType(_ oid: String) -> String {
    """
    NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend it
      WHERE it.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND it.objid = \(oid)
        AND it.refclassid = 'pg_catalog.pg_type'::pg_catalog.regclass AND it.deptype = 'i')
    """
  }

  /// Sets up the snapshot transaction: empty search path, UTC, no parallel workers, no JIT.
  ///
  /// Parallel workers are turned off because the catalog queries spend their time in the
  /// server's deparse functions, where gathering rows from workers costs more than it saves,
  /// and envdrift already reads on two connections at once. JIT compilation is turned off
  /// because the planner's cost estimates for catalog joins at 1,000 tenants cross its
  /// threshold, and compiling took about half a second per statement, more than running it.
  /// `work_mem` is raised for the transaction so that grouping a 1,000-tenant catalog sorts in
  /// memory, not on disk.
  static let session = """
    SELECT pg_catalog.set_config('search_path', '', false),
      pg_catalog.set_config('TimeZone', 'UTC', false),
      pg_catalog.set_config('max_parallel_workers_per_gather', '0', false),
      pg_catalog.set_config('work_mem', '64MB', false),
      pg_catalog.set_config('jit', 'off', false),
      pg_catalog.set_config('default_transaction_read_only', 'on', false),
      pg_catalog.set_config('lock_timeout', $1, false)
    """

  static let schemas = """
    SELECT n.nspname, pg_catalog.pg_get_userbyid(n.nspowner), d.description
    FROM pg_catalog.pg_namespace n
    LEFT JOIN pg_catalog.pg_description d
      ON d.objoid = n.oid AND d.classoid = 'pg_catalog.pg_namespace'::pg_catalog.regclass
    WHERE \(userSchema) AND \(notFromExtension("pg_catalog.pg_namespace", "n.oid"))
    ORDER BY 1
    """

  /// One row of ``schemas``: a user schema.
  struct SchemaRow {
    /// The row as libpq gives it; valid only while `Connection.forEachRow` hands it out.
    let raw: Row

    /// The schema.
    var name: String? { raw[0] }
    /// Its owner.
    var owner: String? { raw[1] }
    /// Its comment.
    var comment: String? { raw[2] }
  }

  /// Each catalog behind a deparsed object, as `count/checksum`: equal before and after a read
  /// only if no DDL committed in between (see ``SnapshotCollector``).
  ///
  /// Temporary objects (other sessions' `CREATE TEMP TABLE`) are left out, and `pg_class` is
  /// summed over the columns DDL changes, not `xmin`, since `TRUNCATE`, `REFRESH MATERIALIZED
  /// VIEW` and `VACUUM FULL` rewrite its rows without changing any definition.
  static let catalogFingerprint: String = {
    // Each catalog whose rows only DDL writes, with what keeps other sessions' temporary
    // objects out of it.
    let versioned = [
      ("pg_attribute", "attrelid NOT IN (SELECT oid FROM temporary)"),
      ("pg_attrdef", "adrelid NOT IN (SELECT oid FROM temporary)"),
      ("pg_index", "indrelid NOT IN (SELECT oid FROM temporary)"),
      ("pg_constraint", "conrelid NOT IN (SELECT oid FROM temporary)"),
      ("pg_namespace", "oid NOT IN (SELECT oid FROM temporary_schemas)"),
      ("pg_rewrite", "ev_class NOT IN (SELECT oid FROM temporary)"),
      ("pg_trigger", "tgrelid NOT IN (SELECT oid FROM temporary)"),
      ("pg_policy", "polrelid NOT IN (SELECT oid FROM temporary)"),
      ("pg_type", "typnamespace NOT IN (SELECT oid FROM temporary_schemas)"),
      ("pg_proc", "pronamespace NOT IN (SELECT oid FROM temporary_schemas)"),
    ].map { catalog, filter in
      "(SELECT count(*) || '/' || sum(xmin::pg_catalog.text::bigint)"
        + " FROM pg_catalog.\(catalog) WHERE \(filter))"
    }
    return """
      WITH temporary AS MATERIALIZED (
        SELECT c.oid FROM pg_catalog.pg_class c WHERE c.relpersistence = 't'
      ), temporary_schemas AS MATERIALIZED (
        SELECT n.oid FROM pg_catalog.pg_namespace n WHERE n.nspname ~ '^pg_(toast_)?temp_'
      )
      SELECT pg_catalog.concat_ws(' ',
        (SELECT count(*) || '/' || sum(pg_catalog.hashtext(pg_catalog.concat_ws('|', c.oid,
           c.relname, c.relnamespace, c.relkind, c.relowner, c.relacl, c.reloptions,
           c.relispartition, c.relrowsecurity, c.relforcerowsecurity)))
         FROM pg_catalog.pg_class c WHERE c.relpersistence <> 't'),
        \(versioned.joined(separator: ",\n  "))
      )
      """
  }()

  /// Rules on tables and views, the views' own `_RETURN` left out: schema, relation, name, the
  /// definition without `CREATE RULE name AS`.
  static let rules = """
    SELECT n.nspname, c.relname, r.rulename::pg_catalog.text,
      pg_catalog.regexp_replace(pg_catalog.pg_get_ruledef(r.oid), '^CREATE RULE .*? AS\\s+', '')
    FROM pg_catalog.pg_rewrite r
    JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE r.rulename <> '_RETURN' AND c.relkind IN ('r', 'p', 'f', 'v', 'm') AND \(userSchema)
      AND \(notFromExtension("pg_catalog.pg_class", "c.oid")) AND \(deparsable("c.oid"))
    """

  /// One row of ``rules``.
  struct RuleRow {
    /// The row as libpq gives it; valid only while `Connection.forEachRow` hands it out.
    let raw: Row

    /// The relation's schema.
    var schema: String? { raw[0] }
    /// The table or view.
    var relation: String? { raw[1] }
    /// The rule.
    var name: String? { raw[2] }
    /// The rule after `AS`.
    var definition: String? { raw[3] }
  }

  /// Extended statistics objects: schema, table, name, `(kinds) ON columns` with the target.
  static let statistics = """
    SELECT n.nspname, c.relname, s.stxname::pg_catalog.text,
      '(' || pg_catalog.array_to_string(ARRAY(
        SELECT CASE k WHEN 'd' THEN 'ndistinct' WHEN 'f' THEN 'dependencies' WHEN 'm' THEN 'mcv'
          ELSE 'expressions' END
        FROM pg_catalog.unnest(s.stxkind) AS k WHERE k <> 'e' OR s.stxkind = '{e}'), ', ')
        || ') ON ' || pg_catalog.pg_get_statisticsobjdef_columns(s.oid)
        || CASE WHEN s.stxstattarget >= 0 THEN ' STATISTICS ' || s.stxstattarget ELSE '' END
    FROM pg_catalog.pg_statistic_ext s
    JOIN pg_catalog.pg_class c ON c.oid = s.stxrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE \(userSchema) AND \(notFromExtension("pg_catalog.pg_statistic_ext", "s.oid"))
      AND \(deparsable("c.oid"))
    """

  /// One row of ``statistics``.
  struct StatisticsRow {
    /// The row as libpq gives it; valid only while `Connection.forEachRow` hands it out.
    let raw: Row

    /// The table's schema.
    var schema: String? { raw[0] }
    /// The table.
    var table: String? { raw[1] }
    /// The statistics object.
    var name: String? { raw[2] }
    /// `(kinds) ON columns`, with the target.
    var definition: String? { raw[3] }
  }

  /// Publications: name, all tables, operations (comma-separated), via root, tables
  /// (`schema.table`, newline-separated), schemas (newline-separated).
  static func publications(serverVersion: Int) -> String {
    let schemas =
      serverVersion >= 150_000
      ? """
      (SELECT pg_catalog.string_agg(n.nspname, E'\\n' ORDER BY n.nspname)
       FROM pg_catalog.pg_publication_namespace pn
       JOIN pg_catalog.pg_namespace n ON n.oid = pn.pnnspid WHERE pn.pnpubid = p.oid)
      """
      : "NULL"
    return """
      SELECT p.pubname::pg_catalog.text, p.puballtables,
        pg_catalog.concat_ws(',', CASE WHEN p.pubinsert THEN 'insert' END,
          CASE WHEN p.pubupdate THEN 'update' END, CASE WHEN p.pubdelete THEN 'delete' END,
          CASE WHEN p.pubtruncate THEN 'truncate' END),
        p.pubviaroot,
        (SELECT pg_catalog.string_agg(n.nspname || '.' || c.relname, E'\\n'
           ORDER BY n.nspname, c.relname)
         FROM pg_catalog.pg_publication_rel pr
         JOIN pg_catalog.pg_class c ON c.oid = pr.prrelid
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE pr.prpubid = p.oid),
        \(schemas)
      FROM pg_catalog.pg_publication p
      """
  }

  /// One row of ``publications(serverVersion:)``.
  struct PublicationRow {
    /// The row's values in select-list order; `nil` is SQL NULL.
    let raw: [String?]

    /// The publication.
    var name: String? { raw[0] }
    /// `FOR ALL TABLES`.
    var allTables: Bool { raw[1] == "t" }
    /// Its operations, comma-separated.
    var operations: String? { raw[2] }
    /// `publish_via_partition_root`.
    var viaRoot: Bool { raw[3] == "t" }
    /// Its tables (`schema.table`), one per line.
    var tables: String? { raw[4] }
    /// Its schemas, one per line.
    var schemas: String? { raw[5] }
  }

  /// This database's subscriptions, without their connection strings (never read: they can
  /// hold a password): name, enabled, publications (newline-separated), slot.
  static let subscriptions = """
    SELECT s.subname::pg_catalog.text, s.subenabled,
      pg_catalog.array_to_string(s.subpublications, E'\\n'), s.subslotname::pg_catalog.text
    FROM pg_catalog.pg_subscription s
    WHERE s.subdbid = (SELECT d.oid FROM pg_catalog.pg_database d
                       WHERE d.datname = pg_catalog.current_database())
    """

  /// One row of ``subscriptions``.
  struct SubscriptionRow {
    /// The row's values in select-list order; `nil` is SQL NULL.
    let raw: [String?]

    /// The subscription.
    var name: String? { raw[0] }
    /// Whether it is enabled.
    var enabled: Bool { raw[1] == "t" }
    /// Its publications, one per line.
    var publications: String? { raw[2] }
    /// Its replication slot.
    var slot: String? { raw[3] }
  }

  /// The extensions the server has packages for.
  static let availableExtensions =
    "SELECT name::pg_catalog.text FROM pg_catalog.pg_available_extensions ORDER BY 1"

  /// Event triggers: name, event, function with its arguments, enabled, tags.
  static let eventTriggers = """
    SELECT e.evtname::pg_catalog.text, e.evtevent::pg_catalog.text,
      e.evtfoid::pg_catalog.regprocedure::pg_catalog.text, e.evtenabled::pg_catalog.text,
      pg_catalog.array_to_string(e.evttags, E'\\n')
    FROM pg_catalog.pg_event_trigger e
    WHERE \(notFromExtension("pg_catalog.pg_event_trigger", "e.oid"))
    """

  /// One row of ``eventTriggers``.
  struct EventTriggerRow {
    /// The row's values in select-list order; `nil` is SQL NULL.
    let raw: [String?]

    /// The event trigger.
    var name: String? { raw[0] }
    /// Its event.
    var event: String? { raw[1] }
    /// Its function.
    var function: String? { raw[2] }
    /// `evtenabled`.
    var enabled: String? { raw[3] }
    /// Its tags, one per line.
    var tags: String? { raw[4] }
  }

  /// Installed extensions, with the version `CREATE EXTENSION` would install on this server
  /// (read from the control files by `pg_available_extensions`), so that environments on
  /// different majors, each at its own default, are told apart from a forgotten update.
  static let extensions = """
    SELECT e.extname, e.extversion, n.nspname, a.default_version
    FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
      LEFT JOIN pg_catalog.pg_available_extensions a ON a.name = e.extname
    ORDER BY 1
    """

  /// One row of ``extensions``.
  struct ExtensionRow {
    /// The row's values in select-list order; `nil` is SQL NULL.
    let raw: [String?]

    /// The extension.
    var name: String? { raw[0] }
    /// Its installed version.
    var version: String? { raw[1] }
    /// Its schema.
    var schema: String? { raw[2] }
    /// The version the server would install now.
    var defaultVersion: String? { raw[3] }
  }

  static let relations = """
    SELECT n.nspname, c.relname, c.relkind::text, c.relpersistence::text,
      pg_catalog.pg_get_userbyid(c.relowner), c.relrowsecurity, c.relforcerowsecurity,
      CASE WHEN c.relkind = 'p' AND \(deparsable("c.oid"))
        THEN pg_catalog.pg_get_partkeydef(c.oid) END,
      CASE WHEN c.relispartition AND \(deparsable("c.oid"))
        THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END,
      d.description,
      CASE WHEN c.relkind IN ('v', 'm') AND \(deparsable("c.oid"))
        THEN pg_catalog.pg_get_viewdef(c.oid) END,
      pg_catalog.array_to_string(c.reloptions, E'\\n'),
      CASE c.relreplident
        WHEN 'f' THEN 'FULL' WHEN 'n' THEN 'NOTHING'
        WHEN 'i' THEN 'USING INDEX ' || (
          SELECT pg_catalog.quote_ident(i.relname) FROM pg_catalog.pg_index x
          JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
          WHERE x.indrelid = c.oid AND x.indisreplident)
      END,
      CASE WHEN c.reltablespace <> 0 THEN (SELECT t.spcname::pg_catalog.text
        FROM pg_catalog.pg_tablespace t WHERE t.oid = c.reltablespace) END,
      fs.srvname::pg_catalog.text, \(DatabaseObjectReader.optionLines("ft.ftoptions"))
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_catalog.pg_foreign_table ft ON ft.ftrelid = c.oid
    LEFT JOIN pg_catalog.pg_foreign_server fs ON fs.oid = ft.ftserver
    LEFT JOIN pg_catalog.pg_description d
      ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
        AND d.objsubid = 0
    WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm') AND \(userSchema)
      AND \(notFromExtension("pg_catalog.pg_class", "c.oid"))
    ORDER BY 1, 2
    """

  /// One row of ``relations``: a table, view or materialized view.
  struct RelationRow {
    /// The row as libpq gives it; valid only while `Connection.forEachRow` hands it out.
    let raw: Row

    /// Its schema.
    var schema: String? { raw[0] }
    /// Its name.
    var name: String? { raw[1] }
    /// `relkind`: `r`, `p`, `f`, `v` or `m`.
    var kind: String? { raw[2] }
    /// `relpersistence`: `u` for unlogged.
    var persistence: String? { raw[3] }
    /// Its owner.
    var owner: String? { raw[4] }
    /// Whether row-level security is on.
    var rowSecurity: Bool { raw[5] == "t" }
    /// Whether it is forced on the owner too.
    var forceRowSecurity: Bool { raw[6] == "t" }
    /// A partitioned table's key.
    var partitionKey: String? { raw[7] }
    /// A partition's bound.
    var partitionBound: String? { raw[8] }
    /// Its comment.
    var comment: String? { raw[9] }
    /// A view's query (`NULL` when locked).
    var viewDefinition: String? { raw[10] }
    /// Storage parameters or view options, one per line.
    var options: String? { raw[11] }
    /// `FULL`, `NOTHING` or `USING INDEX name` when not the default.
    var replicaIdentity: String? { raw[12] }
    /// Its tablespace, when not the database's default.
    var tablespace: String? { raw[13] }
    /// A foreign table's server.
    var foreignServer: String? { raw[14] }
    /// A foreign table's options, one per line.
    var foreignOptions: String? { raw[15] }
  }

  static let inheritance = """
    SELECT n.nspname, c.relname, pn.nspname, pc.relname, c.relispartition
    FROM pg_catalog.pg_inherits i
    JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent
    JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
    WHERE c.relkind IN ('r', 'p', 'f') AND \(userSchema)
    ORDER BY 1, 2, i.inhseqno
    """

  /// One row of ``inheritance``: a table and one parent.
  struct InheritanceRow {
    /// The row as libpq gives it; valid only while `Connection.forEachRow` hands it out.
    let raw: Row

    /// The child's schema.
    var schema: String? { raw[0] }
    /// The child.
    var table: String? { raw[1] }
    /// The parent's schema.
    var parentSchema: String? { raw[2] }
    /// The parent.
    var parent: String? { raw[3] }
    /// Whether the child is a partition (else plain inheritance).
    var isPartition: Bool { raw[4] == "t" }
  }

  /// What each view's query reads: relations and user types, through its rewrite rule.
  static let viewDependencies = """
    SELECT DISTINCT vn.nspname, v.relname, rn.nspname, r.relname
    FROM pg_catalog.pg_rewrite rw
    JOIN pg_catalog.pg_class v ON v.oid = rw.ev_class
    JOIN pg_catalog.pg_namespace vn ON vn.oid = v.relnamespace
    JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
      AND d.objid = rw.oid AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
    JOIN pg_catalog.pg_class r ON r.oid = d.refobjid AND r.oid <> v.oid
    JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace
    WHERE v.relkind IN ('v', 'm') AND \(userSchema("vn"))
    UNION
    SELECT DISTINCT vn.nspname, v.relname, tn.nspname, t.typname
    FROM pg_catalog.pg_rewrite rw
    JOIN pg_catalog.pg_class v ON v.oid = rw.ev_class
    JOIN pg_catalog.pg_namespace vn ON vn.oid = v.relnamespace
    JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
      AND d.objid = rw.oid AND d.refclassid = 'pg_catalog.pg_type'::pg_catalog.regclass
    JOIN pg_catalog.pg_type t ON t.oid = d.refobjid
    JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
    WHERE v.relkind IN ('v', 'm') AND tn.nspname NOT IN ('pg_catalog', 'information_schema')
      AND \(userSchema("vn"))
    """

  /// One row of ``viewDependencies``: a view and what its query reads.
  struct ViewDependencyRow {
    /// The row as libpq gives it; valid only while `Connection.forEachRow` hands it out.
    let raw: Row

    /// The view's schema.
    var schema: String? { raw[0] }
    /// The view.
    var view: String? { raw[1] }
    /// The schema of what it reads.
    var referencedSchema: String? { raw[2] }
    /// The relation or type it reads.
    var referenced: String? { raw[3] }
  }

  /// Reads every column, deparsing each distinct default expression once.
  ///
  /// A default cannot refer to a column, so its text does not depend on the table it sits on:
  /// defaults with the same stored expression tree (`'active'::character varying` on every
  /// tenant's `status`) are deparsed once and joined back. Generated columns, whose expressions
  /// name columns, are deparsed one by one.
  static let columns = """
    WITH defaults AS MATERIALIZED (
      SELECT s.tree, pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) AS expression
      FROM (SELECT ad.adbin::pg_catalog.text AS tree, pg_catalog.min(ad.oid) AS oid
            FROM pg_catalog.pg_attrdef ad WHERE \(deparsable("ad.adrelid")) GROUP BY 1) s
      JOIN pg_catalog.pg_attrdef ad ON ad.oid = s.oid
    )
    SELECT n.nspname, c.relname, a.attname, a.attnum,
      pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,
      CASE WHEN a.attgenerated = '' THEN df.expression END,
      NULLIF(a.attidentity::text, ''),
      CASE WHEN a.attgenerated <> '' THEN pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) END,
      CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0 THEN
        (SELECT pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname)
         FROM pg_catalog.pg_collation co
         JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
         WHERE co.oid = a.attcollation) END,
      d.description,
      NULLIF(pg_catalog.quote_ident(a.attname), a.attname::pg_catalog.text),
      a.attgenerated = 'v',
      CASE WHEN a.attstorage <> t.typstorage THEN
        CASE a.attstorage WHEN 'p' THEN 'PLAIN' WHEN 'm' THEN 'MAIN' WHEN 'e' THEN 'EXTERNAL'
          ELSE 'EXTENDED' END
      END,
      CASE a.attcompression WHEN 'p' THEN 'pglz' WHEN 'l' THEN 'lz4' END,
      CASE WHEN a.attstattarget >= 0 THEN a.attstattarget::pg_catalog.text END,
      CASE WHEN a.attinhcount > 0 THEN
        CASE WHEN a.attislocal THEN 'local and inherited' ELSE 'inherited' END
      END
    FROM pg_catalog.pg_attribute a
    JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
    LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
    LEFT JOIN defaults df ON df.tree = ad.adbin::pg_catalog.text
    LEFT JOIN pg_catalog.pg_description d
      ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
        AND d.objsubid = a.attnum
    WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'f') AND \(userSchema)
      AND \(notFromExtension("pg_catalog.pg_class", "c.oid")) AND \(deparsable("c.oid"))
    """

  /// One row of ``columns``: a column of a table.
  struct ColumnRow {
    /// The row as libpq gives it; valid only while `Connection.forEachRow` hands it out.
    let raw: Row

    /// The table's schema.
    var schema: String? { raw[0] }
    /// The table.
    var table: String? { raw[1] }
    /// The column.
    var name: String? { raw[2] }
    /// Its number (`attnum`).
    var position: Int? { raw[3].flatMap { Int($0) } }
    /// Its type, as `format_type` prints it.
    var type: String? { raw[4] }
    /// Whether it is `NOT NULL`.
    var notNull: Bool { raw[5] == "t" }
    /// Its default, deparsed.
    var defaultValue: String? { raw[6] }
    /// `a` (always) or `d` (by default) for an identity column.
    var identity: String? { raw[7] }
    /// A generated column's expression.
    var generated: String? { raw[8] }
    /// Its collation, when not its type's.
    var collation: String? { raw[9] }
    /// Its comment.
    var comment: String? { raw[10] }
    /// Its name as `quote_ident` writes it, when that differs.
    var quotedName: String? { raw[11] }
    /// Whether a generated column is virtual.
    var isVirtual: Bool { raw[12] == "t" }
    /// Its storage, when not its type's.
    var storage: String? { raw[13] }
    /// Its compression method, when set.
    var compression: String? { raw[14] }
    /// Its statistics target, when set.
    var statisticsTarget: Int? { raw[15].flatMap { Int($0) } }
    /// `inherited` or `local and inherited`, when inherited.
    var inheritance: String? { raw[16] }
  }

  /// Reads every index with its table and its *shape*, deparsing none.
  ///
  /// `pg_get_indexdef` is the costliest call of a snapshot, and under django-tenants the same
  /// index exists once per tenant. Indexes whose definition (once their own name and table are
  /// taken out, as ``Normalize/indexDefinition(_:quotedName:qualifiedTable:)`` does) is fully
  /// determined by the same catalog values share a shape: access method, key columns with
  /// their operator classes, collations and options, storage parameters, table kind, and the
  /// names, types and collations of the key columns. This statement gives the catalog half of
  /// the shape (second to last column) and the key's column numbers (last); ``SnapshotBuilder``
  /// adds the columns' half from the columns it has read, and ``indexDefinitions`` deparses one
  /// index of each shape. Expression and partial indexes, indexes with operator-class options
  /// and those of materialized views (whose columns are not read) are each their own shape. An
  /// index that backs a constraint has no shape and gets no definition at all: the
  /// constraint's stands in (see ``SnapshotBuilder``).
  static func indexes(serverVersion: Int) -> String {
    let nullsNotDistinct = serverVersion >= 150_000 ? "i.indnullsnotdistinct" : "false"
    return """
      WITH with_options AS MATERIALIZED (
        SELECT DISTINCT a.attrelid FROM pg_catalog.pg_attribute a
        WHERE a.attoptions IS NOT NULL
      )
      SELECT n.nspname, c.relname, ic.relname, i.indisunique, i.indisprimary,
        pg_catalog.pg_get_expr(i.indpred, i.indrelid), i.indisvalid, con.conname, d.description,
        CASE
          WHEN con.conname IS NOT NULL THEN NULL
          WHEN i.indexprs IS NULL AND i.indpred IS NULL AND o.attrelid IS NULL
            AND c.relkind <> 'm' THEN
            pg_catalog.concat_ws('|', ic.relam, i.indkey, i.indclass, i.indcollation,
              i.indoption, i.indnatts, i.indnkeyatts, ic.reloptions, c.relkind,
              i.indisunique, \(nullsNotDistinct))
          ELSE i.indexrelid::pg_catalog.text
        END,
        i.indexrelid, i.indkey::pg_catalog.text,
        CASE WHEN ic.reltablespace <> 0 THEN (SELECT t.spcname::pg_catalog.text
          FROM pg_catalog.pg_tablespace t WHERE t.oid = ic.reltablespace) END
      FROM pg_catalog.pg_index i
      JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
      JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN with_options o ON o.attrelid = i.indexrelid
      LEFT JOIN pg_catalog.pg_constraint con
        ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
          AND con.contype IN ('p', 'u', 'x')
      LEFT JOIN pg_catalog.pg_description d
        ON d.objoid = ic.oid AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
      WHERE c.relkind IN ('r', 'p', 'm') AND \(userSchema)
        AND \(notFromExtension("pg_catalog.pg_class", "c.oid"))
        AND \(deparsable("c.oid")) AND \(deparsable("i.indexrelid"))
      """
  }

  /// One row of ``indexes(serverVersion:)``: an index, undeparsed.
  struct IndexRow {
    /// The row as libpq gives it; valid only while `Connection.forEachRow` hands it out.
    let raw: Row

    /// The table's schema.
    var schema: String? { raw[0] }
    /// The table.
    var table: String? { raw[1] }
    /// The index.
    var name: String? { raw[2] }
    /// Whether it is unique.
    var isUnique: Bool { raw[3] == "t" }
    /// Whether it is the primary key's.
    var isPrimary: Bool { raw[4] == "t" }
    /// A partial index's predicate, deparsed.
    var predicate: String? { raw[5] }
    /// Whether it is valid.
    var isValid: Bool { raw[6] == "t" }
    /// The constraint it backs, if any.
    var constraint: String? { raw[7] }
    /// Its comment.
    var comment: String? { raw[8] }
    /// The catalog half of its shape; `NULL` when it backs a constraint.
    var shape: String? { raw[9] }
    /// Its oid.
    var oid: String? { raw[10] }
    /// Its key's column numbers (`1 3`; 0 for an expression).
    var keyColumns: String? { raw[11] }
    /// Its tablespace, when not the database's default.
    var tablespace: String? { raw[12] }
  }

  /// Deparses the indexes whose oids `$1` lists (one of each shape, see ``indexes(serverVersion:)``):
  /// each row the oid, `pg_get_indexdef`, and the quoted name and qualified table that
  /// ``Normalize/indexDefinition(_:quotedName:qualifiedTable:)`` takes out.
  static let indexDefinitions = """
    SELECT i.indexrelid::pg_catalog.text, pg_catalog.pg_get_indexdef(i.indexrelid),
      pg_catalog.quote_ident(ic.relname),
      pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname)
    FROM pg_catalog.pg_index i
    JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE i.indexrelid = ANY ($1::pg_catalog.oid[])
    """

  /// One row of ``indexDefinitions``: a deparsed index.
  struct IndexDefinitionRow {
    /// The row as libpq gives it; valid only while `Connection.forEachRow` hands it out.
    let raw: Row

    /// The index's oid.
    var oid: String? { raw[0] }
    /// `pg_get_indexdef`.
    var definition: String? { raw[1] }
    /// Its name as `quote_ident` writes it.
    var quotedName: String? { raw[2] }
    /// Its table, qualified and quoted.
    var qualifiedTable: String? { raw[3] }
  }

  /// Reads every table constraint, deparsing no check constraint, primary key, unique
  /// constraint or foreign key at all.
  ///
  /// Those come back as column numbers (with the key's index's included columns, or the
  /// referenced table and its action codes), and ``SnapshotBuilder`` writes `PRIMARY KEY (id)`
  /// or `FOREIGN KEY (owner_id) REFERENCES app.owner(id)` from the column names it has already
  /// read, exactly as `pg_get_constraintdef` would. The server still deparses what the builder
  /// cannot know or that newer versions print differently: a key on a table outside the
  /// snapshot (in an extension), temporal keys (`WITHOUT OVERLAPS`, `PERIOD`), `ON DELETE SET
  /// NULL (column)`, and constraints `NOT ENFORCED`.
  ///
  /// A check constraint's definition depends only on its stored expression tree, the names of
  /// the columns it uses and its flags, not on the table's name, so under django-tenants the
  /// same `CHECK ((amount >= (0)::numeric))` is deparsed once for all tenants: each check comes
  /// with a digest of its tree and flags (the catalog half of its shape), its oid and the
  /// numbers of its columns (last three columns), ``SnapshotBuilder`` names the columns, and
  /// ``constraintDefinitions`` deparses one check of each shape. A check on the whole row names
  /// the table and is deparsed here, on its own, as are all other kinds.
  static func constraints(serverVersion: Int) -> String {
    let enforced = serverVersion >= 180_000 ? "con.conenforced" : "true"
    let nullsNotDistinct = serverVersion >= 150_000 ? "i.indnullsnotdistinct" : "false"
    let period = serverVersion >= 180_000 ? "NOT con.conperiod" : "true"
    let setColumns = serverVersion >= 150_000 ? "con.confdelsetcols IS NULL" : "true"
    return """
      WITH found AS MATERIALIZED (
        SELECT n.nspname, c.relname, con.oid, con.conname, con.contype, con.condeferrable,
          con.condeferred, con.convalidated,
          COALESCE(\(period) AND \(enforced) AND (
            con.contype IN ('p', 'u') AND i.indexrelid IS NOT NULL
            OR con.contype = 'f' AND \(setColumns) AND \(userSchema("rn"))
              AND rc.relkind IN ('r', 'p')
              AND \(notFromExtension("pg_catalog.pg_class", "rc.oid"))), false) AS from_keys,
          con.conkey, i.indkey, i.indnkeyatts, \(nullsNotDistinct) AS nulls_not_distinct,
          rn.nspname AS referenced_schema, rc.relname AS referenced_table, con.confkey,
          con.confmatchtype, con.confupdtype, con.confdeltype,
          CASE WHEN con.contype = 'c' AND NOT 0 = ANY (con.conkey) THEN
            pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(
              pg_catalog.concat_ws('|', con.conbin, con.connoinherit, con.convalidated,
                con.condeferrable, con.condeferred, \(enforced)), 'UTF8')), 'hex')
          END AS shape
        FROM pg_catalog.pg_constraint con
        JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_catalog.pg_index i
          ON i.indexrelid = con.conindid AND con.contype IN ('p', 'u')
        LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid AND con.contype = 'f'
        LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
        WHERE c.relkind IN ('r', 'p', 'f') AND \(userSchema)
          AND \(notFromExtension("pg_catalog.pg_class", "c.oid")) AND \(deparsable("c.oid"))
      )
      SELECT f.nspname, f.relname, f.conname, f.contype::text,
        CASE WHEN NOT f.from_keys AND f.shape IS NULL THEN
          pg_catalog.pg_get_constraintdef(f.oid) END,
        f.condeferrable, f.condeferred, f.convalidated,
        CASE WHEN f.from_keys THEN f.conkey::pg_catalog.text END,
        CASE WHEN f.from_keys THEN f.indkey::pg_catalog.text END,
        f.indnkeyatts, f.nulls_not_distinct,
        CASE WHEN f.from_keys THEN f.referenced_schema END,
        CASE WHEN f.from_keys THEN f.referenced_table END,
        CASE WHEN f.from_keys THEN f.confkey::pg_catalog.text END,
        f.confmatchtype::pg_catalog.text, f.confupdtype::pg_catalog.text,
        f.confdeltype::pg_catalog.text,
        CASE WHEN f.from_keys THEN
          pg_catalog.quote_ident(f.referenced_schema) || '.'
            || pg_catalog.quote_ident(f.referenced_table) END,
        f.shape, f.oid::pg_catalog.text, f.conkey::pg_catalog.text
      FROM found f
      """
  }

  /// One row of ``constraints(serverVersion:)``: a table constraint.
  struct ConstraintRow {
    /// The row as libpq gives it; valid only while `Connection.forEachRow` hands it out.
    let raw: Row

    /// The table's schema.
    var schema: String? { raw[0] }
    /// The table.
    var table: String? { raw[1] }
    /// The constraint.
    var name: String? { raw[2] }
    /// `contype`.
    var kind: String? { raw[3] }
    /// Deparsed by the server, when neither built from keys nor shaped.
    var definition: String? { raw[4] }
    /// Whether it is deferrable.
    var deferrable: Bool { raw[5] == "t" }
    /// Whether it is initially deferred.
    var deferred: Bool { raw[6] == "t" }
    /// Whether it is validated.
    var validated: Bool { raw[7] == "t" }
    /// For a key built here: its column numbers.
    var keys: String? { raw[8] }
    /// A key's index's column numbers, included columns last.
    var indexColumns: String? { raw[9] }
    /// How many of those are key columns.
    var keyCount: Int? { raw[10].flatMap { Int($0) } }
    /// Whether a unique key treats nulls as equal.
    var nullsNotDistinct: Bool { raw[11] == "t" }
    /// A foreign key's referenced schema.
    var referencedSchema: String? { raw[12] }
    /// Its referenced table.
    var referencedTable: String? { raw[13] }
    /// Its referenced column numbers.
    var referencedKeys: String? { raw[14] }
    /// Its match type.
    var match: String? { raw[15] }
    /// Its update action.
    var onUpdate: String? { raw[16] }
    /// Its delete action.
    var onDelete: String? { raw[17] }
    /// Its referenced table, qualified and quoted.
    var quotedReference: String? { raw[18] }
    /// A check's digest of tree and flags (the catalog half of its shape).
    var shape: String? { raw[19] }
    /// Its oid.
    var oid: String? { raw[20] }
    /// A check's column numbers.
    var columnNumbers: String? { raw[21] }
  }

  /// Deparses the constraints whose oids `$1` lists (one check of each shape, see
  /// ``constraints(serverVersion:)``): each row the oid and `pg_get_constraintdef`.
  static let constraintDefinitions = """
    SELECT con.oid::pg_catalog.text, pg_catalog.pg_get_constraintdef(con.oid)
    FROM pg_catalog.pg_constraint con
    WHERE con.oid = ANY ($1::pg_catalog.oid[])
    """

  /// One row of ``constraintDefinitions``: a deparsed constraint.
  struct ConstraintDefinitionRow {
    /// The row as libpq gives it; valid only while `Connection.forEachRow` hands it out.
    let raw: Row

    /// The constraint's oid.
    var oid: String? { raw[0] }
    /// `pg_get_constraintdef`.
    var definition: String? { raw[1] }
  }

  static let triggers = """
    SELECT n.nspname, c.relname, t.tgname, pg_catalog.pg_get_triggerdef(t.oid), t.tgenabled::text
    FROM pg_catalog.pg_trigger t
    JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE NOT t.tgisinternal AND \(userSchema)
      AND \(notFromExtension("pg_catalog.pg_class", "c.oid")) AND \(deparsable("c.oid"))
    """

  /// One row of ``triggers``.
  struct TriggerRow {
    /// The row as libpq gives it; valid only while `Connection.forEachRow` hands it out.
    let raw: Row

    /// The table's schema.
    var schema: String? { raw[0] }
    /// The table or view.
    var table: String? { raw[1] }
    /// The trigger.
    var name: String? { raw[2] }
    /// `pg_get_triggerdef`.
    var definition: String? { raw[3] }
    /// `tgenabled`.
    var enabled: String? { raw[4] }
  }

  static let policies = """
    SELECT n.nspname, c.relname, p.polname, p.polcmd::text, p.polpermissive,
      (SELECT pg_catalog.string_agg(
          CASE WHEN r = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(r) END, ',' ORDER BY 1)
       FROM pg_catalog.unnest(p.polroles) AS r),
      pg_catalog.pg_get_expr(p.polqual, p.polrelid),
      pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid)
    FROM pg_catalog.pg_policy p
    JOIN pg_catalog.pg_class c ON c.oid = p.polrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE \(userSchema) AND \(deparsable("c.oid"))
    """

  /// One row of ``policies``.
  struct PolicyRow {
    /// The row as libpq gives it; valid only while `Connection.forEachRow` hands it out.
    let raw: Row

    /// The table's schema.
    var schema: String? { raw[0] }
    /// The table.
    var table: String? { raw[1] }
    /// The policy.
    var name: String? { raw[2] }
    /// `polcmd`.
    var command: String? { raw[3] }
    /// Whether it is permissive.
    var permissive: Bool { raw[4] == "t" }
    /// Its roles, comma-separated.
    var roles: String? { raw[5] }
    /// Its `USING` expression.
    var using: String? { raw[6] }
    /// Its `WITH CHECK` expression.
    var withCheck: String? { raw[7] }
  }

  /// Every grant on every relation, function, type, schema and column, effective (a NULL ACL
  /// made explicit with `acldefault`, as PostgreSQL applies it), one row per object and
  /// grantee.
  ///
  /// Tenant tables almost all carry the same ACL (or none, which means the owner's default),
  /// so the ACLs are expanded by `aclexplode` once each and joined back to their objects. They
  /// are matched as text, because `aclitem` can be hashed but not sorted, which grouping needs.
  /// Rows of `kind, schema, name, detail, grantee, privileges, grantable`: `kind` is the
  /// relation's `relkind`, or `n` a schema, `F` a function (`detail` its identity arguments),
  /// `T` a type, `c` a column with grants of its own (`name` its table, `detail` the column).
  static let privileges = """
    WITH objects AS MATERIALIZED (
      SELECT c.relkind::pg_catalog.text AS kind, n.nspname::pg_catalog.text AS schema,
        c.relname::pg_catalog.text AS name, NULL::pg_catalog.text AS detail,
        COALESCE(c.relacl, pg_catalog.acldefault(
          CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner))::pg_catalog.text
          AS acl
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S') AND \(userSchema)
        AND \(notFromExtension("pg_catalog.pg_class", "c.oid"))
      UNION ALL
      SELECT 'n', n.nspname, n.nspname, NULL,
        COALESCE(n.nspacl, pg_catalog.acldefault('n', n.nspowner))::pg_catalog.text
      FROM pg_catalog.pg_namespace n
      WHERE \(userSchema) AND \(notFromExtension("pg_catalog.pg_namespace", "n.oid"))
      UNION ALL
      SELECT 'F', n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid),
        COALESCE(p.proacl, pg_catalog.acldefault('f', p.proowner))::pg_catalog.text
      FROM pg_catalog.pg_proc p
      JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
      WHERE \(userSchema) AND \(notFromExtension("pg_catalog.pg_proc", "p.oid"))
        AND \(notPartOfAType("p.oid"))
      UNION ALL
      SELECT 'T', n.nspname, t.typname, NULL,
        COALESCE(t.typacl, pg_catalog.acldefault('T', t.typowner))::pg_catalog.text
      FROM pg_catalog.pg_type t
      JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
      LEFT JOIN pg_catalog.pg_class tc ON tc.oid = t.typrelid
      WHERE t.typtype IN ('e', 'd', 'c', 'r') AND (t.typtype <> 'c' OR tc.relkind = 'c')
        AND \(userSchema) AND \(notFromExtension("pg_catalog.pg_type", "t.oid"))
      UNION ALL
      SELECT 'c', n.nspname, c.relname, a.attname, a.attacl::pg_catalog.text
      FROM pg_catalog.pg_attribute a
      JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped
        AND c.relkind IN ('r', 'p', 'f') AND \(userSchema)
        AND \(notFromExtension("pg_catalog.pg_class", "c.oid"))
    ), grants AS MATERIALIZED (
      SELECT d.acl,
        CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(a.grantee) END
          AS grantee,
        pg_catalog.string_agg(a.privilege_type, ',' ORDER BY a.privilege_type) AS privileges,
        pg_catalog.string_agg(a.privilege_type, ',' ORDER BY a.privilege_type)
          FILTER (WHERE a.is_grantable) AS grantable
      FROM (SELECT DISTINCT acl FROM objects) d
      CROSS JOIN LATERAL pg_catalog.aclexplode(d.acl::pg_catalog.aclitem[]) AS a
      GROUP BY 1, 2
    )
    SELECT o.kind, o.schema, o.name, o.detail, g.grantee, g.privileges, g.grantable
    FROM objects o JOIN grants g ON g.acl = o.acl
    """

  /// One row of ``privileges``: a grantee's grants on one object.
  struct PrivilegeRow {
    /// The row as libpq gives it; valid only while `Connection.forEachRow` hands it out.
    let raw: Row

    /// `relkind`, or `n` a schema, `F` a function, `T` a type, `c` a column.
    var kind: String? { raw[0] }
    /// The object's schema.
    var schema: String? { raw[1] }
    /// The object (a column's table).
    var name: String? { raw[2] }
    /// A function's identity arguments, or the column.
    var detail: String? { raw[3] }
    /// The grantee.
    var grantee: String? { raw[4] }
    /// Its privileges, comma-separated.
    var privileges: String? { raw[5] }
    /// Those it may grant on.
    var grantable: String? { raw[6] }
  }

  /// `ALTER DEFAULT PRIVILEGES` entries, in user schemas or for every schema, one row per
  /// grantee: role, schema (NULL for every schema), object type letter, grantee, privileges
  /// granted, those with grant option, privileges revoked.
  ///
  /// An entry for every schema replaces the built-in defaults (`acldefault`), so it is read as
  /// its difference from them: granted beyond them, and revoked from them (see
  /// ``DefaultPrivilege``).
  static let defaultPrivileges = """
    WITH entries AS (
      SELECT d.defaclrole, d.defaclnamespace, d.defaclobjtype, d.defaclacl,
        CASE WHEN d.defaclnamespace = 0 THEN pg_catalog.acldefault(
          CASE d.defaclobjtype WHEN 'S' THEN 's' ELSE d.defaclobjtype END::"char", d.defaclrole)
        END AS builtin
      FROM pg_catalog.pg_default_acl d
    ), changes AS (
      SELECT e.defaclrole, e.defaclnamespace, e.defaclobjtype, a.grantee, a.privilege_type,
        a.is_grantable, false AS revoked
      FROM entries e CROSS JOIN LATERAL pg_catalog.aclexplode(e.defaclacl) AS a
      WHERE (a.grantee, a.privilege_type, a.is_grantable) NOT IN (
        SELECT b.grantee, b.privilege_type, b.is_grantable
        FROM pg_catalog.aclexplode(e.builtin) AS b)
      UNION ALL
      SELECT e.defaclrole, e.defaclnamespace, e.defaclobjtype, b.grantee, b.privilege_type,
        false, true
      FROM entries e CROSS JOIN LATERAL pg_catalog.aclexplode(e.builtin) AS b
      WHERE (b.grantee, b.privilege_type) NOT IN (
        SELECT a.grantee, a.privilege_type FROM pg_catalog.aclexplode(e.defaclacl) AS a)
    )
    SELECT pg_catalog.pg_get_userbyid(c.defaclrole)::pg_catalog.text, n.nspname::pg_catalog.text,
      c.defaclobjtype::pg_catalog.text,
      CASE WHEN c.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(c.grantee) END,
      pg_catalog.string_agg(c.privilege_type, ',' ORDER BY c.privilege_type)
        FILTER (WHERE NOT c.revoked),
      pg_catalog.string_agg(c.privilege_type, ',' ORDER BY c.privilege_type)
        FILTER (WHERE NOT c.revoked AND c.is_grantable),
      pg_catalog.string_agg(c.privilege_type, ',' ORDER BY c.privilege_type)
        FILTER (WHERE c.revoked)
    FROM changes c
    LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.defaclnamespace
    WHERE c.defaclnamespace = 0 OR \(userSchema)
    GROUP BY 1, 2, 3, 4
    """

  /// One row of ``defaultPrivileges``.
  struct DefaultPrivilegeRow {
    /// The row as libpq gives it; valid only while `Connection.forEachRow` hands it out.
    let raw: Row

    /// The role whose objects get them.
    var role: String? { raw[0] }
    /// The schema (`NULL`: every schema).
    var schema: String? { raw[1] }
    /// The object type letter.
    var objects: String? { raw[2] }
    /// The grantee.
    var grantee: String? { raw[3] }
    /// Privileges granted, comma-separated.
    var granted: String? { raw[4] }
    /// Those with grant option.
    var grantable: String? { raw[5] }
    /// Built-in privileges revoked.
    var revoked: String? { raw[6] }
  }

  static let sequences = """
    SELECT n.nspname, c.relname, pg_catalog.format_type(s.seqtypid, NULL), s.seqstart::text,
      s.seqincrement::text, s.seqmin::text, s.seqmax::text, s.seqcache::text, s.seqcycle,
      (SELECT tc.relname || '.' || ta.attname
       FROM pg_catalog.pg_depend dep
       JOIN pg_catalog.pg_class tc ON tc.oid = dep.refobjid
       JOIN pg_catalog.pg_attribute ta ON ta.attrelid = dep.refobjid AND ta.attnum = dep.refobjsubid
       WHERE dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND dep.objid = c.oid
         AND dep.deptype IN ('a', 'i') AND dep.refobjsubid > 0
       LIMIT 1),
      pg_catalog.pg_get_userbyid(c.relowner)
    FROM pg_catalog.pg_sequence s
    JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE \(userSchema) AND \(notFromExtension("pg_catalog.pg_class", "c.oid"))
    """

  /// One row of ``sequences``.
  struct SequenceRow {
    /// The row as libpq gives it; valid only while `Connection.forEachRow` hands it out.
    let raw: Row

    /// Its schema.
    var schema: String? { raw[0] }
    /// The sequence.
    var name: String? { raw[1] }
    /// Its type.
    var dataType: String? { raw[2] }
    /// Its start.
    var start: String? { raw[3] }
    /// Its increment.
    var increment: String? { raw[4] }
    /// Its minimum.
    var minimum: String? { raw[5] }
    /// Its maximum.
    var maximum: String? { raw[6] }
    /// Its cache.
    var cache: String? { raw[7] }
    /// Whether it cycles.
    var cycle: Bool { raw[8] == "t" }
    /// The column that owns it (`table.column`).
    var ownedBy: String? { raw[9] }
    /// Its owner.
    var owner: String? { raw[10] }
  }

  static let types = """
    SELECT n.nspname, t.typname, t.typtype::text,
      CASE t.typtype
        WHEN 'e' THEN (SELECT pg_catalog.string_agg(pg_catalog.quote_literal(e.enumlabel), ', '
                         ORDER BY e.enumsortorder)
                       FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid)
        WHEN 'd' THEN pg_catalog.format_type(t.typbasetype, t.typtypmod)
          || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END
          || COALESCE(' DEFAULT ' || t.typdefault, '')
          || COALESCE((SELECT ' ' || pg_catalog.string_agg(
                         pg_catalog.pg_get_constraintdef(dc.oid), ' ' ORDER BY dc.conname)
                       FROM pg_catalog.pg_constraint dc WHERE dc.contypid = t.oid), '')
        WHEN 'c' THEN (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(ca.attname) || ' '
                         || pg_catalog.format_type(ca.atttypid, ca.atttypmod), ', '
                         ORDER BY ca.attnum)
                       FROM pg_catalog.pg_attribute ca
                       WHERE ca.attrelid = t.typrelid AND ca.attnum > 0 AND NOT ca.attisdropped)
        WHEN 'r' THEN (
          SELECT 'subtype ' || pg_catalog.format_type(r.rngsubtype, NULL)
            || CASE WHEN r.rngsubdiff <> 0
              THEN ', subtype_diff ' || r.rngsubdiff::pg_catalog.regproc ELSE '' END
            || CASE WHEN r.rngcanonical <> 0
              THEN ', canonical ' || r.rngcanonical::pg_catalog.regproc ELSE '' END
          FROM pg_catalog.pg_range r WHERE r.rngtypid = t.oid)
      END,
      pg_catalog.pg_get_userbyid(t.typowner), d.description
    FROM pg_catalog.pg_type t
    JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
    LEFT JOIN pg_catalog.pg_class tc ON tc.oid = t.typrelid
    LEFT JOIN pg_catalog.pg_description d
      ON d.objoid = t.oid AND d.classoid = 'pg_catalog.pg_type'::pg_catalog.regclass
    WHERE t.typtype IN ('e', 'd', 'c', 'r') AND (t.typtype <> 'c' OR tc.relkind = 'c')
      AND \(userSchema) AND \(notFromExtension("pg_catalog.pg_type", "t.oid"))
    """

  /// One row of ``types``.
  struct TypeRow {
    /// The row as libpq gives it; valid only while `Connection.forEachRow` hands it out.
    let raw: Row

    /// Its schema.
    var schema: String? { raw[0] }
    /// The type.
    var name: String? { raw[1] }
    /// `typtype`.
    var kind: String? { raw[2] }
    /// Its definition.
    var definition: String? { raw[3] }
    /// Its owner.
    var owner: String? { raw[4] }
    /// Its comment.
    var comment: String? { raw[5] }
  }

  static let functions = """
    SELECT n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid),
      p.prokind::text, COALESCE(pg_catalog.pg_get_function_result(p.oid), ''), l.lanname,
      pg_catalog.md5(CASE WHEN p.prokind = 'a' THEN (
          SELECT pg_catalog.concat_ws('|', p.proname,
            pg_catalog.pg_get_function_arguments(p.oid), pg_catalog.pg_get_function_result(p.oid),
            a.aggkind, a.aggnumdirectargs, a.aggtransfn::pg_catalog.regprocedure,
            a.aggfinalfn::pg_catalog.regprocedure, a.aggcombinefn::pg_catalog.regprocedure,
            a.aggserialfn::pg_catalog.regprocedure, a.aggdeserialfn::pg_catalog.regprocedure,
            a.aggmtransfn::pg_catalog.regprocedure, a.aggminvtransfn::pg_catalog.regprocedure,
            a.aggmfinalfn::pg_catalog.regprocedure, a.aggfinalextra, a.aggmfinalextra,
            a.aggfinalmodify, a.aggmfinalmodify, a.aggsortop::pg_catalog.regoperator,
            pg_catalog.format_type(a.aggtranstype, NULL), a.aggtransspace,
            pg_catalog.format_type(a.aggmtranstype, NULL), a.aggmtransspace, a.agginitval,
            a.aggminitval)
          FROM pg_catalog.pg_aggregate a WHERE a.aggfnoid = p.oid)
        ELSE pg_catalog.pg_get_functiondef(p.oid) END),
      pg_catalog.pg_get_userbyid(p.proowner), d.description
    FROM pg_catalog.pg_proc p
    JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
    JOIN pg_catalog.pg_language l ON l.oid = p.prolang
    LEFT JOIN pg_catalog.pg_description d
      ON d.objoid = p.oid AND d.classoid = 'pg_catalog.pg_proc'::pg_catalog.regclass
    WHERE \(userSchema) AND \(notFromExtension("pg_catalog.pg_proc", "p.oid"))
      AND \(notPartOfAType("p.oid"))
    """

  /// One row of ``functions``.
  struct FunctionRow {
    /// The row as libpq gives it; valid only while `Connection.forEachRow` hands it out.
    let raw: Row

    /// Its schema.
    var schema: String? { raw[0] }
    /// The function.
    var name: String? { raw[1] }
    /// Its identity arguments.
    var arguments: String? { raw[2] }
    /// `prokind`.
    var kind: String? { raw[3] }
    /// Its result type.
    var result: String? { raw[4] }
    /// Its language.
    var language: String? { raw[5] }
    /// A digest of its definition.
    var definitionHash: String? { raw[6] }
    /// Its owner.
    var owner: String? { raw[7] }
    /// Its comment.
    var comment: String? { raw[8] }
  }

  static let collations = """
    SELECT n.nspname, c.collname, c.collprovider::text,
      COALESCE(c.collcollate, pg_catalog.to_jsonb(c) ->> 'colliculocale',
        pg_catalog.to_jsonb(c) ->> 'colllocale', ''),
      COALESCE(c.collctype, ''), c.collisdeterministic
    FROM pg_catalog.pg_collation c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.collnamespace
    WHERE \(userSchema) AND \(notFromExtension("pg_catalog.pg_collation", "c.oid"))
    """

  /// One row of ``collations``.
  struct CollationRow {
    /// The row as libpq gives it; valid only while `Connection.forEachRow` hands it out.
    let raw: Row

    /// Its schema.
    var schema: String? { raw[0] }
    /// The collation.
    var name: String? { raw[1] }
    /// `collprovider`.
    var provider: String? { raw[2] }
    /// Its `LC_COLLATE`.
    var collate: String? { raw[3] }
    /// Its `LC_CTYPE`.
    var ctype: String? { raw[4] }
    /// `f` when not deterministic.
    var deterministic: String? { raw[5] }
  }

  /// Finds migration-history tables (and Rails' `ar_internal_metadata` beside them) and whether
  /// this role may read them.
  static let migrationTables = """
    SELECT n.nspname, c.relname,
      pg_catalog.has_schema_privilege(n.oid, 'USAGE') AND
        pg_catalog.has_table_privilege(c.oid, 'SELECT'),
      c.relname <> 'django_migrations' OR (
        SELECT pg_catalog.count(*) FROM pg_catalog.pg_attribute a
        WHERE a.attrelid = c.oid AND NOT a.attisdropped
          AND (a.attname IN ('app', 'name') OR (a.attname = 'applied' AND a.atttypid IN
            ('pg_catalog.timestamptz'::pg_catalog.regtype,
             'pg_catalog.timestamp'::pg_catalog.regtype, 'pg_catalog.date'::pg_catalog.regtype)))
      ) = 3
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'f')
      AND c.relname IN ('django_migrations', 'flyway_schema_history', 'alembic_version',
        'schema_migrations', 'ar_internal_metadata')
      AND \(userSchema)
    ORDER BY 1, 2
    """

  /// One row of ``migrationTables``: a table that may hold migration history.
  struct MigrationTableRow {
    /// The row's values in select-list order; `nil` is SQL NULL.
    let raw: [String?]

    /// Its schema.
    var schema: String? { raw[0] }
    /// The table.
    var name: String? { raw[1] }
    /// Whether the connecting role may read it.
    var readable: Bool { raw[2] == "t" }
    /// Whether it has the columns its framework writes (`django_migrations`: app, name, applied).
    var hasExpectedColumns: Bool { raw[3] == "t" }
  }

  /// Finds django-tenants registry candidates: `public` tables with a `schema_name` column.
  ///
  /// The privilege checks run on the few candidates only (`OFFSET 0` keeps the planner from
  /// pushing them down to every table of every tenant, 50 ms at 1,000 tenants).
  static let tenantRegistries = """
    SELECT candidate.relname FROM (
      SELECT c.oid, c.relname, a.attnum
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = 'schema_name'
        AND NOT a.attisdropped
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
      OFFSET 0
    ) candidate
    WHERE pg_catalog.has_table_privilege(candidate.oid, 'SELECT')
      AND pg_catalog.has_column_privilege(candidate.oid, candidate.attnum, 'SELECT')
    ORDER BY (candidate.relname LIKE '%client' OR candidate.relname LIKE '%tenant') DESC, 1
    """
}
