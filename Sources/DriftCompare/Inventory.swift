import DriftModel
import Foundation

/// Which property of an object an entry compares.
public enum Aspect: String, Codable, Sendable, Hashable, Comparable {
  /// The object's definition (or mere existence).
  case definition
  /// The role that owns it.
  case owner
  /// Its comment.
  case comment
  /// Something it depends on (a relation a view reads, a column's type) differs.
  case dependencies

  /// Definitions sort first.
  public static func < (lhs: Aspect, rhs: Aspect) -> Bool {
    let order: [Aspect] = [.definition, .dependencies, .owner, .comment]
    return (order.firstIndex(of: lhs) ?? 0) < (order.firstIndex(of: rhs) ?? 0)
  }
}

/// Identifies one comparable property of one object, the same way in every environment.
struct ObjectKey: Hashable, Sendable {
  var object: ObjectKind
  var schema: String?
  var table: String?
  var name: String
  var aspect: Aspect = .definition

  /// The key of the object this one lives in: a table for its columns, a schema for its tables.
  var parent: ObjectKey? {
    if aspect != .definition {
      var owner = self
      owner.aspect = .definition
      return owner
    }
    switch object {
    case .schema, .extension:
      return nil
    case .column, .index, .constraint, .trigger, .policy, .privilege:
      return ObjectKey(object: .table, schema: schema, table: nil, name: table ?? "")
    case .sequence where table != nil:
      // A sequence owned by a column (serial, identity) goes with its table.
      return ObjectKey(object: .table, schema: schema, table: nil, name: table ?? "")
    case .migration:
      return ObjectKey(object: .table, schema: schema, table: nil, name: table ?? "")
    case .table, .view, .materializedView, .sequence, .type, .function, .collation:
      return schema.map { ObjectKey(object: .schema, schema: $0, table: nil, name: $0) }
    }
  }
}

/// What an object looks like in one environment.
struct ObjectValue: Hashable, Sendable {
  /// What is compared; equal values are never drift.
  var value: String
  /// What is shown; may hold details that are not compared (an applied timestamp).
  var display: String
  /// The index or constraint definition that renames are matched on, if any.
  var renameSignature: String?
  /// What the object depends on, as `schema.name` (a view's relations, a column's user type).
  var dependsOn: [String] = []
}

/// A snapshot flattened into comparable entries, keyed by object.
struct Inventory: Sendable {
  var entries: [ObjectKey: ObjectValue] = [:]
  /// Migration tables whose rows could not be read: their rows are not compared.
  var unreadableMigrationTables: Set<ObjectKey> = []

  /// Flattens the schemas of `snapshot` that `includes` accepts.
  ///
  /// Tables named in `identical` (as `schema.table`) are the same in every environment: only
  /// their own entry is kept, not one per column, index and constraint.
  init(
    _ snapshot: Snapshot,
    includes: (String) -> Bool = { _ in true },
    identical: Set<String> = []
  ) {
    for item in snapshot.extensions where item.name != "plpgsql" {
      let value = "\(item.version) in schema \(item.schema)"
      entries[ObjectKey(object: .extension, schema: nil, table: nil, name: item.name)] =
        ObjectValue(value: value, display: value)
    }
    for schema in snapshot.schemas where includes(schema.name) {
      add(schema, tenant: false, identical: identical)
    }
    for table in snapshot.migrationTables where includes(table.schema) {
      addMigrations(table, tenant: false)
    }
  }

  /// Flattens one schema-free tenant schema (see `Schema.anonymized()`) and its migration
  /// tables, with keys that name no schema, so that two tenants can be compared.
  init(tenant schema: Schema, migrationTables: [MigrationTable]) {
    let estimate = schema.tables.reduce(0) { count, table in
      count + 3 + table.columns.count + table.indexes.count + table.constraints.count
        + table.privileges.count
    }
    entries.reserveCapacity(estimate + migrationTables.reduce(0) { $0 + $1.rows.count } + 16)
    add(schema, tenant: true)
    for table in migrationTables { addMigrations(table, tenant: true) }
  }

  private mutating func addMigrations(_ table: MigrationTable, tenant: Bool) {
    let schemaKey = tenant ? "" : table.schema
    let tableKey = ObjectKey(object: .table, schema: schemaKey, table: nil, name: table.name)
    if table.unreadableReason != nil {
      unreadableMigrationTables.insert(tableKey)
      return
    }
    for row in table.rows {
      let key = ObjectKey(
        object: .migration,
        schema: schemaKey,
        table: table.name,
        name: row.qualifiedName
      )
      var value = row.success ? "applied" : "failed"
      if let checksum = row.checksum { value += " checksum \(checksum)" }
      var display = row.appliedAt.map { "applied \($0)" } ?? "applied"
      if !row.success { display = "failed" }
      entries[key] = ObjectValue(value: value, display: display)
    }
  }

  private mutating func put(_ key: ObjectKey, _ value: String, display: String? = nil) {
    entries[key] = ObjectValue(value: value, display: display ?? value)
  }

  private mutating func putOptional(_ key: ObjectKey, _ value: String?) {
    if let value { put(key, value) }
  }

  private mutating func add(_ schema: Schema, tenant: Bool, identical: Set<String> = []) {
    let name = tenant ? "" : schema.name
    func key(
      _ object: ObjectKind, _ table: String?, _ objectName: String, _ aspect: Aspect = .definition
    )
      -> ObjectKey
    {
      ObjectKey(object: object, schema: name, table: table, name: objectName, aspect: aspect)
    }
    if !tenant {
      put(key(.schema, nil, schema.name), "exists")
      put(key(.schema, nil, schema.name, .owner), schema.owner)
      putOptional(key(.schema, nil, schema.name, .comment), schema.comment)
    }
    for table in schema.tables {
      put(key(.table, nil, table.name), Self.describe(table))
      if !identical.isEmpty, identical.contains("\(schema.name).\(table.name)") { continue }
      put(key(.table, nil, table.name, .owner), table.owner)
      putOptional(key(.table, nil, table.name, .comment), table.comment)
      for column in table.columns {
        let summary = column.summary
        var value = ObjectValue(value: summary, display: summary)
        if let userType = Self.userType(of: column.type) { value.dependsOn = [userType] }
        entries[key(.column, table.name, column.name)] = value
        putOptional(key(.column, table.name, column.name, .comment), column.comment)
      }
      for index in table.indexes {
        let definition = index.definition
        let value = index.isValid ? definition : definition + " (INVALID)"
        entries[key(.index, table.name, index.name)] = ObjectValue(
          value: value,
          display: value,
          renameSignature: definition
        )
        putOptional(key(.index, table.name, index.name, .comment), index.comment)
      }
      for constraint in table.constraints {
        let value = constraint.summary
        entries[key(.constraint, table.name, constraint.name)] = ObjectValue(
          value: value,
          display: value,
          renameSignature: value
        )
      }
      for trigger in table.triggers {
        let state = trigger.enabled == "O" ? "" : " (enabled=\(trigger.enabled))"
        put(
          key(.trigger, table.name, trigger.name),
          Self.withoutName(trigger.definition, trigger.name) + state
        )
      }
      for policy in table.policies {
        put(key(.policy, table.name, policy.name), policy.summary)
      }
      for privilege in table.privileges {
        put(
          key(.privilege, table.name, privilege.grantee),
          privilege.privileges.joined(separator: ", ")
        )
      }
    }
    for view in schema.views {
      let kind: ObjectKind = view.materialized ? .materializedView : .view
      let definition = view.definition
      entries[key(kind, nil, view.name)] = ObjectValue(
        value: definition,
        display: definition,
        dependsOn: view.dependsOn
      )
      put(key(kind, nil, view.name, .owner), view.owner)
      putOptional(key(kind, nil, view.name, .comment), view.comment)
      for index in view.indexes {
        let definition = index.definition
        entries[key(.index, view.name, index.name)] = ObjectValue(
          value: definition,
          display: definition,
          renameSignature: definition
        )
      }
      for trigger in view.triggers {
        put(
          key(.trigger, view.name, trigger.name),
          Self.withoutName(trigger.definition, trigger.name)
        )
      }
    }
    for sequence in schema.sequences {
      var value = sequence.summary
      if let ownedBy = sequence.ownedBy { value += " OWNED BY \(ownedBy)" }
      let owningTable = sequence.ownedBy.flatMap { ownedBy in
        ownedBy.split(separator: ".").first.map(String.init)
      }
      put(key(.sequence, owningTable, sequence.name), value)
      put(key(.sequence, owningTable, sequence.name, .owner), sequence.owner)
    }
    for type in schema.types {
      put(key(.type, nil, type.name), "\(type.kind.rawValue) \(type.definition)")
      put(key(.type, nil, type.name, .owner), type.owner)
      putOptional(key(.type, nil, type.name, .comment), type.comment)
    }
    for function in schema.functions {
      let value =
        "\(function.kind) returning \(function.result) in \(function.language),"
        + " definition \(function.definitionHash.prefix(12))"
      put(key(.function, nil, function.signature), value)
      put(key(.function, nil, function.signature, .owner), function.owner)
      putOptional(key(.function, nil, function.signature, .comment), function.comment)
    }
    for collation in schema.collations {
      put(key(.collation, nil, collation.name), collation.summary)
    }
  }

  /// The qualified user type behind a column type (`public.order_status[]` → `public.order_status`);
  /// built-in types print unqualified and give `nil`.
  static func userType(of type: String) -> String? {
    var base = type
    while base.hasSuffix("[]") { base.removeLast(2) }
    if let parenthesis = base.firstIndex(of: "(") { base = String(base[..<parenthesis]) }
    return base.contains(".") ? base : nil
  }

  static func describe(_ table: Table) -> String {
    var parts: [String] = []
    switch table.kind {
    case .ordinary: parts.append("table")
    case .partitioned: parts.append("partitioned table")
    case .foreign: parts.append("foreign table")
    }
    if table.unlogged { parts.append("UNLOGGED") }
    if let key = table.partitionKey { parts.append("PARTITION BY \(key)") }
    if let parent = table.partitionOf {
      parts.append("PARTITION OF \(parent) \(table.partitionBound ?? "")")
    }
    if !table.inherits.isEmpty {
      parts.append("INHERITS (\(table.inherits.joined(separator: ", ")))")
    }
    if table.rowSecurity { parts.append("ROW LEVEL SECURITY") }
    if table.forceRowSecurity { parts.append("FORCE ROW LEVEL SECURITY") }
    return parts.joined(separator: " ")
  }

  /// Takes a trigger's own name out of its definition, so a renamed trigger is seen as renamed.
  static func withoutName(_ definition: String, _ name: String) -> String {
    for prefix in ["CREATE TRIGGER ", "CREATE CONSTRAINT TRIGGER "] {
      for quoted in [name, SQLIdentifier.quote(name)]
      where definition.hasPrefix(prefix + quoted + " ") {
        return prefix + definition.dropFirst(prefix.count + quoted.count + 1)
      }
    }
    return definition
  }
}

/// Removes a schema's own qualification from definitions, for comparing tenant schemas.
enum SchemaQualification {
  static func strip(_ schema: String, from text: String) -> String {
    // An already schema-free copy has no name to strip; most values hold no qualified name.
    guard !schema.isEmpty, text.utf8.contains(UInt8(ascii: ".")) else { return text }
    var result = text
    let quoted = SQLIdentifier.quote(schema) + "."
    if result.contains(quoted) { result = result.replacingOccurrences(of: quoted, with: "") }
    let plain = schema + "."
    if plain != quoted, result.contains(plain) {
      result = result.replacingOccurrences(of: plain, with: "")
    }
    return result
  }
}

extension Inventory {
  /// Tables (`schema.table`) that are exactly alike in every snapshot: nothing under them can
  /// differ, so they need no per-column comparison.
  static func identicalTables(_ snapshots: [Snapshot], includes: (String) -> Bool) -> Set<String> {
    guard let first = snapshots.first, snapshots.count > 1 else { return [] }
    let others = snapshots.dropFirst().map { snapshot in
      Dictionary(snapshot.schemas.map { ($0.name, $0) }, uniquingKeysWith: { left, _ in left })
    }
    var result = Set<String>()
    for schema in first.schemas where includes(schema.name) {
      let matching = others.compactMap { $0[schema.name] }
      guard matching.count == others.count else { continue }
      let tables = matching.map { other in
        Dictionary(other.tables.map { ($0.name, $0) }, uniquingKeysWith: { left, _ in left })
      }
      // A column of a user type can need recreating when the type differs, however alike the
      // table is, so such tables are always compared column by column.
      for table in schema.tables
      where tables.allSatisfy({ $0[table.name] == table })
        && table.columns.allSatisfy({ userType(of: $0.type) == nil })
      {
        result.insert("\(schema.name).\(table.name)")
      }
    }
    return result
  }
}
