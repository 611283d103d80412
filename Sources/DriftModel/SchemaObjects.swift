/// A view or materialized view.
public struct View: Codable, Sendable, Hashable {
  /// The view's name.
  public var name: String
  /// Whether it is a materialized view.
  public var materialized: Bool
  /// The query as `pg_get_viewdef` prints it.
  public var definition: String
  /// The role that owns it.
  public var owner: String
  /// Effective grants, one entry per grantee (see ``Privilege``); `nil` when not read (a
  /// snapshot file from before they were).
  public var privileges: [Privilege]? = nil
  /// Its comment, if any.
  public var comment: String?
  /// Indexes, for a materialized view.
  public var indexes: [Index]
  /// Triggers (`INSTEAD OF` triggers on a view).
  public var triggers: [Trigger]
  /// The relations and types its query depends on, as `schema.name`, sorted.
  public var dependsOn: [String]
  /// View options (`security_barrier=true`, `check_option=local`), sorted; `nil` when none.
  public var options: [String]? = nil
  /// Rules other than the view's own `_RETURN`, sorted by name; `nil` when none.
  public var rules: [Rule]? = nil

  /// Creates a view.
  public init(
    name: String,
    materialized: Bool = false,
    definition: String,
    owner: String = "",
    comment: String? = nil,
    indexes: [Index] = [],
    triggers: [Trigger] = [],
    dependsOn: [String] = []
  ) {
    self.name = name
    self.materialized = materialized
    self.definition = definition
    self.owner = owner
    self.comment = comment
    self.indexes = indexes
    self.triggers = triggers
    self.dependsOn = dependsOn
  }
}

/// A sequence.
public struct SequenceDefinition: Codable, Sendable, Hashable {
  /// The sequence's name.
  public var name: String
  /// Its data type (`bigint`).
  public var dataType: String
  /// Its start value.
  public var start: String
  /// Its increment.
  public var increment: String
  /// Its minimum value.
  public var minimum: String
  /// Its maximum value.
  public var maximum: String
  /// Its cache size.
  public var cache: String
  /// Whether it cycles.
  public var cycle: Bool
  /// The column that owns it (`table.column`), if any.
  public var ownedBy: String?
  /// The role that owns it.
  public var owner: String
  /// Effective grants, one entry per grantee (see ``Privilege``); `nil` when not read (a
  /// snapshot file from before they were).
  public var privileges: [Privilege]? = nil

  /// Creates a sequence.
  public init(
    name: String,
    dataType: String = "bigint",
    start: String = "1",
    increment: String = "1",
    minimum: String = "1",
    maximum: String = "9223372036854775807",
    cache: String = "1",
    cycle: Bool = false,
    ownedBy: String? = nil,
    owner: String = ""
  ) {
    self.name = name
    self.dataType = dataType
    self.start = start
    self.increment = increment
    self.minimum = minimum
    self.maximum = maximum
    self.cache = cache
    self.cycle = cycle
    self.ownedBy = ownedBy
    self.owner = owner
  }

  /// The sequence's parameters in one line.
  public var summary: String {
    "AS \(dataType) START \(start) INCREMENT \(increment) MINVALUE \(minimum) MAXVALUE \(maximum)"
      + " CACHE \(cache)\(cycle ? " CYCLE" : "")"
  }
}

/// A user-defined type: enum, domain, composite or range.
public struct TypeDefinition: Codable, Sendable, Hashable {
  /// What kind of type it is.
  public enum Kind: String, Codable, Sendable, Hashable {
    /// An enum; ``TypeDefinition/definition`` lists its labels in order.
    case `enum`
    /// A domain over a base type, with its constraints.
    case domain
    /// A composite type (`CREATE TYPE … AS (…)`).
    case composite
    /// A range type.
    case range
  }

  /// The type's name.
  public var name: String
  /// What kind of type it is.
  public var kind: Kind
  /// Its shape in one line: enum labels, domain base and constraints, or attributes.
  public var definition: String
  /// The role that owns it.
  public var owner: String
  /// Effective grants, one entry per grantee (see ``Privilege``); `nil` when not read (a
  /// snapshot file from before they were).
  public var privileges: [Privilege]? = nil
  /// Its comment, if any.
  public var comment: String?

  /// Creates a type.
  public init(
    name: String,
    kind: Kind,
    definition: String,
    owner: String = "",
    comment: String? = nil
  ) {
    self.name = name
    self.kind = kind
    self.definition = definition
    self.owner = owner
    self.comment = comment
  }
}

/// A function, procedure or aggregate, identified by name and argument types.
public struct FunctionDefinition: Codable, Sendable, Hashable {
  /// The function's name.
  public var name: String
  /// Its identity arguments (`integer, text`).
  public var arguments: String
  /// `function`, `procedure`, `aggregate` or `window`.
  public var kind: String
  /// What it returns (empty for a procedure).
  public var result: String
  /// Its language.
  public var language: String
  /// A stable hash of its full definition, which changes whenever the body or attributes do.
  public var definitionHash: String
  /// The role that owns it.
  public var owner: String
  /// Effective grants, one entry per grantee (see ``Privilege``); `nil` when not read (a
  /// snapshot file from before they were).
  public var privileges: [Privilege]? = nil
  /// Its comment, if any.
  public var comment: String?

  /// Creates a function.
  public init(
    name: String,
    arguments: String = "",
    kind: String = "function",
    result: String = "",
    language: String = "sql",
    definitionHash: String = "",
    owner: String = "",
    comment: String? = nil
  ) {
    self.name = name
    self.arguments = arguments
    self.kind = kind
    self.result = result
    self.language = language
    self.definitionHash = definitionHash
    self.owner = owner
    self.comment = comment
  }

  /// The signature that identifies it: `name(integer, text)`.
  public var signature: String { "\(name)(\(arguments))" }
}

/// A collation.
public struct Collation: Codable, Sendable, Hashable {
  /// The collation's name.
  public var name: String
  /// Its provider: `libc`, `icu` or `default`.
  public var provider: String
  /// Its `LC_COLLATE` (or ICU locale).
  public var collate: String
  /// Its `LC_CTYPE`.
  public var ctype: String
  /// Whether it is deterministic.
  public var deterministic: Bool

  /// Creates a collation.
  public init(
    name: String,
    provider: String,
    collate: String,
    ctype: String,
    deterministic: Bool = true
  ) {
    self.name = name
    self.provider = provider
    self.collate = collate
    self.ctype = ctype
    self.deterministic = deterministic
  }

  /// The collation in one line.
  public var summary: String {
    "provider=\(provider) collate=\(collate) ctype=\(ctype)"
      + (deterministic ? "" : " nondeterministic")
  }
}
