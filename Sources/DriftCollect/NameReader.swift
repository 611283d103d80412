import DriftModel
import PostgresClient

/// The catalog statements of a names-only snapshot: every relation, column, index and
/// constraint by name, and nothing the server must deparse.
///
/// What `envdrift verify` needs to check migrations against a schema (which tables, columns,
/// indexes and constraints exist) is all in the catalogs' name columns, so this read costs a
/// fraction of a full snapshot and takes no lock on any user table.
enum NameQueries {
  /// Tables, views, materialized views and sequences, with a partition's parent.
  static let relations = """
    SELECT n.nspname, c.relname, c.relkind::text,
      CASE WHEN c.relispartition THEN (
        SELECT pn.nspname || '.' || pc.relname FROM pg_catalog.pg_inherits i
        JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent
        JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
        WHERE i.inhrelid = c.oid) END
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S') AND \(CatalogQueries.userSchema)
      AND \(CatalogQueries.notFromExtension("pg_catalog.pg_class", "c.oid"))
    """

  /// Columns of tables.
  static let columns = """
    SELECT n.nspname, c.relname, a.attname, a.attnum
    FROM pg_catalog.pg_attribute a
    JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'f')
      AND \(CatalogQueries.userSchema)
      AND \(CatalogQueries.notFromExtension("pg_catalog.pg_class", "c.oid"))
    """

  /// Indexes, on tables and materialized views.
  static let indexes = """
    SELECT n.nspname, t.relname, i.relname
    FROM pg_catalog.pg_index x
    JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
    JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
    WHERE t.relkind IN ('r', 'p', 'm') AND \(CatalogQueries.userSchema)
      AND \(CatalogQueries.notFromExtension("pg_catalog.pg_class", "t.oid"))
    """

  /// Table constraints, with their kind.
  static let constraints = """
    SELECT n.nspname, t.relname, con.conname, con.contype::text
    FROM pg_catalog.pg_constraint con
    JOIN pg_catalog.pg_class t ON t.oid = con.conrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
    WHERE t.relkind IN ('r', 'p', 'f') AND \(CatalogQueries.userSchema)
      AND \(CatalogQueries.notFromExtension("pg_catalog.pg_class", "t.oid"))
    """
}

/// Builds a names-only ``Snapshot`` from ``NameQueries``' rows: objects carry their names (and
/// a column its position), never a definition.
struct NameSnapshotBuilder {
  private struct Key: Hashable {
    var schema: String
    var name: String
  }

  private var schemas: [String: Schema] = [:]
  private var tables: [Key: Table] = [:]
  private var views: [Key: View] = [:]
  private var sequences: [Key: Sequence] = [:]

  mutating func addSchema(_ row: Row) {
    let name = row[0] ?? ""
    schemas[name] = Schema(name: name, owner: row[1] ?? "")
  }

  mutating func addRelation(_ row: Row) {
    let key = Key(schema: row[0] ?? "", name: row[1] ?? "")
    switch row[2] ?? "r" {
    case "v": views[key] = View(name: key.name, definition: "")
    case "m": views[key] = View(name: key.name, materialized: true, definition: "")
    case "S": sequences[key] = Sequence(name: key.name)
    case let kind:
      tables[key] = Table(
        name: key.name, kind: kind == "p" ? .partitioned : kind == "f" ? .foreign : .ordinary,
        partitionOf: row[3])
    }
  }

  mutating func addColumn(_ row: Row) {
    let key = Key(schema: row[0] ?? "", name: row[1] ?? "")
    tables[key]?.columns.append(
      Column(name: row[2] ?? "", position: row[3].flatMap { Int($0) } ?? 0, type: ""))
  }

  mutating func addIndex(_ row: Row) {
    let key = Key(schema: row[0] ?? "", name: row[1] ?? "")
    let index = Index(name: row[2] ?? "", definition: "")
    if tables[key] != nil {
      tables[key]?.indexes.append(index)
    } else {
      views[key]?.indexes.append(index)
    }
  }

  mutating func addConstraint(_ row: Row) {
    let key = Key(schema: row[0] ?? "", name: row[1] ?? "")
    let kind: Constraint.Kind =
      switch row[3] {
      case "p": .primaryKey
      case "u": .unique
      case "f": .foreignKey
      case "x": .exclusion
      case "t": .trigger
      case "n": .notNull
      default: .check
      }
    tables[key]?.constraints.append(Constraint(name: row[2] ?? "", kind: kind, definition: ""))
  }

  /// Every schema with its objects, in canonical order.
  func takeSchemas() -> [Schema] {
    var result = schemas
    for (key, table) in tables { result[key.schema]?.tables.append(table) }
    for (key, view) in views { result[key.schema]?.views.append(view) }
    for (key, sequence) in sequences { result[key.schema]?.sequences.append(sequence) }
    return result.values.map { schema in
      var sorted = schema
      sorted.sort()
      return sorted
    }.sorted { $0.name < $1.name }
  }
}
