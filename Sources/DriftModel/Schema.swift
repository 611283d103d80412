/// A schema and the objects in it.
public struct Schema: Codable, Sendable, Hashable {
  /// The order reports and answers list schema names in: `public` first, then by name.
  public static func listedBefore(_ lhs: String, _ rhs: String) -> Bool {
    if lhs == "public" { return rhs != "public" }
    if rhs == "public" { return false }
    return lhs < rhs
  }

  /// The schema's name.
  public var name: String
  /// The role that owns it.
  public var owner: String
  /// Effective grants, one entry per grantee (see ``Privilege``); `nil` when not read (a
  /// snapshot file from before they were).
  public var privileges: [Privilege]? = nil
  /// Its comment, if any.
  public var comment: String?
  /// Tables of every kind: ordinary, partitioned, partitions, foreign.
  public var tables: [Table]
  /// Views and materialized views.
  public var views: [View]
  /// Sequences.
  public var sequences: [SequenceDefinition]
  /// Enum, domain, composite and range types.
  public var types: [TypeDefinition]
  /// Functions, procedures and aggregates.
  public var functions: [FunctionDefinition]
  /// Collations.
  public var collations: [Collation]

  /// Creates a schema.
  public init(
    name: String,
    owner: String = "",
    comment: String? = nil,
    tables: [Table] = [],
    views: [View] = [],
    sequences: [SequenceDefinition] = [],
    types: [TypeDefinition] = [],
    functions: [FunctionDefinition] = [],
    collations: [Collation] = []
  ) {
    self.name = name
    self.owner = owner
    self.comment = comment
    self.tables = tables
    self.views = views
    self.sequences = sequences
    self.types = types
    self.functions = functions
    self.collations = collations
  }

  /// The table called `name`, if the schema has it.
  public func table(named name: String) -> Table? {
    tables.first { $0.name == name }
  }

  /// Puts every collection in its canonical order.
  public mutating func sort() {
    tables.sortIfNeeded { $0.name < $1.name }
    for index in tables.indices { tables[index].sort() }
    views.sortIfNeeded { $0.name < $1.name }
    for index in views.indices {
      views[index].indexes.sortIfNeeded { $0.name < $1.name }
      views[index].triggers.sortIfNeeded { $0.name < $1.name }
    }
    sequences.sortIfNeeded { $0.name < $1.name }
    types.sortIfNeeded { $0.name < $1.name }
    functions.sortIfNeeded { ($0.name, $0.arguments) < ($1.name, $1.arguments) }
    collations.sortIfNeeded { $0.name < $1.name }
    privileges?.sortIfNeeded { $0.grantee < $1.grantee }
    for index in views.indices where views[index].privileges != nil || views[index].rules != nil {
      views[index].privileges?.sortIfNeeded { $0.grantee < $1.grantee }
      views[index].rules?.sortIfNeeded { $0.name < $1.name }
    }
    for index in sequences.indices where sequences[index].privileges != nil {
      sequences[index].privileges?.sortIfNeeded { $0.grantee < $1.grantee }
    }
    for index in types.indices where types[index].privileges != nil {
      types[index].privileges?.sortIfNeeded { $0.grantee < $1.grantee }
    }
    for index in functions.indices where functions[index].privileges != nil {
      functions[index].privileges?.sortIfNeeded { $0.grantee < $1.grantee }
    }
  }
}
