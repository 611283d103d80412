/// The names in one schema and nothing else: which relations exist, with their columns,
/// indexes and constraints.
///
/// What checking migrations against a schema needs (``Snapshot/names(of:)``). A names-only read
/// (`envdrift verify`) builds only this, which at 1,000 tenants takes a fraction of the memory
/// of full ``Schema`` values; a full snapshot derives it from its schemas.
public struct SchemaNames: Sendable, Hashable {
  /// One relation's names.
  public struct Relation: Sendable, Hashable {
    /// What kind of relation it is.
    public enum Kind: Sendable, Hashable {
      /// A table: ordinary, partitioned or foreign.
      case table
      /// A view or materialized view.
      case view
      /// A sequence.
      case sequence
    }

    /// What kind of relation it is.
    public var kind: Kind
    /// For a partition: its parent, qualified.
    public var partitionOf: String?
    /// Column names, in any order.
    public var columns: [String]
    /// Names of the indexes on it.
    public var indexes: [String]
    /// Names of its constraints.
    public var constraints: [String]
    /// Index and constraint definitions by name, without the name (`UNIQUE USING btree …`).
    ///
    /// A full snapshot has them, a names-only read only when asked. Equal definitions under
    /// two names are one object renamed.
    public var definitions: [String: String] = [:]

    /// Creates a relation's names.
    public init(
      kind: Kind, partitionOf: String? = nil, columns: [String] = [], indexes: [String] = [],
      constraints: [String] = []
    ) {
      self.kind = kind
      self.partitionOf = partitionOf
      self.columns = columns
      self.indexes = indexes
      self.constraints = constraints
    }
  }

  /// Every relation by name.
  public var relations: [String: Relation]
  /// Function and procedure names (overloads once each).
  public var functions: Set<String>
  /// User-defined type names: enums, domains, ranges, composite types.
  public var types: Set<String>

  /// Creates a schema's names.
  public init(
    relations: [String: Relation] = [:], functions: Set<String> = [], types: Set<String> = []
  ) {
    self.relations = relations
    self.functions = functions
    self.types = types
  }

  /// The names of a full schema.
  public init(_ schema: Schema) {
    var relations: [String: Relation] = [:]
    for table in schema.tables {
      var relation = Relation(
        kind: .table, partitionOf: table.partitionOf, columns: table.columns.map(\.name),
        indexes: table.indexes.map(\.name), constraints: table.constraints.map(\.name))
      for index in table.indexes where !index.definition.isEmpty {
        relation.definitions[index.name] = index.definition
      }
      for constraint in table.constraints {
        relation.definitions[constraint.name] = constraint.definition
      }
      relations[table.name] = relation
    }
    for view in schema.views {
      relations[view.name] = Relation(kind: .view, indexes: view.indexes.map(\.name))
    }
    for sequence in schema.sequences { relations[sequence.name] = Relation(kind: .sequence) }
    self.relations = relations
    functions = Set(schema.functions.map(\.name))
    types = Set(schema.types.map(\.name))
  }

  /// Relation and index names: what a relation error can name.
  public var relationAndIndexNames: Set<String> {
    var names = Set(relations.keys)
    for relation in relations.values { names.formUnion(relation.indexes) }
    return names
  }

  /// Every name in the schema: relations, indexes, columns, constraints, functions, types.
  public var everyName: Set<String> {
    var names = relationAndIndexNames.union(functions).union(types)
    for relation in relations.values {
      names.formUnion(relation.columns)
      names.formUnion(relation.constraints)
    }
    return names
  }

  /// The names a Django rename migration (`NNNN_rename_<old>_<new>[_and_more]`) may give
  /// `old`: what follows `rename_<old>_`, cut at each underscore, longest first; empty when the
  /// migration's name does not rename `old`.
  public static func renameCandidates(of old: String, inMigrationNamed migration: String)
    -> [String]
  {
    let marker = "rename_" + old.lowercased() + "_"
    let lowered = migration.lowercased()
    guard let range = lowered.firstRange(of: marker) else { return [] }
    // Lower-casing keeps ASCII names' lengths: the same offset finds the original's casing.
    let offset = lowered.utf8.distance(from: lowered.startIndex, to: range.upperBound)
    guard offset <= migration.utf8.count,
      let start = migration.utf8.index(
        migration.startIndex, offsetBy: offset, limitedBy: migration.endIndex)
    else { return [] }
    var candidates: [String] = []
    var rest = String(migration[start...])
    while !rest.isEmpty {
      candidates.append(rest)
      guard let cut = rest.lastIndex(of: "_") else { break }
      rest = String(rest[..<cut])
    }
    return candidates
  }

  /// The tables' names, sorted.
  public var tableNames: [String] {
    relations.filter { $0.value.kind == .table }.keys.sorted()
  }
}

/// Who owns one object and what is granted on it: what a privilege error needs.
public struct ObjectAccess: Sendable, Hashable {
  /// The kinds of object outside every schema, and outside the database, that take grants,
  /// as ``kind`` names them (and PostgreSQL's messages do).
  public static let outsideKinds: Set<String> = [
    "foreign server", "foreign-data wrapper", "language", "tablespace",
  ]

  /// The schema; `nil` for the database itself.
  public var schema: String?
  /// For a column or an index: its table.
  public var table: String?
  /// The object's name.
  public var name: String
  /// The kind of object as PostgreSQL's messages name it: `table`, `view`, `materialized view`,
  /// `foreign table`, `sequence`, `index`, `column`, `schema`, `function`, `procedure`,
  /// `aggregate`, `type`, `domain`, `database`.
  public var kind: String
  /// The owning role (for a column, its table's).
  public var owner: String
  /// The effective grants, by grantee (`PUBLIC` for everyone); `nil` when not known.
  public var grants: [Privilege]?

  /// Creates an access fact.
  public init(
    schema: String?, table: String? = nil, name: String, kind: String, owner: String,
    grants: [Privilege]?
  ) {
    self.schema = schema
    self.table = table
    self.name = name
    self.kind = kind
    self.owner = owner
    self.grants = grants
  }
}
