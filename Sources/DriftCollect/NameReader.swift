import DriftModel
import Foundation
import PostgresClient

/// The one catalog statement of a names-only snapshot: every relation, column, index and
/// constraint by name, and nothing the server must deparse.
///
/// What `envdrift verify` needs to check migrations against a schema (which tables, columns,
/// indexes and constraints exist) is all in the catalogs' name columns, so this read costs a
/// fraction of a full snapshot and takes no lock on any user table. The user relations are
/// chosen once (schema and extension filters), and their columns, indexes and constraints
/// joined to them, in one statement and one round trip.
enum NameQueries {
  /// With `$1` a text array, only the relations, functions and types it names (and the relations
  /// holding an index or constraint it names) are read; with `$1` NULL, everything.
  ///
  /// With `$2` a text array, only relations of those schemas are read, their indexes (but those
  /// backing a constraint, as in a full snapshot) and constraints with their definitions, for
  /// renames found by equal definitions; with `$3` a text array too, tables whose column names,
  /// sorted and joined by commas, are one of its elements are read as well (a renamed table
  /// keeps its columns).
  ///
  /// Rows of `schema, relation, what, name, detail`: `what` is `r` for the relation itself
  /// (`name` its kind, `detail` a partition's parent), `c` a column, `i` an index and `k` a
  /// constraint (`detail` its definition, when asked for).
  static let names = """
    WITH rels AS MATERIALIZED (
      SELECT c.oid, n.nspname, c.relname, c.relkind, c.relispartition
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S') AND \(CatalogQueries.userSchema)
        AND \(CatalogQueries.notFromExtension("pg_catalog.pg_class", "c.oid"))
        AND ($2::pg_catalog.text[] IS NULL OR n.nspname = ANY ($2::pg_catalog.text[]))
        AND ($1::pg_catalog.text[] IS NULL OR c.relname = ANY ($1::pg_catalog.text[])
          OR c.oid IN (SELECT x.indrelid FROM pg_catalog.pg_index x
                       JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
                       WHERE i.relname = ANY ($1::pg_catalog.text[]))
          OR c.oid IN (SELECT k.conrelid FROM pg_catalog.pg_constraint k
                       WHERE k.conname = ANY ($1::pg_catalog.text[]))
          OR $3::pg_catalog.text[] IS NOT NULL AND c.relkind IN ('r', 'p')
            AND (SELECT pg_catalog.string_agg(a.attname, ',' ORDER BY a.attname)
                 FROM pg_catalog.pg_attribute a
                 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped)
              = ANY ($3::pg_catalog.text[]))
    )
    SELECT r.nspname, r.relname, 'r', r.relkind::text,
      CASE WHEN r.relispartition THEN (
        SELECT pn.nspname || '.' || pc.relname FROM pg_catalog.pg_inherits i
        JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent
        JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
        WHERE i.inhrelid = r.oid) END
    FROM rels r
    UNION ALL
    SELECT r.nspname, r.relname, 'c', a.attname::text, NULL
    FROM rels r JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid
    WHERE r.relkind IN ('r', 'p', 'f') AND a.attnum > 0 AND NOT a.attisdropped
    UNION ALL
    SELECT r.nspname, r.relname, 'i', i.relname::text,
      CASE WHEN r.nspname = ANY ($2::pg_catalog.text[]) AND NOT EXISTS (
          SELECT FROM pg_catalog.pg_constraint k
          WHERE k.conindid = x.indexrelid AND k.conrelid = r.oid AND k.contype IN ('p', 'u', 'x'))
        THEN pg_catalog.pg_get_indexdef(x.indexrelid) END
    FROM rels r
    JOIN pg_catalog.pg_index x ON x.indrelid = r.oid
    JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
    WHERE r.relkind IN ('r', 'p', 'm')
    UNION ALL
    SELECT r.nspname, r.relname, 'k', con.conname::text,
      CASE WHEN r.nspname = ANY ($2::pg_catalog.text[])
        THEN pg_catalog.pg_get_constraintdef(con.oid) END
    FROM rels r JOIN pg_catalog.pg_constraint con ON con.conrelid = r.oid
    WHERE r.relkind IN ('r', 'p', 'f')
    UNION ALL
    SELECT n.nspname, NULL, 'f', p.proname::text, NULL
    FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
    WHERE \(CatalogQueries.userSchema)
      AND ($1::pg_catalog.text[] IS NULL OR p.proname = ANY ($1::pg_catalog.text[]))
      AND \(CatalogQueries.notFromExtension("pg_catalog.pg_proc", "p.oid"))
      AND \(CatalogQueries.notPartOfAType("p.oid"))
    UNION ALL
    SELECT n.nspname, NULL, 't', t.typname::text, NULL
    FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
    WHERE \(CatalogQueries.userSchema)
      AND ($1::pg_catalog.text[] IS NULL OR t.typname = ANY ($1::pg_catalog.text[]))
      AND (t.typtype IN ('d', 'e', 'r', 'm')
        OR t.typtype = 'c' AND (SELECT c.relkind FROM pg_catalog.pg_class c
                                WHERE c.oid = t.typrelid) = 'c')
      AND \(CatalogQueries.notFromExtension("pg_catalog.pg_type", "t.oid"))
    """

  /// One row of ``names``: a name and what it belongs to.
  struct NameRow {
    /// The row as libpq gives it; valid only while `Connection.forEachRow` hands it out.
    let raw: Row

    /// The schema.
    var schema: String? { raw[0] }
    /// The relation it belongs to (a relation's own name for its row).
    var relation: String? { raw[1] }
    /// `r` a relation (its kind in `name`), `c` a column, `i` an index, `f` a function, `t` a
    /// type, else a constraint.
    var kind: String? { raw[2] }
    /// The name (for a relation's row: its `relkind`).
    var name: String? { raw[3] }
    /// A partition's parent, an index's `pg_get_indexdef` or a constraint's definition, when
    /// asked for.
    var detail: String? { raw[4] }
  }

  /// Owner and effective grants of the relations, columns with grants of their own, schemas,
  /// functions and types named in `$1`, and of the current database whatever its name (a
  /// privilege error names the database it failed in; another environment's has another
  /// name): one row per grantee and
  /// privilege (a row without either when nothing is granted).
  ///
  /// Rows of `schema, table, name, kind, owner, grantee, privilege`; `table` is a column's or
  /// an index's table. A NULL ACL means the
  /// owner's implicit rights and PUBLIC's defaults; `acldefault` makes them explicit, as the
  /// full snapshot does.
  static let access = """
    WITH objects AS (
      SELECT n.nspname::text AS schema,
        (SELECT t.relname::text FROM pg_catalog.pg_index x
         JOIN pg_catalog.pg_class t ON t.oid = x.indrelid WHERE x.indexrelid = c.oid) AS tab,
        c.relname::text AS name,
        CASE c.relkind WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view'
          WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table'
          WHEN 'i' THEN 'index' WHEN 'I' THEN 'index' ELSE 'table' END AS kind,
        c.relowner AS owner,
        COALESCE(c.relacl, pg_catalog.acldefault(
          CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END::"char", c.relowner)) AS acl
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S', 'i', 'I') AND \(CatalogQueries.userSchema)
        AND c.relname = ANY ($1::pg_catalog.text[])
      UNION ALL
      SELECT n.nspname::text, c.relname::text, a.attname::text, 'column', c.relowner, a.attacl
      FROM pg_catalog.pg_attribute a
      JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE a.attname = ANY ($1::pg_catalog.text[]) AND a.attnum > 0 AND NOT a.attisdropped
        AND a.attacl IS NOT NULL AND c.relkind IN ('r', 'p', 'f', 'v', 'm')
        AND \(CatalogQueries.userSchema)
      UNION ALL
      SELECT n.nspname::text, NULL, n.nspname::text, 'schema', n.nspowner,
        COALESCE(n.nspacl, pg_catalog.acldefault('n', n.nspowner))
      FROM pg_catalog.pg_namespace n
      WHERE \(CatalogQueries.userSchema) AND n.nspname = ANY ($1::pg_catalog.text[])
      UNION ALL
      SELECT n.nspname::text, NULL, p.proname::text,
        CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
        p.proowner, COALESCE(p.proacl, pg_catalog.acldefault('f', p.proowner))
      FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
      WHERE \(CatalogQueries.userSchema) AND p.proname = ANY ($1::pg_catalog.text[])
      UNION ALL
      SELECT n.nspname::text, NULL, t.typname::text,
        CASE t.typtype WHEN 'd' THEN 'domain' ELSE 'type' END,
        t.typowner, COALESCE(t.typacl, pg_catalog.acldefault('T', t.typowner))
      FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
      WHERE \(CatalogQueries.userSchema) AND t.typname = ANY ($1::pg_catalog.text[])
        AND (t.typtype IN ('b', 'd', 'e', 'r', 'm')
          OR t.typtype = 'c' AND (SELECT c.relkind FROM pg_catalog.pg_class c
                                  WHERE c.oid = t.typrelid) = 'c')
      UNION ALL
      SELECT NULL, NULL, d.datname::text, 'database', d.datdba,
        COALESCE(d.datacl, pg_catalog.acldefault('d', d.datdba))
      FROM pg_catalog.pg_database d
      WHERE d.datname = pg_catalog.current_database()
      UNION ALL
      \(DatabaseObjectReader.outsideCatalogs.map {
        $0.select(where: "\($0.name) = ANY ($1::pg_catalog.text[])")
      }.joined(separator: "\nUNION ALL\n"))
    )
    SELECT o.schema, o.tab, o.name, o.kind, pg_catalog.pg_get_userbyid(o.owner)::text,
      CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(a.grantee)::text END,
      a.privilege_type
    FROM objects o LEFT JOIN LATERAL pg_catalog.aclexplode(o.acl) a ON true
    """

  /// One row of ``access``: an object, its owner and one privilege granted on it.
  struct AccessRow {
    /// The row's values in select-list order; `nil` is SQL NULL.
    let raw: [String?]

    /// Its schema, if it has one.
    var schema: String? { raw[0] }
    /// Its table, for an index or column.
    var table: String? { raw[1] }
    /// The object.
    var name: String? { raw[2] }
    /// What it is.
    var kind: String? { raw[3] }
    /// Its owner.
    var owner: String? { raw[4] }
    /// A grantee (`NULL`: granted to no one).
    var grantee: String? { raw[5] }
    /// One privilege granted.
    var privilege: String? { raw[6] }
  }

  /// Groups ``access``' rows into one value per object, grants by grantee, sorted.
  static func objectAccess(_ rows: [[String?]]) -> [ObjectAccess] {
    struct Key: Hashable {
      var schema: String?
      var table: String?
      var name: String
      var kind: String
    }
    var owners: [Key: String] = [:]
    var grants: [Key: [String: Set<String>]] = [:]
    for row in rows.map(AccessRow.init(raw:)) {
      let key = Key(
        schema: row.schema, table: row.table, name: row.name ?? "", kind: row.kind ?? "")
      owners[key] = row.owner ?? ""
      if let grantee = row.grantee, let privilege = row.privilege {
        grants[key, default: [:]][grantee, default: []].insert(privilege)
      } else if grants[key] == nil {
        grants[key] = [:]
      }
    }
    return owners.map { key, owner in
      // An index takes no grants of its own: its ACL is its table's business.
      ObjectAccess(
        schema: key.schema, table: key.table, name: key.name, kind: key.kind, owner: owner,
        grants: key.kind == "index"
          ? nil
          : (grants[key] ?? [:]).map { Privilege(grantee: $0.key, privileges: Array($0.value)) }
            .sorted { $0.grantee < $1.grantee })
    }.sorted {
      ($0.schema ?? "", $0.table ?? "", $0.name, $0.kind) < (
        $1.schema ?? "", $1.table ?? "", $1.name, $1.kind
      )
    }
  }

  /// The cluster's roles, by name (never a password: `pg_roles` shows none).
  static let roles = "SELECT rolname::text FROM pg_catalog.pg_roles"
}

/// Builds a names-only snapshot's ``SchemaNames`` from ``NameQueries/names``' rows.
///
/// Under django-tenants every tenant repeats the same table, column, index and constraint
/// names; each distinct name is kept once and shared, so 1,000 tenants cost little more than
/// their references.
struct NameSnapshotBuilder {
  private var schemas: [String: [String: SchemaNames.Relation]] = [:]
  private var functions: [String: Set<String>] = [:]
  private var types: [String: Set<String>] = [:]
  private var interned: [String: String] = [:]

  private mutating func intern(_ text: String) -> String {
    if let shared = interned[text] { return shared }
    interned[text] = text
    return text
  }

  mutating func add(_ row: NameQueries.NameRow) {
    let schema = intern(row.schema ?? "")
    let name = intern(row.name ?? "")
    switch row.kind {
    case "f":
      functions[schema, default: []].insert(name)
      return
    case "t":
      types[schema, default: []].insert(name)
      return
    default:
      break
    }
    let relation = intern(row.relation ?? "")
    // In place, on first sight as a table (a relation's own row may come after its columns'),
    // so that appending never copies the arrays: this runs once per name, 400,000 times at
    // 1,000 tenants.
    let fresh = SchemaNames.Relation(kind: .table)
    switch row.kind {
    case "r":
      let kind: SchemaNames.Relation.Kind =
        switch name {
        case "v", "m": .view
        case "S": .sequence
        default: .table
        }
      schemas[schema, default: [:]][relation, default: fresh].kind = kind
      schemas[schema, default: [:]][relation, default: fresh].partitionOf = row.detail
    case "c": schemas[schema, default: [:]][relation, default: fresh].columns.append(name)
    case "i":
      schemas[schema, default: [:]][relation, default: fresh].indexes.append(name)
      if let full = row.detail {
        schemas[schema, default: [:]][relation, default: fresh].definitions[name] =
          Normalize.indexDefinition(
            full, quotedName: SQL.quoteIdent(name),
            qualifiedTable: SQL.quoteIdent(schema) + "." + SQL.quoteIdent(relation))
      }
    default:
      schemas[schema, default: [:]][relation, default: fresh].constraints.append(name)
      if let definition = row.detail {
        schemas[schema, default: [:]][relation, default: fresh].definitions[name] = definition
      }
    }
  }

  /// Every schema's names, by schema name.
  func take() -> [String: SchemaNames] {
    var result: [String: SchemaNames] = [:]
    for schema in Set(schemas.keys).union(functions.keys).union(types.keys) {
      result[schema] = SchemaNames(
        relations: schemas[schema] ?? [:], functions: functions[schema] ?? [],
        types: types[schema] ?? [])
    }
    return result
  }
}

/// The names a targeted names-only read looks for (see ``SnapshotCollector/Depth/namesMatching(_:)``).
public struct NameFilter: Sendable, Hashable {
  /// Names looked for as they are: relations, indexes, constraints, functions, types.
  public var names: Set<String>
  /// Names that Django rename migrations may start from: for each, a recorded migration named
  /// `…rename_<name>_<rest>` adds every `<rest>` cut at an underscore, so the new name is read
  /// too.
  public var renamedFrom: Set<String>
  /// Names whose owner and grants are read too (``Snapshot/access``): objects of privilege
  /// errors.
  public var access: Set<String>
  /// When not empty, the read is of these schemas alone, with definitions.
  ///
  /// Their matching names, indexes and constraints with their definitions
  /// (``SchemaNames/Relation/definitions``) and the tables matching ``columnSets`` — no
  /// migration rows, roles or registry. Explain reads so the schemas where an object is
  /// absent, and one where it exists, so that 1,000 tenants holding it cost one.
  public var definitionSchemas: Set<String>
  /// Tables of ``definitionSchemas`` whose column names, sorted and joined by commas, are one
  /// of these are read too.
  public var columnSets: Set<String>

  /// Creates a filter.
  public init(
    names: Set<String>, renamedFrom: Set<String> = [], access: Set<String> = [],
    definitionSchemas: Set<String> = [], columnSets: Set<String> = []
  ) {
    self.names = names
    self.renamedFrom = renamedFrom
    self.access = access
    self.definitionSchemas = definitionSchemas
    self.columnSets = columnSets
  }

  /// The names to read, given the migration rows just read.
  func wanted(given tables: [MigrationTable]) -> Set<String> {
    var wanted = names
    guard !renamedFrom.isEmpty else { return wanted }
    var seen = Set<String>()
    for table in tables {
      for row in table.rows where seen.insert(row.name).inserted {
        for old in renamedFrom {
          wanted.formUnion(SchemaNames.renameCandidates(of: old, inMigrationNamed: row.name))
        }
      }
    }
    return wanted
  }

  /// `{"a","b"}`: a PostgreSQL text array literal, every element quoted and escaped.
  static func arrayLiteral(_ names: Set<String>) -> String {
    let elements = names.sorted().map { name in
      "\""
        + name.replacingOccurrences(of: "\\", with: "\\\\")
        .replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
    return "{" + elements.joined(separator: ",") + "}"
  }
}
