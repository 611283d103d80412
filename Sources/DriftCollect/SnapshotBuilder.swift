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

  mutating func addSchema(_ row: CatalogQueries.SchemaRow) {
    let name = row.name ?? ""
    schemaByName[name] = Schema(name: name, owner: row.owner ?? "", comment: row.comment)
  }

  mutating func addRelation(_ row: CatalogQueries.RelationRow) {
    let key = TableKey(schema: row.schema ?? "", name: row.name ?? "")
    let kind = row.kind ?? "r"
    switch kind {
    case "v", "m":
      var view = View(
        name: key.name,
        materialized: kind == "m",
        definition: Normalize.whitespace(row.viewDefinition ?? ""),
        owner: row.owner ?? "",
        comment: row.comment
      )
      view.options = Self.options(row.options)
      views[key] = view
    default:
      var table = Table(
        name: key.name,
        kind: kind == "p" ? .partitioned : kind == "f" ? .foreign : .ordinary,
        unlogged: row.persistence == "u",
        owner: row.owner ?? "",
        rowSecurity: row.rowSecurity,
        forceRowSecurity: row.forceRowSecurity,
        partitionKey: row.partitionKey,
        partitionBound: row.partitionBound,
        comment: row.comment
      )
      table.options = Self.options(row.options)
      table.replicaIdentity = row.replicaIdentity
      table.tablespace = row.tablespace
      table.foreignServer = row.foreignServer
      if kind == "f" {
        let options = DatabaseObjectReader.redacted(row.foreignOptions)
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
  mutating func addRule(_ row: CatalogQueries.RuleRow) {
    let key = TableKey(schema: row.schema ?? "", name: row.relation ?? "")
    let rule = Rule(name: row.name ?? "", definition: Normalize.whitespace(row.definition ?? ""))
    if let table = tables[key] {
      let known = table.rules ?? []
      tables[key]?.rules = known + [rule]
    } else if let view = views[key] {
      let known = view.rules ?? []
      views[key]?.rules = known + [rule]
    }
  }

  /// One row of ``CatalogQueries/statistics``.
  mutating func addStatistics(_ row: CatalogQueries.StatisticsRow) {
    let key = TableKey(schema: row.schema ?? "", name: row.table ?? "")
    let object = StatisticsObject(name: row.name ?? "", definition: row.definition ?? "")
    guard tables[key] != nil else { return }
    let known = tables[key].flatMap(\.statistics) ?? []
    tables[key]?.statistics = known + [object]
  }

  mutating func addInheritance(_ row: CatalogQueries.InheritanceRow) {
    let key = TableKey(schema: row.schema ?? "", name: row.table ?? "")
    let parent = Normalize.qualified(row.parentSchema ?? "", row.parent ?? "")
    if row.isPartition {
      tables[key]?.partitionOf = parent
    } else {
      tables[key]?.inherits.append(parent)
    }
  }

  mutating func addViewDependency(_ row: CatalogQueries.ViewDependencyRow) {
    let key = TableKey(schema: row.schema ?? "", name: row.view ?? "")
    let dependency = Normalize.qualified(row.referencedSchema ?? "", row.referenced ?? "")
    if views[key]?.dependsOn.contains(dependency) == false {
      views[key]?.dependsOn.append(dependency)
      views[key]?.dependsOn.sort()
    }
  }

  /// The table named by the row's first two columns, reusing `previous` when it is the same.
  ///
  /// Every statement whose rows belong to a table gives the table's schema and name first, so
  /// this one check serves all of their row types.
  private static func tableKey(_ row: Row, reusing previous: TableKey?) -> TableKey {
    if let previous, row.holds(1, previous.name), row.holds(0, previous.schema) {
      return previous
    }
    return TableKey(schema: row[0] ?? "", name: row[1] ?? "")
  }

  mutating func addColumn(_ row: CatalogQueries.ColumnRow) {
    let key = Self.tableKey(row.raw, reusing: pendingColumns?.key)
    let identity: String? =
      switch row.identity {
      case "a": "always"
      case "d": "by default"
      default: nil
      }
    if pendingColumns?.key != key {
      finishColumns()
      pendingColumns = (key, [])
    }
    if let quoted = row.quotedName, let position = row.position {
      quotedColumnNames[key, default: [:]][position] = quoted
    }
    var column = Column(
      name: interner.intern(row.name ?? ""),
      position: row.position ?? 0,
      type: interner.intern(row.type ?? ""),
      notNull: row.notNull,
      defaultValue: interner.intern(row.defaultValue),
      identity: identity,
      generated: interner.intern(row.generated),
      generatedStorage: row.isVirtual ? .virtual : nil,
      collation: interner.intern(row.collation),
      comment: row.comment
    )
    column.storage = row.storage
    column.compression = row.compression
    column.statisticsTarget = row.statisticsTarget
    column.inheritance = row.inheritance
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
    try forEachRow { raw in
      let row = CatalogQueries.IndexRow(raw: raw)
      let key = Self.tableKey(raw, reusing: current?.key)
      if current?.key != key {
        store()
        current = (key, [])
      }
      if let shape = row.shape, let oid = row.oid {
        let position = (read.byTable[key]?.count ?? 0) + (current?.indexes.count ?? 0)
        read.shaped.append((key, position, oid, interner.intern(shape), row.keyColumns ?? ""))
      }
      var index = Index(
        name: interner.intern(row.name ?? ""),
        definition: "",
        isUnique: row.isUnique,
        isPrimary: row.isPrimary,
        predicate: interner.intern(row.predicate),
        isValid: row.isValid,
        constraint: interner.intern(row.constraint),
        comment: row.comment
      )
      index.tablespace = interner.intern(row.tablespace)
      current?.indexes.append(index)
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
    let definitions = try indexShapes.definitions(forEachRow) { raw in
      let row = CatalogQueries.IndexDefinitionRow(raw: raw)
      guard let oid = row.oid, let full = row.definition else { return nil }
      return (
        oid,
        Normalize.indexDefinition(
          full, quotedName: row.quotedName ?? "", qualifiedTable: row.qualifiedTable ?? "")
      )
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
    let definitions = try checkShapes.definitions(forEachRow) { raw in
      let row = CatalogQueries.ConstraintDefinitionRow(raw: raw)
      guard let oid = row.oid, let full = row.definition else { return nil }
      return (oid, Normalize.whitespace(full))
    }
    for (key, position, definition) in definitions {
      tables[key]?.constraints[position].definition = definition
    }
  }

  mutating func addConstraint(_ row: CatalogQueries.ConstraintRow) {
    let key = Self.tableKey(row.raw, reusing: lastConstraintTable)
    lastConstraintTable = key
    let kind: Constraint.Kind =
      switch row.kind {
      case "p": .primaryKey
      case "u": .unique
      case "f": .foreignKey
      case "x": .exclusion
      case "t": .trigger
      case "n": .notNull
      default: .check
      }
    var constraint = Constraint(
      name: interner.intern(row.name ?? ""),
      kind: kind,
      definition: "",
      deferrable: row.deferrable,
      deferred: row.deferred,
      validated: row.validated
    )
    if let server = row.definition {
      constraint.definition = interner.intern(Normalize.whitespace(server))
    } else if let keys = row.keys {
      if pendingColumns != nil { finishColumns() }
      let text =
        if kind == .foreignKey {
          foreignKeyDefinition(
            table: key,
            keys: Self.numbers(keys),
            referenced: TableKey(
              schema: row.referencedSchema ?? "", name: row.referencedTable ?? ""),
            quotedReference: row.quotedReference ?? "",
            referencedKeys: Self.numbers(row.referencedKeys ?? ""),
            match: row.match ?? "s",
            onUpdate: row.onUpdate ?? "a",
            onDelete: row.onDelete ?? "a"
          )
        } else {
          keyDefinition(
            constraint,
            table: key,
            keys: Self.numbers(keys),
            indexColumns: Self.numbers(row.indexColumns ?? ""),
            keyCount: row.keyCount ?? 0,
            nullsNotDistinct: row.nullsNotDistinct
          )
        }
      constraint.definition = interner.intern(text + Self.flags(constraint))
    } else if let shape = row.shape, let oid = row.oid {
      checkShapes.add(
        key, tables[key]?.constraints.count ?? 0, oid: oid, shape: interner.intern(shape),
        columns: row.columnNumbers ?? "")
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

  mutating func addTrigger(_ row: CatalogQueries.TriggerRow) {
    let key = TableKey(schema: row.schema ?? "", name: row.table ?? "")
    let trigger = Trigger(
      name: row.name ?? "",
      definition: Normalize.whitespace(row.definition ?? ""),
      enabled: row.enabled ?? "O"
    )
    if tables[key] != nil {
      tables[key]?.triggers.append(trigger)
    } else {
      views[key]?.triggers.append(trigger)
    }
  }

  mutating func addPolicy(_ row: CatalogQueries.PolicyRow) {
    let key = TableKey(schema: row.schema ?? "", name: row.table ?? "")
    let command =
      switch row.command {
      case "r": "SELECT"
      case "a": "INSERT"
      case "w": "UPDATE"
      case "d": "DELETE"
      default: "ALL"
      }
    tables[key]?.policies.append(
      Policy(
        name: row.name ?? "",
        command: command,
        permissive: row.permissive,
        roles: (row.roles ?? "public").split(separator: ",").map(String.init).sorted(),
        using: row.using.map(Normalize.whitespace),
        withCheck: row.withCheck.map(Normalize.whitespace)
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
  mutating func addPrivilege(_ row: CatalogQueries.PrivilegeRow) {
    let schema = row.schema ?? ""
    let name = row.name ?? ""
    let privilege = Privilege(
      grantee: interner.intern(row.grantee ?? ""), privileges: privilegeList(row.privileges) ?? [],
      grantable: privilegeList(row.grantable))
    switch row.kind {
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
      columnGrants[key, default: [:]][row.detail ?? "", default: []].append(privilege)
    case "n":
      grants[GrantTarget(kind: .schema, schema: schema, name: name), default: []].append(privilege)
    case "F":
      let signature = "\(name)(\(row.detail ?? ""))"
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
  mutating func addDefaultPrivilege(_ row: CatalogQueries.DefaultPrivilegeRow) {
    let objects =
      switch row.objects {
      case "r": "tables"
      case "S": "sequences"
      case "f": "functions"
      case "T": "types"
      case "n": "schemas"
      default: row.objects ?? ""
      }
    defaultPrivileges.append(
      DefaultPrivilege(
        role: row.role ?? "", schema: row.schema, objects: objects,
        privilege: Privilege(
          grantee: row.grantee ?? "", privileges: privilegeList(row.granted) ?? [],
          grantable: privilegeList(row.grantable)),
        revoked: privilegeList(row.revoked)))
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

  mutating func addSequence(_ row: CatalogQueries.SequenceRow) {
    let schema = row.schema ?? ""
    schemaByName[schema]?.sequences.append(
      SequenceDefinition(
        name: row.name ?? "",
        dataType: row.dataType ?? "",
        start: row.start ?? "",
        increment: row.increment ?? "",
        minimum: row.minimum ?? "",
        maximum: row.maximum ?? "",
        cache: row.cache ?? "",
        cycle: row.cycle,
        ownedBy: row.ownedBy,
        owner: row.owner ?? ""
      )
    )
  }

  mutating func addType(_ row: CatalogQueries.TypeRow) {
    let schema = row.schema ?? ""
    let kind: TypeDefinition.Kind =
      switch row.kind {
      case "e": .enum
      case "d": .domain
      case "r": .range
      default: .composite
      }
    schemaByName[schema]?.types.append(
      TypeDefinition(
        name: row.name ?? "",
        kind: kind,
        definition: Normalize.whitespace(row.definition ?? ""),
        owner: row.owner ?? "",
        comment: row.comment
      )
    )
  }

  mutating func addFunction(_ row: CatalogQueries.FunctionRow) {
    let schema = row.schema ?? ""
    let kind =
      switch row.kind {
      case "p": "procedure"
      case "a": "aggregate"
      case "w": "window"
      default: "function"
      }
    schemaByName[schema]?.functions.append(
      FunctionDefinition(
        name: row.name ?? "",
        arguments: row.arguments ?? "",
        kind: kind,
        result: row.result ?? "",
        language: row.language ?? "",
        definitionHash: row.definitionHash ?? "",
        owner: row.owner ?? "",
        comment: row.comment
      )
    )
  }

  mutating func addCollation(_ row: CatalogQueries.CollationRow) {
    let schema = row.schema ?? ""
    let provider =
      switch row.provider {
      case "i": "icu"
      case "c": "libc"
      case "b": "builtin"
      default: "default"
      }
    schemaByName[schema]?.collations.append(
      Collation(
        name: row.name ?? "",
        provider: provider,
        collate: row.collate ?? "",
        ctype: row.ctype ?? "",
        deterministic: row.deterministic != "f"
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

  /// Objects waiting for their definition: where they are, their oid, their shape, and the
  /// numbers of the columns still to name in it (empty once the shape is complete).
  private var waiting:
    [(key: TableKey, position: Int, oid: String, shape: String, columns: String)] = []
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
      let shape = columns(item.key, item.columns).map { item.shape + $0 } ?? item.oid
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

  /// Reads the deparsed rows and returns each waiting object's definition, emptying the list;
  /// `definition` reads a row's oid and the text stored (`nil`: a row without one).
  mutating func definitions(
    _ forEachRow: ((Row) -> Void) throws -> Void,
    _ definition: @escaping (Row) -> (oid: String, text: String)?
  ) rethrows -> [(key: TableKey, position: Int, definition: String)] {
    var byOid: [String: String] = [:]
    var interner = StringInterner()
    try forEachRow { row in
      guard let (oid, text) = definition(row) else { return }
      byOid[oid] = interner.intern(text)
    }
    let found = waiting.compactMap { item -> (TableKey, Int, String)? in
      guard let oid = representatives[item.shape], let text = byOid[oid] else { return nil }
      return (item.key, item.position, text)
    }
    waiting = []
    representatives = [:]
    return found
  }

  private static func number(_ oid: String) -> UInt32 { UInt32(oid) ?? 0 }
}
