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
      relations[table.name] = Relation(
        kind: .table, partitionOf: table.partitionOf, columns: table.columns.map(\.name),
        indexes: table.indexes.map(\.name), constraints: table.constraints.map(\.name))
    }
    for view in schema.views {
      relations[view.name] = Relation(kind: .view, indexes: view.indexes.map(\.name))
    }
    for sequence in schema.sequences { relations[sequence.name] = Relation(kind: .sequence) }
    self.relations = relations
    functions = Set(schema.functions.map(\.name))
    types = Set(schema.types.map(\.name))
  }

  /// The tables' names, sorted.
  public var tableNames: [String] {
    relations.filter { $0.value.kind == .table }.keys.sorted()
  }
}
