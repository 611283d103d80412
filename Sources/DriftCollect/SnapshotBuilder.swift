import DriftModel
import PostgresClient

/// Assembles catalog rows, one object kind at a time, into schemas and tables.
///
/// Rows are matched to their table through a dictionary, so assembling is linear in the number
/// of objects.
struct SnapshotBuilder {
  /// A table (or view) by schema and name.
  struct TableKey: Hashable, Sendable {
    var schema: String
    var name: String
  }

  private var schemaByName: [String: Schema] = [:]
  private var tables: [TableKey: Table] = [:]
  private var views: [TableKey: View] = [:]
  private var interner = StringInterner()
  /// The columns of the table whose rows are arriving, given to it when another table's begin.
  private var pendingColumns: (key: TableKey, columns: [Column])?
  private var columnPool = ArrayPool<Column>()
  /// Each distinct run of column rows (in the server's order) with its sorted, shared array, so
  /// that the thousandth tenant's table is neither sorted nor hashed twice.
  private var sortedColumns: [[Column]: [Column]] = [:]
  /// Indexes waiting for their definition, by shape.
  private var indexShapes = OneDeparsePerShape()
  /// Check constraints waiting for their definition, by shape.
  private var checkShapes = OneDeparsePerShape()
  /// The table of the last constraint row, which the next row most likely shares.
  private var lastConstraintTable: TableKey?
  /// Column names that `quote_ident` quotes (`"Order"`), by table and column number; the rest
  /// are written as they are.
  private var quotedColumnNames: [TableKey: [Int: String]] = [:]
  /// The table of the last privilege row.
  private var lastPrivilegeTable: TableKey?
  /// Each distinct privilege list (`INSERT,SELECT`) split once: tenants repeat the same few.
  private var privilegeLists: [String: [String]] = [:]
  /// Grants on views, sequences, functions (`name(arguments)`), types and schemas (by the
  /// schema's name), given to their objects when the schemas are taken.
  private var grants: [GrantTarget: [Privilege]] = [:]
  /// Grants on single columns, by table and column.
  private var columnGrants: [TableKey: [String: [Privilege]]] = [:]
  /// Default privileges, as read.
  private(set) var defaultPrivileges: [DefaultPrivilege] = []

  /// An object other than a table that holds grants.
  struct GrantTarget: Hashable {
    enum Kind: Hashable {
      case relation, function, type, schema
    }

    var kind: Kind
    var schema: String
    var name: String
  }

  /// Hands over the assembled schemas, each with its tables and views, emptying the builder.
  ///
  /// Taking the values out of the builder, rather than copying them, leaves each array with one
  /// owner, so sorting and filling in definitions happen in place instead of on copies.
  mutating func takeSchemas() -> [Schema] {
    finishColumns()
    var result = schemaByName
    schemaByName = [:]
    let tables = self.tables
    self.tables = [:]
    for (key, table) in tables where result[key.schema] != nil {
      result[key.schema]?.tables.append(Self.withConstraintDefinitions(table))
    }
    let views = self.views
    self.views = [:]
    for (key, view) in views where result[key.schema] != nil {
      result[key.schema]?.views.append(view)
    }
    giveGrants(to: &result)
    let names = result.keys.sorted()
    return names.compactMap { name in
      guard var schema = result.removeValue(forKey: name) else { return nil }
      schema.sort()
      return schema
    }
  }

  /// Gives indexes that back a constraint the constraint's definition (`UNIQUE (code)`), read
  /// instead of `pg_get_indexdef` to spare the server.
  static func withConstraintDefinitions(_ table: Table) -> Table {
    guard table.indexes.contains(where: { $0.definition.isEmpty }) else { return table }
    var table = table
    let definitions = Dictionary(
      table.constraints.map { ($0.name, $0.definition) },
      uniquingKeysWith: { first, _ in first }
    )
    for position in table.indexes.indices where table.indexes[position].definition.isEmpty {
      let constraint = table.indexes[position].constraint ?? ""
      table.indexes[position].definition = "CONSTRAINT " + (definitions[constraint] ?? constraint)
    }
    return table
  }

  mutating func addSchema(_ row: Row) {
    let name = row[0] ?? ""
    schemaByName[name] = Schema(name: name, owner: row[1] ?? "", comment: row[2])
  }

  mutating func addRelation(_ row: Row) {
    let key = TableKey(schema: row[0] ?? "", name: row[1] ?? "")
    let kind = row[2] ?? "r"
    switch kind {
    case "v", "m":
      var view = View(
        name: key.name,
        materialized: kind == "m",
        definition: Normalize.whitespace(row[10] ?? ""),
        owner: row[4] ?? "",
        comment: row[9]
      )
      view.options = Self.options(row[11])
      views[key] = view
    default:
      var table = Table(
        name: key.name,
        kind: kind == "p" ? .partitioned : kind == "f" ? .foreign : .ordinary,
        unlogged: row[3] == "u",
        owner: row[4] ?? "",
        rowSecurity: row[5] == "t",
        forceRowSecurity: row[6] == "t",
        partitionKey: row[7],
        partitionBound: row[8],
        comment: row[9]
      )
      table.options = Self.options(row[11])
      table.replicaIdentity = row[12]
      table.tablespace = row[13]
      table.foreignServer = row[14]
      if kind == "f" {
        let options = DatabaseObjectReader.redacted(row[15])
        table.foreignOptions = options.isEmpty ? nil : options
      }
      tables[key] = table
    }
  }

  /// Storage parameters or view options, one per line as read, sorted; `nil` when none.
  private static func options(_ text: String?) -> [String]? {
    guard let text, !text.isEmpty else { return nil }
    return text.split(separator: "\n").map(String.init).sorted()
  }

  /// One row of ``CatalogQueries/rules``.
  mutating func addRule(_ row: Row) {
    let key = TableKey(schema: row[0] ?? "", name: row[1] ?? "")
    let rule = Rule(name: row[2] ?? "", definition: Normalize.whitespace(row[3] ?? ""))
    if let table = tables[key] {
      let known = table.rules ?? []
      tables[key]?.rules = known + [rule]
    } else if let view = views[key] {
      let known = view.rules ?? []
      views[key]?.rules = known + [rule]
    }
  }

  /// One row of ``CatalogQueries/statistics``.
  mutating func addStatistics(_ row: Row) {
    let key = TableKey(schema: row[0] ?? "", name: row[1] ?? "")
    let object = StatisticsObject(name: row[2] ?? "", definition: row[3] ?? "")
    guard tables[key] != nil else { return }
    let known = tables[key].flatMap(\.statistics) ?? []
    tables[key]?.statistics = known + [object]
  }

  mutating func addInheritance(_ row: Row) {
    let key = TableKey(schema: row[0] ?? "", name: row[1] ?? "")
    let parent = Normalize.qualified(row[2] ?? "", row[3] ?? "")
    if row[4] == "t" {
      tables[key]?.partitionOf = parent
    } else {
      tables[key]?.inherits.append(parent)
    }
  }

  mutating func addViewDependency(_ row: Row) {
    let key = TableKey(schema: row[0] ?? "", name: row[1] ?? "")
    let dependency = Normalize.qualified(row[2] ?? "", row[3] ?? "")
    if views[key]?.dependsOn.contains(dependency) == false {
      views[key]?.dependsOn.append(dependency)
      views[key]?.dependsOn.sort()
    }
  }

  /// The table named by the row's first two columns, reusing `previous` when it is the same.
  private static func tableKey(_ row: Row, reusing previous: TableKey?) -> TableKey {
    if let previous, row.holds(1, previous.name), row.holds(0, previous.schema) {
      return previous
    }
    return TableKey(schema: row[0] ?? "", name: row[1] ?? "")
  }

  mutating func addColumn(_ row: Row) {
    let key = Self.tableKey(row, reusing: pendingColumns?.key)
    let identity: String? =
      switch row[7] {
      case "a": "always"
      case "d": "by default"
      default: nil
      }
    if pendingColumns?.key != key {
      finishColumns()
      pendingColumns = (key, [])
    }
    if let quoted = row[11], let position = Int(row[3] ?? "") {
      quotedColumnNames[key, default: [:]][position] = quoted
    }
    var column = Column(
      name: interner.intern(row[2] ?? ""),
      position: Int(row[3] ?? "") ?? 0,
      type: interner.intern(row[4] ?? ""),
      notNull: row[5] == "t",
      defaultValue: interner.intern(row[6]),
      identity: identity,
      generated: interner.intern(row[8]),
      generatedStorage: row[12] == "t" ? .virtual : nil,
      collation: interner.intern(row[9]),
      comment: row[10]
    )
    column.storage = row[13]
    column.compression = row[14]
    column.statisticsTarget = row[15].flatMap { Int($0) }
    column.inheritance = row[16]
    pendingColumns?.columns.append(column)
  }

  /// Gives the table whose column rows were arriving its columns, in order and shared with any
  /// equal table's (see ``ArrayPool``).
  ///
  /// Column rows come table by table, so a 1,000-tenant database never holds more than one
  /// copy of each table's columns plus the table being read. Rows of one table that arrive in
  /// separate runs are joined to those already given.
  private mutating func finishColumns() {
    guard let (key, columns) = pendingColumns else { return }
    pendingColumns = nil
    guard let existing = tables[key]?.columns else { return }
    if existing.isEmpty, let known = sortedColumns[columns] {
      tables[key]?.columns = known
      return
    }
    var all = existing + columns
    all.sortIfNeeded { $0.name < $1.name }
    let shared = columnPool.share(all)
    if existing.isEmpty { sortedColumns[columns] = shared }
    tables[key]?.columns = shared
  }

  /// The indexes as ``CatalogQueries/indexes(serverVersion:)`` gives them: without
  /// definitions, each with the catalog half of its shape.
  struct ReadIndexes: Sendable {
    /// Each table's (or materialized view's) indexes, their definitions still empty.
    var byTable: [TableKey: [Index]] = [:]
    /// The indexes that need a definition: where they are, their oid, the catalog half of
    /// their shape and their key's column numbers (`1 3`; 0 for an expression).
    var shaped: [(key: TableKey, position: Int, oid: String, shape: String, columns: String)] = []
  }

  /// Reads the rows of ``CatalogQueries/indexes(serverVersion:)`` into each table's indexes;
  /// needs no builder, so another thread can do it.
  static func readIndexes(_ forEachRow: ((Row) -> Void) throws -> Void) rethrows -> ReadIndexes {
    var read = ReadIndexes()
    var interner = StringInterner()
    // Rows come grouped by table: each table's indexes are gathered here, then stored.
    var current: (key: TableKey, indexes: [Index])?
    func store() {
      guard let (key, indexes) = current else { return }
      // Appending leaves room to spare (8 slots for 5 indexes); at 1,000 tenants exact
      // copies are 20 MB smaller.
      read.byTable[key, default: []].append(contentsOf: indexes)
    }
    try forEachRow { row in
      let key = Self.tableKey(row, reusing: current?.key)
      if current?.key != key {
        store()
        current = (key, [])
      }
      if let shape = row[9], let oid = row[10] {
        let position = (read.byTable[key]?.count ?? 0) + (current?.indexes.count ?? 0)
        read.shaped.append((key, position, oid, interner.intern(shape), row[11] ?? ""))
      }
      current?.indexes.append(
        Index(
          name: interner.intern(row[2] ?? ""),
          definition: "",
          isUnique: row[3] == "t",
          isPrimary: row[4] == "t",
          predicate: interner.intern(row[5]),
          isValid: row[6] == "t",
          constraint: interner.intern(row[7]),
          comment: row[8]
        )
      )
    }
    store()
    return read
  }

  /// Gives each table (or materialized view) its indexes, as read by ``readIndexes(_:)``, and
  /// returns the oids of the indexes to deparse: one of each shape.
  ///
  /// A shape is completed here with the name, type and collation of each key column, from
  /// the columns already read; an index whose columns are unknown is its own shape. The
  /// lowest oid of a shape is the one deparsed, and every index of the shape gets its
  /// definition in ``setIndexDefinitions(_:)``.
  mutating func setIndexes(_ read: ReadIndexes) -> [String] {
    finishColumns()
    for (key, indexes) in read.byTable {
      if tables[key] != nil {
        tables[key]?.indexes = indexes
      } else {
        views[key]?.indexes = indexes
      }
    }
    /// The columns' half of a shape, per list of columns (tenants share theirs, see
    /// ``ArrayPool``) and key: worked out once, not once per tenant.
    struct KeyColumns: Hashable {
      var columns: UnsafeRawPointer?
      var numbers: String
    }
    var keyColumns: [KeyColumns: String?] = [:]
    for index in read.shaped {
      let columns = tables[index.key]?.columns ?? []
      let lookup = KeyColumns(
        columns: columns.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) },
        numbers: index.columns)
      let suffix: String?
      if let known = keyColumns[lookup] {
        suffix = known
      } else {
        suffix = Self.keyColumns(index.columns, of: columns, typed: true)
        keyColumns[lookup] = suffix
      }
      indexShapes.add(
        index.key, index.position, oid: index.oid, shape: suffix.map { index.shape + $0 })
    }
    return indexShapes.oids
  }

  /// The name (and if `typed`, the type and collation) of each column `numbers` lists (`1 3`
  /// or `{1,3}`); `nil` when one is not among `columns` (not read, or an expression).
  ///
  /// Each text is written with its length first, so that no names, however chosen, make two
  /// different lists of columns read alike.
  private static func keyColumns(_ numbers: String, of columns: [Column], typed: Bool) -> String? {
    var text = ""
    for position in Self.numbers(numbers) {
      guard position > 0, let column = columns.first(where: { $0.position == position }) else {
        return nil
      }
      for part in typed ? [column.name, column.type, column.collation ?? ""] : [column.name] {
        text += "|\(part.utf8.count):" + part
      }
    }
    return text
  }

  /// Gives every index its definition from the rows of ``CatalogQueries/indexDefinitions``,
  /// one per shape.
  mutating func setIndexDefinitions(_ forEachRow: ((Row) -> Void) throws -> Void) rethrows {
    let definitions = try indexShapes.definitions(forEachRow) { row in
      Normalize.indexDefinition(
        row[1] ?? "", quotedName: row[2] ?? "", qualifiedTable: row[3] ?? "")
    }
    for (key, position, definition) in definitions {
      if tables[key] != nil {
        tables[key]?.indexes[position].definition = definition
      } else {
        views[key]?.indexes[position].definition = definition
      }
    }
  }

  /// The oids of the check constraints to deparse, one of each shape: the catalog half of the
  /// shape read with the constraint, completed with the names of the columns it uses.
  mutating func checkConstraintsToDeparse() -> [String] {
    finishColumns()
    checkShapes.complete { key, numbers in
      Self.keyColumns(numbers, of: tables[key]?.columns ?? [], typed: false)
    }
    return checkShapes.oids
  }

  /// Gives every check constraint its definition from the rows of
  /// ``CatalogQueries/constraintDefinitions``, one per shape.
  mutating func setCheckDefinitions(_ forEachRow: ((Row) -> Void) throws -> Void) rethrows {
    let definitions = try checkShapes.definitions(forEachRow) { Normalize.whitespace($0[1] ?? "") }
    for (key, position, definition) in definitions {
      tables[key]?.constraints[position].definition = definition
    }
  }

  mutating func addConstraint(_ row: Row) {
    let key = Self.tableKey(row, reusing: lastConstraintTable)
    lastConstraintTable = key
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
    var constraint = Constraint(
      name: interner.intern(row[2] ?? ""),
      kind: kind,
      definition: "",
      deferrable: row[5] == "t",
      deferred: row[6] == "t",
      validated: row[7] == "t"
    )
    if let server = row[4] {
      constraint.definition = interner.intern(Normalize.whitespace(server))
    } else if let keys = row[8] {
      if pendingColumns != nil { finishColumns() }
      let text =
        if kind == .foreignKey {
          foreignKeyDefinition(
            table: key,
            keys: Self.numbers(keys),
            referenced: TableKey(schema: row[12] ?? "", name: row[13] ?? ""),
            quotedReference: row[18] ?? "",
            referencedKeys: Self.numbers(row[14] ?? ""),
            match: row[15] ?? "s",
            onUpdate: row[16] ?? "a",
            onDelete: row[17] ?? "a"
          )
        } else {
          keyDefinition(
            constraint,
            table: key,
            keys: Self.numbers(keys),
            indexColumns: Self.numbers(row[9] ?? ""),
            keyCount: Int(row[10] ?? "") ?? 0,
            nullsNotDistinct: row[11] == "t"
          )
        }
      constraint.definition = interner.intern(text + Self.flags(constraint))
    } else if let shape = row[19], let oid = row[20] {
      checkShapes.add(
        key, tables[key]?.constraints.count ?? 0, oid: oid, shape: interner.intern(shape),
        columns: row[21] ?? "")
    }
    tables[key]?.constraints.append(constraint)
  }

  /// A primary key's or unique constraint's definition as `pg_get_constraintdef` writes it,
  /// without the trailing flags: `UNIQUE [NULLS NOT DISTINCT ](a, b)[ INCLUDE (c)]`.
  private func keyDefinition(
    _ constraint: Constraint,
    table: TableKey,
    keys: [Int],
    indexColumns: [Int],
    keyCount: Int,
    nullsNotDistinct: Bool
  ) -> String {
    var text = constraint.kind == .primaryKey ? "PRIMARY KEY " : "UNIQUE "
    if nullsNotDistinct, constraint.kind == .unique { text += "NULLS NOT DISTINCT " }
    text += "(" + columnList(table, keys) + ")"
    if indexColumns.count > keyCount {
      text += " INCLUDE (" + columnList(table, Array(indexColumns[keyCount...])) + ")"
    }
    return text
  }

  /// A foreign key's definition as `pg_get_constraintdef` writes it, without the trailing
  /// flags: `FOREIGN KEY (a) REFERENCES s.t(b)[ MATCH FULL][ ON UPDATE …][ ON DELETE …]`.
  private func foreignKeyDefinition(
    table: TableKey,
    keys: [Int],
    referenced: TableKey,
    quotedReference: String,
    referencedKeys: [Int],
    match: String,
    onUpdate: String,
    onDelete: String
  ) -> String {
    var text = "FOREIGN KEY (" + columnList(table, keys) + ") REFERENCES "
    text += quotedReference + "(" + columnList(referenced, referencedKeys) + ")"
    switch match {
    case "f": text += " MATCH FULL"
    case "p": text += " MATCH PARTIAL"
    default: break
    }
    func action(_ code: String) -> String? {
      switch code {
      case "r": "RESTRICT"
      case "c": "CASCADE"
      case "n": "SET NULL"
      case "d": "SET DEFAULT"
      default: nil
      }
    }
    if let update = action(onUpdate) { text += " ON UPDATE " + update }
    if let delete = action(onDelete) { text += " ON DELETE " + delete }
    return text
  }

  /// `DEFERRABLE`, `INITIALLY DEFERRED` and `NOT VALID`, as `pg_get_constraintdef` ends with.
  private static func flags(_ constraint: Constraint) -> String {
    var text = ""
    if constraint.deferrable { text += " DEFERRABLE" }
    if constraint.deferred { text += " INITIALLY DEFERRED" }
    if !constraint.validated { text += " NOT VALID" }
    return text
  }

  /// The named columns of `table`, by number, quoted as `quote_ident` quotes them.
  private func columnList(_ table: TableKey, _ positions: [Int]) -> String {
    let columns = tables[table]?.columns ?? []
    let quoted = quotedColumnNames[table] ?? [:]
    return positions.map { position in
      quoted[position] ?? columns.first { $0.position == position }?.name ?? ""
    }
    .joined(separator: ", ")
  }

  /// The numbers in an array's or vector's text: `{1,2}` or `1 2`.
  private static func numbers(_ text: String) -> [Int] {
    text.split { $0 == "{" || $0 == "}" || $0 == "," || $0 == " " }.compactMap { Int($0) }
  }

  mutating func addTrigger(_ row: Row) {
    let key = TableKey(schema: row[0] ?? "", name: row[1] ?? "")
    let trigger = Trigger(
      name: row[2] ?? "",
      definition: Normalize.whitespace(row[3] ?? ""),
      enabled: row[4] ?? "O"
    )
    if tables[key] != nil {
      tables[key]?.triggers.append(trigger)
    } else {
      views[key]?.triggers.append(trigger)
    }
  }

  mutating func addPolicy(_ row: Row) {
    let key = TableKey(schema: row[0] ?? "", name: row[1] ?? "")
    let command =
      switch row[3] {
      case "r": "SELECT"
      case "a": "INSERT"
      case "w": "UPDATE"
      case "d": "DELETE"
      default: "ALL"
      }
    tables[key]?.policies.append(
      Policy(
        name: row[2] ?? "",
        command: command,
        permissive: row[4] == "t",
        roles: (row[5] ?? "public").split(separator: ",").map(String.init).sorted(),
        using: row[6].map(Normalize.whitespace),
        withCheck: row[7].map(Normalize.whitespace)
      )
    )
  }

  /// `INSERT,SELECT` as a list, split once per distinct text.
  private mutating func privilegeList(_ text: String?) -> [String]? {
    guard let text else { return nil }
    if let known = privilegeLists[text] { return known }
    let list = text.split(separator: ",").map(String.init)
    privilegeLists[text] = list
    return list
  }

  /// One row of ``CatalogQueries/privileges``: a grantee's grants on one object.
  mutating func addPrivilege(_ row: Row) {
    let schema = row[1] ?? ""
    let name = row[2] ?? ""
    let privilege = Privilege(
      grantee: interner.intern(row[4] ?? ""), privileges: privilegeList(row[5]) ?? [],
      grantable: privilegeList(row[6]))
    switch row[0] {
    case "r", "p", "f":
      // Rows of one table come together: its key is made once.
      let key: TableKey
      if let last = lastPrivilegeTable, last.schema == schema, last.name == name {
        key = last
      } else {
        key = TableKey(schema: interner.intern(schema), name: name)
      }
      lastPrivilegeTable = key
      tables[key]?.privileges.append(privilege)
    case "c":
      let key = TableKey(schema: schema, name: name)
      columnGrants[key, default: [:]][row[3] ?? "", default: []].append(privilege)
    case "n":
      grants[GrantTarget(kind: .schema, schema: schema, name: name), default: []].append(privilege)
    case "F":
      let signature = "\(name)(\(row[3] ?? ""))"
      grants[GrantTarget(kind: .function, schema: schema, name: signature), default: []].append(
        privilege)
    case "T":
      grants[GrantTarget(kind: .type, schema: schema, name: name), default: []].append(privilege)
    default:
      grants[GrantTarget(kind: .relation, schema: schema, name: name), default: []].append(
        privilege)
    }
  }

  /// One row of ``CatalogQueries/defaultPrivileges``.
  mutating func addDefaultPrivilege(_ row: Row) {
    let objects =
      switch row[2] {
      case "r": "tables"
      case "S": "sequences"
      case "f": "functions"
      case "T": "types"
      case "n": "schemas"
      default: row[2] ?? ""
      }
    defaultPrivileges.append(
      DefaultPrivilege(
        role: row[0] ?? "", schema: row[1], objects: objects,
        privilege: Privilege(
          grantee: row[3] ?? "", privileges: privilegeList(row[4]) ?? [],
          grantable: privilegeList(row[5])),
        revoked: privilegeList(row[6])))
  }

  /// Gives views, sequences, functions, types, schemas and columns their grants: every one of
  /// them was read, so an object without a row has none.
  private mutating func giveGrants(to schemas: inout [String: Schema]) {
    let grants = self.grants
    self.grants = [:]
    func take(_ kind: GrantTarget.Kind, _ schema: String, _ name: String) -> [Privilege] {
      grants[GrantTarget(kind: kind, schema: schema, name: name)] ?? []
    }
    for (name, var schema) in schemas {
      schema.privileges = take(.schema, name, name)
      for index in schema.views.indices {
        schema.views[index].privileges = take(.relation, name, schema.views[index].name)
      }
      for index in schema.sequences.indices {
        schema.sequences[index].privileges = take(.relation, name, schema.sequences[index].name)
      }
      for index in schema.functions.indices {
        schema.functions[index].privileges = take(
          .function, name, schema.functions[index].signature)
      }
      for index in schema.types.indices {
        schema.types[index].privileges = take(.type, name, schema.types[index].name)
      }
      for index in schema.tables.indices {
        guard let columns = columnGrants[TableKey(schema: name, name: schema.tables[index].name)]
        else { continue }
        for column in schema.tables[index].columns.indices {
          schema.tables[index].columns[column].privileges =
            columns[schema.tables[index].columns[column].name]
        }
      }
      schemas[name] = schema
    }
    columnGrants = [:]
  }

  mutating func addSequence(_ row: Row) {
    let schema = row[0] ?? ""
    schemaByName[schema]?.sequences.append(
      SequenceDefinition(
        name: row[1] ?? "",
        dataType: row[2] ?? "",
        start: row[3] ?? "",
        increment: row[4] ?? "",
        minimum: row[5] ?? "",
        maximum: row[6] ?? "",
        cache: row[7] ?? "",
        cycle: row[8] == "t",
        ownedBy: row[9],
        owner: row[10] ?? ""
      )
    )
  }

  mutating func addType(_ row: Row) {
    let schema = row[0] ?? ""
    let kind: TypeDefinition.Kind =
      switch row[2] {
      case "e": .enum
      case "d": .domain
      case "r": .range
      default: .composite
      }
    schemaByName[schema]?.types.append(
      TypeDefinition(
        name: row[1] ?? "",
        kind: kind,
        definition: Normalize.whitespace(row[3] ?? ""),
        owner: row[4] ?? "",
        comment: row[5]
      )
    )
  }

  mutating func addFunction(_ row: Row) {
    let schema = row[0] ?? ""
    let kind =
      switch row[3] {
      case "p": "procedure"
      case "a": "aggregate"
      case "w": "window"
      default: "function"
      }
    schemaByName[schema]?.functions.append(
      FunctionDefinition(
        name: row[1] ?? "",
        arguments: row[2] ?? "",
        kind: kind,
        result: row[4] ?? "",
        language: row[5] ?? "",
        definitionHash: row[6] ?? "",
        owner: row[7] ?? "",
        comment: row[8]
      )
    )
  }

  mutating func addCollation(_ row: Row) {
    let schema = row[0] ?? ""
    let provider =
      switch row[2] {
      case "i": "icu"
      case "c": "libc"
      case "b": "builtin"
      default: "default"
      }
    schemaByName[schema]?.collations.append(
      Collation(
        name: row[1] ?? "",
        provider: provider,
        collate: row[3] ?? "",
        ctype: row[4] ?? "",
        deterministic: row[5] != "f"
      )
    )
  }
}

/// Normalisations that make definitions compare equal when only their spelling differs.
public enum Normalize {
  /// Collapses every run of white space to one space and trims the ends.
  public static func whitespace(_ text: String) -> String {
    if isNormal(text) { return text }
    var result = ""
    result.reserveCapacity(text.utf8.count)
    var pendingSpace = false
    for character in text {
      if character.isWhitespace {
        pendingSpace = !result.isEmpty
      } else {
        if pendingSpace { result.append(" ") }
        pendingSpace = false
        result.append(character)
      }
    }
    return result
  }

  /// Tells whether `text` has no white space to collapse.
  ///
  /// No tab or line break, no double space, no space at either end; checked on bytes, which is
  /// all that most catalog text needs.
  private static func isNormal(_ text: String) -> Bool {
    var previousSpace = true
    for byte in text.utf8 {
      switch byte {
      case 0x20:
        if previousSpace { return false }
        previousSpace = true
      case 0x09, 0x0A, 0x0B, 0x0C, 0x0D: return false
      case 0xC2, 0xE1, 0xE2, 0xE3: return false  // lead bytes of Unicode spaces: take the slow path
      default: previousSpace = false
      }
    }
    return !previousSpace || text.isEmpty
  }

  /// `schema.name`, unquoted, as parents of partitions and inheritance are recorded.
  static func qualified(_ schema: String, _ name: String) -> String {
    "\(schema).\(name)"
  }

  /// Removes `CREATE [UNIQUE] INDEX name ON [ONLY] schema.table ` from `pg_get_indexdef` output.
  ///
  /// What remains (`UNIQUE USING btree (domain)`) is the same for the same index under any name.
  public static func indexDefinition(
    _ definition: String,
    quotedName: String,
    qualifiedTable: String
  ) -> String {
    for unique in [true, false] {
      for only in [true, false] {
        let prefix =
          "CREATE \(unique ? "UNIQUE " : "")INDEX \(quotedName) ON \(only ? "ONLY " : "")"
          + "\(qualifiedTable) "
        if definition.hasPrefix(prefix) {
          let rest = definition.dropFirst(prefix.count)
          return whitespace((unique ? "UNIQUE " : "") + (only ? "ONLY " : "") + rest)
        }
      }
    }
    return whitespace(definition)
  }
}

/// Objects that the server deparses once per *shape*: the lowest oid of each shape is
/// deparsed, and every object of the shape gets that definition.
///
/// A shape is what fully determines an object's definition once its own name and table are
/// taken out: the catalog half comes with the object's row, and the builder completes it with
/// the columns the object names (see ``CatalogQueries/indexes(serverVersion:)`` and
/// ``CatalogQueries/constraints(serverVersion:)``). An object whose shape cannot be completed is
/// a shape of its own.
struct OneDeparsePerShape {
  typealias TableKey = SnapshotBuilder.TableKey

  /// Objects waiting for their definition: where they are, their oid, and their shape (`nil`
  /// until completed, when added with their columns still to name).
  private var waiting:
    [(key: TableKey, position: Int, oid: String, shape: String?, columns: String)] = []
  /// The oid deparsed for each shape.
  private var representatives: [String: String] = [:]

  /// Adds the object at `position` of `key`'s list with its full `shape` (`nil`: its own).
  mutating func add(_ key: TableKey, _ position: Int, oid: String, shape: String?) {
    let shape = shape ?? oid
    waiting.append((key, position, oid, shape, ""))
    choose(oid, for: shape)
  }

  /// Adds the object at `position` of `key`'s list with the catalog half of its shape and the
  /// numbers of the columns it names, for ``complete(_:)`` to finish.
  mutating func add(_ key: TableKey, _ position: Int, oid: String, shape: String, columns: String) {
    guard !columns.isEmpty else { return add(key, position, oid: oid, shape: nil) }
    waiting.append((key, position, oid, shape, columns))
  }

  /// Completes the shapes added with their columns: `columns` names them (`nil`: the object is
  /// a shape of its own).
  mutating func complete(_ columns: (TableKey, String) -> String?) {
    for index in waiting.indices where !waiting[index].columns.isEmpty {
      let item = waiting[index]
      let shape = columns(item.key, item.columns).map { (item.shape ?? "") + $0 } ?? item.oid
      waiting[index].shape = shape
      waiting[index].columns = ""
      choose(item.oid, for: shape)
    }
  }

  private mutating func choose(_ oid: String, for shape: String) {
    if representatives[shape].map({ Self.number(oid) < Self.number($0) }) ?? true {
      representatives[shape] = oid
    }
  }

  /// The oids to deparse, lowest first.
  var oids: [String] {
    representatives.values.sorted { Self.number($0) < Self.number($1) }
  }

  /// Reads the deparsed rows (the oid first) and returns each waiting object's definition,
  /// emptying the list; `definition` turns a row into the text stored.
  mutating func definitions(
    _ forEachRow: ((Row) -> Void) throws -> Void,
    _ definition: @escaping (Row) -> String
  ) rethrows -> [(key: TableKey, position: Int, definition: String)] {
    var byOid: [String: String] = [:]
    var interner = StringInterner()
    try forEachRow { row in
      guard let oid = row[0], row[1] != nil else { return }
      byOid[oid] = interner.intern(definition(row))
    }
    let found = waiting.compactMap { item -> (TableKey, Int, String)? in
      guard let shape = item.shape, let oid = representatives[shape], let text = byOid[oid]
      else { return nil }
      return (item.key, item.position, text)
    }
    waiting = []
    representatives = [:]
    return found
  }

  private static func number(_ oid: String) -> UInt32 { UInt32(oid) ?? 0 }
}
