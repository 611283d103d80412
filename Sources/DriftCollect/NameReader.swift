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
  /// Rows of `schema, relation, what, name, detail`: `what` is `r` for the relation itself
  /// (`name` its kind, `detail` a partition's parent), `c` a column, `i` an index, `k` a
  /// constraint.
  static let names = """
    WITH rels AS MATERIALIZED (
      SELECT c.oid, n.nspname, c.relname, c.relkind, c.relispartition
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S') AND \(CatalogQueries.userSchema)
        AND \(CatalogQueries.notFromExtension("pg_catalog.pg_class", "c.oid"))
        AND ($1::pg_catalog.text[] IS NULL OR c.relname = ANY ($1::pg_catalog.text[])
          OR c.oid IN (SELECT x.indrelid FROM pg_catalog.pg_index x
                       JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
                       WHERE i.relname = ANY ($1::pg_catalog.text[]))
          OR c.oid IN (SELECT k.conrelid FROM pg_catalog.pg_constraint k
                       WHERE k.conname = ANY ($1::pg_catalog.text[])))
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
    SELECT r.nspname, r.relname, 'i', i.relname::text, NULL
    FROM rels r
    JOIN pg_catalog.pg_index x ON x.indrelid = r.oid
    JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
    WHERE r.relkind IN ('r', 'p', 'm')
    UNION ALL
    SELECT r.nspname, r.relname, 'k', con.conname::text, NULL
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

  mutating func add(_ row: Row) {
    let schema = intern(row[0] ?? "")
    let name = intern(row[3] ?? "")
    switch row[2] {
    case "f":
      functions[schema, default: []].insert(name)
      return
    case "t":
      types[schema, default: []].insert(name)
      return
    default:
      break
    }
    let relation = intern(row[1] ?? "")
    // In place, on first sight as a table (a relation's own row may come after its columns'),
    // so that appending never copies the arrays: this runs once per name, 400,000 times at
    // 1,000 tenants.
    let fresh = SchemaNames.Relation(kind: .table)
    switch row[2] {
    case "r":
      let kind: SchemaNames.Relation.Kind =
        switch name {
        case "v", "m": .view
        case "S": .sequence
        default: .table
        }
      schemas[schema, default: [:]][relation, default: fresh].kind = kind
      schemas[schema, default: [:]][relation, default: fresh].partitionOf = row[4]
    case "c": schemas[schema, default: [:]][relation, default: fresh].columns.append(name)
    case "i": schemas[schema, default: [:]][relation, default: fresh].indexes.append(name)
    default: schemas[schema, default: [:]][relation, default: fresh].constraints.append(name)
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

  /// Creates a filter.
  public init(names: Set<String>, renamedFrom: Set<String> = []) {
    self.names = names
    self.renamedFrom = renamedFrom
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
