import DriftCode
import DriftModel
import Foundation

/// Answers one error message from the environments' names and migration rows, and the code
/// when given.
///
/// Says where the object is, under which other name, and which migration made, renamed or
/// dropped it, recorded where. Pure: it reads snapshots and parsed files only.
public struct Explainer: Sendable {
  /// The project's migrations, when the user gave them.
  public var code: MigrationCode?

  /// Creates an explainer.
  public init(code: MigrationCode? = nil) {
    self.code = code
  }

  /// The explanation of `error` across `environments`, in their order.
  public func explain(_ error: ErrorReport, in environments: [CollectedEnvironment])
    -> Explanation
  {
    switch error.kind {
    case .inconsistentHistory, .nodeNotFound:
      return history(error, in: environments)
    default:
      let split = object(error, in: environments)
      // `relation "a.b"` is `b` in schema `a`, unless only a relation called `a.b` exists.
      guard !split.foundAnywhere, let written = error.written else { return split }
      var whole = error
      whole.name = written
      whole.schema = nil
      let asWritten = object(whole, in: environments)
      return asWritten.foundAnywhere ? asWritten : split
    }
  }

  /// The names a targeted read must fetch to explain `errors`: each object and its table, the
  /// names the code's operations rename them to or from, and (``NameFilter/renamedFrom``) the
  /// objects whose rename migrations may name their new names.
  ///
  /// `access` holds the objects of privilege errors, whose owner and grants are read too.
  public func names(for errors: [ErrorReport])
    -> (names: Set<String>, renamedFrom: Set<String>, access: Set<String>)
  {
    var names = Set<String>()
    var renamedFrom = Set<String>()
    var access = Set<String>()
    for error in errors where error.isPrivilege {
      names.insert(error.name)
      access.insert(error.name)
      if let table = error.table {
        names.insert(table)
        access.insert(table)
      }
    }
    for error in errors where !error.isHistory && !error.isPrivilege {
      names.insert(error.name)
      if let written = error.written { names.insert(written) }
      if let table = error.table { names.insert(table) }
      renamedFrom.insert(error.name)
      for fact in codeMigrations(for: error) {
        if let to = fact.renamedTo { names.insert(to) }
        if let from = fact.renamedFrom { names.insert(from) }
      }
    }
    return (names, renamedFrom, access)
  }

  // MARK: - Objects

  /// Whether `names` (one schema) holds the error's object.
  private static func holds(_ names: SchemaNames, _ error: ErrorReport, name: String) -> Bool {
    switch error.kind {
    case .undefinedRelation, .duplicateRelation:
      return names.relations[name] != nil
        || names.relations.values.contains { $0.indexes.contains(name) }
    case .undefinedIndex:
      return names.relations.values.contains { $0.indexes.contains(name) }
    case .undefinedColumn, .duplicateColumn:
      if let table = error.table { return names.relations[table]?.columns.contains(name) == true }
      return names.relations.values.contains { $0.columns.contains(name) }
    case .undefinedConstraint, .duplicateConstraint:
      let relations =
        error.table.map { names.relations[$0].map { [$0] } ?? [] }
        ?? Array(names.relations.values)
      return relations.contains { $0.constraints.contains(name) || $0.indexes.contains(name) }
    case .undefinedFunction:
      return names.functions.contains(name)
    case .undefinedType:
      return names.types.contains(name)
    case .insufficientPrivilege, .notOwner:
      switch PrivilegeObject(error.objectType) {
      case .relation: return names.relations[name] != nil
      case .index: return names.relations.values.contains { $0.indexes.contains(name) }
      case .column:
        if let table = error.table { return names.relations[table]?.columns.contains(name) == true }
        return names.relations.values.contains { $0.columns.contains(name) }
      case .routine: return names.functions.contains(name)
      case .type: return names.types.contains(name)
      case .schema, .database, .outside, .other: return false
      }
    default:
      return false
    }
  }

  /// The families of objects a privilege message can name, as far as finding them goes.
  enum PrivilegeObject {
    case relation, index, column, routine, type, schema, database, other
    /// A foreign server, foreign-data wrapper, language or tablespace: outside every schema,
    /// found by kind and name.
    case outside

    init(_ word: String?) {
      switch word {
      case "table", "relation", "view", "materialized view", "sequence", "foreign table":
        self = .relation
      case "index": self = .index
      case "column": self = .column
      case "function", "procedure", "aggregate", "routine": self = .routine
      case "type", "domain": self = .type
      case "schema": self = .schema
      case "database": self = .database
      case let word? where ObjectAccess.outsideKinds.contains(word): self = .outside
      default: self = .other
      }
    }
  }

  private func object(_ error: ErrorReport, in environments: [CollectedEnvironment])
    -> Explanation
  {
    let read = environments.compactMap(\.snapshot)
    // Each snapshot's names, once: a full snapshot (a file) derives them from its schemas.
    let allNames = read.map(\.allNames)
    var namesByEnvironment: [String: [String: SchemaNames]] = [:]
    for (snapshot, names) in zip(read, allNames) {
      namesByEnvironment[snapshot.environment.name] = names
    }
    var migrations = error.isPrivilege ? [] : codeMigrations(for: error)
    var renamedTo = migrations.compactMap(\.renamedTo).first
    let renamedFrom = migrations.compactMap(\.renamedFrom).first
    if code == nil, !error.isPrivilege {
      let mentioned = Self.mentioningRows(error.name, in: read)
      migrations = mentioned.map { Fact(name: $0, effect: .mentions) }
      if renamedTo == nil {
        renamedTo = Self.renameTarget(of: error.name, rows: mentioned, in: allNames)
      }
      let table = error.table ?? error.name
      if migrations.isEmpty, let first = Self.firstMigration(ofAppOwning: table, in: read) {
        // Django names migrations after their models (`0005_client_domain` for
        // `tenants_domain`): the app's migrations that name the model, else its first one.
        let app = String(first.prefix { $0 != "." })
        let model = String(table.dropFirst(app.count + 1))
        let named =
          error.isDuplicate
          ? Self.mentioningRows(model, in: read).filter { $0.hasPrefix(app + ".") } : []
        migrations =
          named.isEmpty
          ? [Fact(name: first, effect: .firstOfApp)]
          : named.map { Fact(name: $0, effect: .mentions) }
      }
    }
    // No migration says where it went: an object of the same definition under another name,
    // where it is absent, is the same object renamed.
    var sameDefinition: String?
    if renamedTo == nil, let found = Self.sameDefinition(as: error, in: allNames) {
      renamedTo = found.name
      sameDefinition = found.definition
    }
    // The kind of schema the object lives in: where it exists, under either name, anywhere.
    var presentSchemas = Set<String>()
    var tenantKind = false
    for (snapshot, schemas) in zip(read, allNames) {
      let tenants = Set(snapshot.tenantSchemas)
      for (schema, names) in schemas
      where Self.holds(names, error, name: error.name)
        || renamedTo.map({ Self.holds(names, error, name: $0) }) == true
      {
        presentSchemas.insert(schema)
        if tenants.contains(schema) { tenantKind = true }
      }
    }
    var places: [Explanation.Place] = []
    var candidatesByEnvironment: [String: [String]] = [:]
    for environment in environments {
      guard let snapshot = environment.snapshot else {
        places.append(
          Explanation.Place(environment: environment.name, read: false, error: environment.error))
        continue
      }
      let all = namesByEnvironment[environment.name] ?? [:]
      var candidates: Set<String>
      if let schema = error.schema {
        candidates = [schema]
      } else {
        candidates = presentSchemas.filter { all[$0] != nil }
        if tenantKind { candidates.formUnion(snapshot.tenantSchemas) }
        if candidates.isEmpty, all["public"] != nil { candidates = ["public"] }
      }
      let ordered = candidates.sorted(by: Schema.listedBefore)
      candidatesByEnvironment[environment.name] = ordered
      var place = Explanation.Place(environment: environment.name)
      for schema in ordered {
        if error.kind == .undefinedSchema || error.kind == .undefinedRole
          || error.isPrivilege
            && [.schema, .database, .outside].contains(PrivilegeObject(error.objectType))
        {
          continue
        }
        guard let names = all[schema] else {
          place.absent.append(schema)
          continue
        }
        if Self.holds(names, error, name: error.name) {
          place.present.append(schema)
        } else if let renamedTo, Self.holds(names, error, name: renamedTo) {
          place.renamed.append(schema)
        } else {
          place.absent.append(schema)
        }
      }
      places.append(place)
    }
    if error.kind == .undefinedRole {
      for index in places.indices where places[index].read {
        let name = places[index].environment
        // A names-only read has the role names; a full snapshot (a file) its roles.
        let snapshot = read.snapshot(of: name)
        guard
          let roles = snapshot?.roleNames ?? snapshot?.roles.map({ Set($0.map(\.name)) })
        else {
          places[index].read = false
          places[index].error = "its roles were not read (a snapshot file from before they were)"
          continue
        }
        places[index].present = roles.contains(error.name) ? [error.name] : []
        places[index].absent = places[index].present.isEmpty ? [error.name] : []
      }
    }
    let privilegeObject = PrivilegeObject(error.objectType)
    if error.kind == .undefinedSchema || error.isPrivilege && privilegeObject == .schema {
      for index in places.indices where places[index].read {
        let name = places[index].environment
        let snapshot = read.snapshot(of: name)
        places[index].present =
          snapshot?.schemas.contains { $0.name == error.name } == true
          ? [error.name] : []
        places[index].absent = places[index].present.isEmpty ? [error.name] : []
      }
    }
    if error.isPrivilege && privilegeObject == .outside {
      for index in places.indices where places[index].read {
        let name = places[index].environment
        let snapshot = read.snapshot(of: name)
        places[index].present =
          snapshot?.allAccess.contains { $0.kind == error.objectType && $0.name == error.name }
            == true ? [error.name] : []
        places[index].absent = places[index].present.isEmpty ? [error.name] : []
      }
    }
    if error.isPrivilege && privilegeObject == .database {
      for index in places.indices where places[index].read {
        let name = places[index].environment
        // The message names the database it failed in; elsewhere it has its own name.
        let database = read.snapshot(of: name)?.environment.database
        places[index].present = database.map { [$0] } ?? []
      }
    }
    let facts = migrations.map { fact in
      Explanation.Migration(
        name: fact.name, effect: fact.effect, operation: fact.operation,
        idempotent: fact.idempotent,
        applied: Self.recorded(fact.name, in: read, schemas: candidatesByEnvironment))
    }
    var explanation = Explanation(
      error: error, places: places, renamedTo: renamedTo, renamedFrom: renamedFrom,
      migrations: facts)
    explanation.sameDefinition = sameDefinition
    explanation.relationKind = Self.relationKind(
      of: [error.name] + [renamedTo].compactMap { $0 }, in: allNames)
    if error.isPrivilege { Self.addAccess(to: &explanation, from: read) }
    return explanation
  }

  // MARK: - Renames by definition

  /// Whether `error` is about an object a rename keeps the definition of.
  private static func renamable(_ error: ErrorReport) -> Bool {
    [.undefinedRelation, .undefinedIndex, .undefinedConstraint].contains(error.kind)
  }

  /// What a second read needs, with definitions, to find the object of `explanation` renamed
  /// where it is absent: the tables holding it where it exists, for a table its column names
  /// (sorted, joined by commas), and the schemas to read definitions in — where it is absent,
  /// and the first where it exists; `nil` when it is found everywhere, nowhere, or already
  /// explained as renamed.
  public func definitionsNeeded(
    for explanation: Explanation, in environments: [CollectedEnvironment]
  ) -> (tables: Set<String>, columnSets: Set<String>, schemas: Set<String>)? {
    let error = explanation.error
    guard Self.renamable(error), explanation.renamedTo == nil, explanation.foundAnywhere,
      explanation.places.contains(where: { $0.read && !$0.absent.isEmpty })
    else { return nil }
    var schemas = Set<String>()
    for place in explanation.places where place.read {
      schemas.formUnion(place.absent)
      if let first = place.present.first { schemas.insert(first) }
    }
    var tables = Set<String>()
    var columnSets = Set<String>()
    for snapshot in environments.compactMap(\.snapshot) {
      for names in snapshot.allNames.values {
        for (table, relation) in names.relations {
          if relation.indexes.contains(error.name) || relation.constraints.contains(error.name) {
            tables.insert(table)
          }
          if table == error.name, relation.kind == .table, relation.columns.count > 1 {
            columnSets.insert(relation.columns.sorted().joined(separator: ","))
          }
        }
      }
    }
    return tables.isEmpty && columnSets.isEmpty ? nil : (tables, columnSets, schemas)
  }

  /// The name the object has where it is absent, found by an equal definition.
  ///
  /// An index or constraint of the same table with the same definition, or a table with the
  /// same column names, that the schema holding the original does not also have. The name
  /// found in most schemas wins; ties go to the first by name.
  public static func sameDefinition(as error: ErrorReport, in all: [[String: SchemaNames]])
    -> (name: String, definition: String)?
  {
    guard renamable(error) else { return nil }
    let name = error.name
    // Where it exists: its table and definition, or its columns, per schema name.
    var originals: [String: (table: String, definition: String, siblings: Set<String>)] = [:]
    var tableColumns: [String: (columns: [String], siblings: Set<String>)] = [:]
    for schemas in all {
      for (schema, names) in schemas {
        for (table, relation) in names.relations {
          if let definition = relation.definitions[name] {
            originals[schema] = (
              table, definition, Set(relation.indexes + relation.constraints)
            )
          }
          // A table of one column (an `id`) says too little to be recognised.
          if table == name, relation.kind == .table, error.table == nil,
            relation.columns.count > 1
          {
            tableColumns[schema] = (
              relation.columns.sorted(),
              Set(names.relations.keys)
            )
          }
        }
      }
    }
    guard !originals.isEmpty || !tableColumns.isEmpty else { return nil }
    var counts: [String: Int] = [:]
    var definitionOf: [String: String] = [:]
    for schemas in all {
      for (schema, names) in schemas {
        if let original = originals[schema] ?? originals.values.min(by: { $0.table < $1.table }),
          let relation = names.relations[original.table],
          !relation.indexes.contains(name), !relation.constraints.contains(name)
        {
          let matches = relation.definitions.filter {
            $0.value == original.definition && !original.siblings.contains($0.key)
          }.keys
          for match in matches {
            counts[match, default: 0] += 1
            definitionOf[match] = original.definition
          }
        }
        if let original = tableColumns[schema]
          ?? tableColumns.values.min(by: { $0.columns.lexicographicallyPrecedes($1.columns) }),
          names.relations[name] == nil
        {
          for (table, relation) in names.relations
          where relation.kind == .table && !original.siblings.contains(table)
            && relation.columns.sorted() == original.columns
          {
            counts[table, default: 0] += 1
            definitionOf[table] = "columns " + original.columns.joined(separator: ", ")
          }
        }
      }
    }
    guard
      let best = counts.min(by: { ($1.value, $0.key) < ($0.value, $1.key) }),
      let definition = definitionOf[best.key]
    else { return nil }
    return (best.key, definition)
  }

  // MARK: - Privileges

  /// Owner and grants where the object exists, grouped per environment by equal values; the
  /// grants some environments give and others lack; the owner most environments agree on.
  private static func addAccess(to explanation: inout Explanation, from snapshots: [Snapshot]) {
    let error = explanation.error
    let family = PrivilegeObject(error.objectType)
    for place in explanation.places where place.read {
      guard let snapshot = snapshots.snapshot(of: place.environment)
      else { continue }
      let present = Set(place.present)
      var table: [String: ObjectAccess] = [:]
      var columns: [String: ObjectAccess] = [:]
      for access in snapshot.allAccess {
        let schema = access.schema ?? ""
        switch family {
        case .database:
          // Each environment's own database, whatever its name there.
          if access.kind == "database" { table[access.name] = access }
        case .schema:
          if access.kind == "schema", access.name == error.name { table[schema] = access }
        case .outside:
          if access.kind == error.objectType, access.name == error.name { table[""] = access }
        case .column:
          guard present.contains(schema) else { continue }
          if access.kind == "column", access.name == error.name, access.table == error.table {
            columns[schema] = access
          } else if access.kind != "column", PrivilegeObject(access.kind) == .relation,
            access.name == error.table
          {
            table[schema] = access
          }
        default:
          if present.contains(schema), access.kind != "column", access.name == error.name,
            PrivilegeObject(access.kind) == family
          {
            table[schema] = access
          }
        }
      }
      // A column's own grants join its table's, as `SELECT (column)`.
      for (schema, column) in columns {
        guard var access = table[schema] else { continue }
        if var grants = access.grants {
          for grant in column.grants ?? [] {
            let named = grant.privileges.map { "\($0) (\(column.name))" }
            if let index = grants.firstIndex(where: { $0.grantee == grant.grantee }) {
              grants[index] = Privilege(
                grantee: grant.grantee, privileges: grants[index].privileges + named)
            } else {
              grants.append(Privilege(grantee: grant.grantee, privileges: named))
            }
          }
          access.grants = grants.sorted { $0.grantee < $1.grantee }
        }
        table[schema] = access
      }
      struct Group: Hashable {
        var kind: String
        var table: String?
        var owner: String
        var grants: [Privilege]?
      }
      var groups: [Group: [String]] = [:]
      for (schema, var access) in table {
        // The owner's own rights are implicit (and differ by major: 17 added MAINTAIN); the
        // owner column names the owner.
        access.grants = access.grants?.filter { $0.grantee != access.owner }
          .sorted { $0.grantee < $1.grantee }
        groups[
          Group(
            kind: access.kind, table: access.kind == "index" ? access.table : nil,
            owner: access.owner, grants: access.grants), default: []
        ].append(schema)
      }
      let ordered = groups.map { group, schemas in
        var access = Explanation.Access(
          environment: place.environment,
          schemas: schemas.sorted(by: Schema.listedBefore), kind: group.kind,
          owner: group.owner, grants: group.grants)
        access.table = group.table
        return access
      }.sorted {
        ($0.schemas.first ?? "", $0.owner) < ($1.schemas.first ?? "", $1.owner)
      }
      explanation.access += ordered
    }
    explanation.missingGrants = missingGrants(explanation.access)
    let environments = explanation.places.map(\.environment)
    var ownersByEnvironment: [String: Set<String>] = [:]
    for access in explanation.access {
      ownersByEnvironment[access.owner, default: []].insert(access.environment)
    }
    if ownersByEnvironment.count > 1 {
      // Most environments first; ties to the owner of the earliest environment given.
      func firstPosition(_ owner: String) -> Int {
        environments.firstIndex { ownersByEnvironment[owner]?.contains($0) == true }
          ?? environments.count
      }
      explanation.expectedOwner = ownersByEnvironment.keys.min {
        let left = ownersByEnvironment[$0]?.count ?? 0
        let right = ownersByEnvironment[$1]?.count ?? 0
        if left != right { return left > right }
        if firstPosition($0) != firstPosition($1) { return firstPosition($0) < firstPosition($1) }
        return $0 < $1
      }
    }
  }

  /// Per group with known grants: the (grantee, privilege) pairs some other group grants and
  /// it does not.
  private static func missingGrants(_ access: [Explanation.Access])
    -> [Explanation.MissingGrant]
  {
    var grantedIn: [String: [String: [String]]] = [:]
    for group in access {
      for grant in group.grants ?? [] {
        for privilege in grant.privileges
        where grantedIn[grant.grantee]?[privilege]?.contains(group.environment) != true {
          grantedIn[grant.grantee, default: [:]][privilege, default: []].append(group.environment)
        }
      }
    }
    var missing: [Explanation.MissingGrant] = []
    for group in access {
      guard let grants = group.grants else { continue }
      for grantee in grantedIn.keys.sorted() {
        let held = Set(grants.first { $0.grantee == grantee }?.privileges ?? [])
        let lacking = (grantedIn[grantee] ?? [:]).keys.filter { !held.contains($0) }.sorted()
        guard !lacking.isEmpty else { continue }
        var environments = Set<String>()
        for privilege in lacking { environments.formUnion(grantedIn[grantee]?[privilege] ?? []) }
        let order = access.map(\.environment)
        var grant = Explanation.MissingGrant(
          environment: group.environment, schemas: group.schemas, grantee: grantee,
          privileges: lacking,
          grantedIn: environments.subtracting([group.environment]).sorted {
            (order.firstIndex(of: $0) ?? 0) < (order.firstIndex(of: $1) ?? 0)
          })
        grant.grantedInOtherSchemas = environments.contains(group.environment)
        missing.append(grant)
      }
    }
    return missing
  }

  /// Whether the first of `names` found anywhere is a table, an index, a view or a sequence.
  private static func relationKind(of names: [String], in all: [[String: SchemaNames]])
    -> Explanation.RelationKind?
  {
    for name in names {
      for schemas in all {
        for schema in schemas.values {
          if let relation = schema.relations[name] {
            switch relation.kind {
            case .table: return .table
            case .view: return .view
            case .sequence: return .sequence
            }
          }
          if schema.relations.values.contains(where: { $0.indexes.contains(name) }) {
            return .index
          }
        }
      }
    }
    return nil
  }

  /// A migration's relation to the object, before its rows are looked up.
  private struct Fact {
    var name: String
    var effect: Explanation.Migration.Effect
    var operation: String? = nil
    var idempotent: Bool? = nil
    var renamedTo: String? = nil
    var renamedFrom: String? = nil
  }

  /// The code's migrations whose operations create, rename or drop the object.
  private func codeMigrations(for error: ErrorReport) -> [Fact] {
    guard let code else { return [] }
    let name = error.name
    var facts: [Fact] = []
    for step in MigrationPlan(code: code).steps {
      for action in step.actions {
        var fact = Fact(
          name: step.migration.key.description, effect: .creates, operation: action.operation,
          idempotent: action.guarded)
        switch action.change {
        case .createTable(let table, _) where table == name: fact.effect = .creates
        case .addIndex(_, let index) where index == name: fact.effect = .creates
        case .addConstraint(_, let constraint, _) where constraint == name: fact.effect = .creates
        case .addColumn(let table, let column)
        where column == name && (error.table == nil || error.table == table):
          fact.effect = .creates
        case .dropTable(let table) where table == name: fact.effect = .drops
        case .dropIndex(let index) where index == name: fact.effect = .drops
        case .dropConstraint(_, let constraint) where constraint == name: fact.effect = .drops
        case .dropColumn(let table, let column)
        where column == name && (error.table == nil || error.table == table):
          fact.effect = .drops
        case .renameTable(let from, let to) where from == name || to == name,
          .renameIndex(_, let from, let to) where from == name || to == name:
          fact.effect = .renames
          if from == name { fact.renamedTo = to } else { fact.renamedFrom = from }
        case .renameColumn(let table, let from, let to)
        where (from == name || to == name) && (error.table == nil || error.table == table):
          fact.effect = .renames
          if from == name { fact.renamedTo = to } else { fact.renamedFrom = from }
        default:
          continue
        }
        facts.append(fact)
      }
    }
    return facts
  }

  /// Migration rows (`app.name`) whose name mentions `name`, across every environment, sorted.
  private static func mentioningRows(_ name: String, in snapshots: [Snapshot]) -> [String] {
    let lowered = name.lowercased()
    var found = Set<String>()
    for snapshot in snapshots {
      for table in snapshot.migrationTables {
        for row in table.rows where row.name.lowercased().contains(lowered) {
          found.insert(row.qualifiedName)
        }
      }
    }
    return found.sorted()
  }

  /// The first migration (`app.0001_…`) of the app whose label prefixes `table` (`finance` for
  /// `finance_invoice`; the longest label wins), among every environment's rows.
  private static func firstMigration(ofAppOwning table: String, in snapshots: [Snapshot])
    -> String?
  {
    var byApp: [String: String] = [:]
    for snapshot in snapshots {
      for migrationTable in snapshot.migrationTables where migrationTable.framework == .django {
        for row in migrationTable.rows where table.hasPrefix(row.app + "_") {
          if byApp[row.app].map({ row.name < $0 }) ?? true { byApp[row.app] = row.name }
        }
      }
    }
    guard let app = byApp.keys.max(by: { ($0.count, $1) < ($1.count, $0) }),
      let name = byApp[app]
    else { return nil }
    return "\(app).\(name)"
  }

  /// The new name in a Django rename migration's name (`NNNN_rename_<old>_<new>[_and_more]`):
  /// the longest name after `<old>_` that exists somewhere.
  private static func renameTarget(
    of name: String, rows: [String], in names: [[String: SchemaNames]]
  ) -> String? {
    var existing = Set<String>()
    for schemas in names {
      for schema in schemas.values { existing.formUnion(schema.relationAndIndexNames) }
    }
    for row in rows {
      let candidates = SchemaNames.renameCandidates(of: name, inMigrationNamed: row)
      if let found = candidates.first(where: existing.contains) { return found }
    }
    return nil
  }

  /// Where migration `name` is recorded, per environment, among `schemas` of each.
  private static func recorded(
    _ name: String, in snapshots: [Snapshot], schemas: [String: [String]]
  ) -> [Explanation.Recorded] {
    snapshots.map { snapshot in
      let wanted = Set(schemas[snapshot.environment.name] ?? [])
      var recorded: [String] = []
      var missing: [String] = []
      var earliest: String?
      for table in snapshot.migrationTables
      where table.framework == .django && table.unreadableReason == nil
        && (wanted.isEmpty || wanted.contains(table.schema))
      {
        if let row = table.rows.first(where: { $0.qualifiedName == name }) {
          recorded.append(table.schema)
          if let time = row.appliedAt, earliest.map({ time < $0 }) ?? true { earliest = time }
        } else {
          missing.append(table.schema)
        }
      }
      return Explanation.Recorded(
        environment: snapshot.environment.name, schemas: recorded.sorted(by: Schema.listedBefore),
        missing: missing.sorted(by: Schema.listedBefore), appliedAt: earliest)
    }
  }

  // MARK: - Migration history

  /// Django's history errors: where the migration is recorded without its dependency, or
  /// where the missing parent is recorded at all.
  private func history(_ error: ErrorReport, in environments: [CollectedEnvironment])
    -> Explanation
  {
    let read = environments.compactMap(\.snapshot)
    let dependency = error.dependency ?? ""
    var places: [Explanation.Place] = []
    for environment in environments {
      guard let snapshot = environment.snapshot else {
        places.append(
          Explanation.Place(environment: environment.name, read: false, error: environment.error))
        continue
      }
      var place = Explanation.Place(environment: environment.name)
      for table in snapshot.migrationTables
      where table.framework == .django && table.unreadableReason == nil {
        let names = Set(table.rows.map(\.qualifiedName))
        if names.contains(error.name), !names.contains(dependency) {
          place.present.append(table.schema)
        } else if names.contains(error.name) {
          place.absent.append(table.schema)
        }
      }
      place.present.sort(by: Schema.listedBefore)
      place.absent.sort(by: Schema.listedBefore)
      places.append(place)
    }
    var facts = [
      Explanation.Migration(
        name: error.name, effect: .named,
        applied: Self.recorded(error.name, in: read, schemas: [:])),
      Explanation.Migration(
        name: dependency, effect: .dependency,
        applied: Self.recorded(dependency, in: read, schemas: [:])),
    ]
    // The chain: what the dependency needs first and where the broken schemas lack it.
    var broken: [String: [String]] = [:]
    for place in places where place.read && !place.present.isEmpty {
      broken[place.environment] = place.present
    }
    let brokenSnapshots = read.filter { broken[$0.environment.name] != nil }
    for ancestor in brokenSnapshots.isEmpty ? [] : ancestors(of: dependency, in: read) {
      let applied = Self.recorded(ancestor, in: brokenSnapshots, schemas: broken)
      guard applied.contains(where: { !$0.missing.isEmpty }) else { continue }
      facts.append(
        Explanation.Migration(
          name: ancestor, effect: .ancestor,
          applied: Self.recorded(ancestor, in: read, schemas: [:])))
    }
    if let code {
      let keys = Set(code.migrations.map(\.key.description))
      for index in facts.indices where keys.contains(facts[index].name) {
        facts[index].operation = "in the code"
      }
    }
    return Explanation(error: error, places: places, migrations: facts)
  }

  /// The migrations `migration` (`app.name`) depends on, transitively, dependencies first:
  /// from the code's dependencies when given, else the earlier migrations of its app that some
  /// environment records (Django numbers an app's migrations in order).
  private func ancestors(of migration: String, in snapshots: [Snapshot]) -> [String] {
    let parts = migration.split(separator: ".", maxSplits: 1).map(String.init)
    guard parts.count == 2 else { return [] }
    if let code {
      let plan = MigrationPlan(code: code)
      var seen = Set<MigrationKey>()
      var pending = plan.dependencies[MigrationKey(app: parts[0], name: parts[1])] ?? []
      while let key = pending.popLast() {
        guard seen.insert(key).inserted else { continue }
        pending += plan.dependencies[key] ?? []
      }
      var order: [MigrationKey: Int] = [:]
      for (index, step) in plan.steps.enumerated() { order[step.migration.key] = index }
      return seen.sorted {
        (order[$0] ?? Int.max, $0) < (order[$1] ?? Int.max, $1)
      }.map(\.description)
    }
    var earlier = Set<String>()
    for snapshot in snapshots {
      for table in snapshot.migrationTables where table.framework == .django {
        for row in table.rows where row.app == parts[0] && row.name < parts[1] {
          earlier.insert(row.qualifiedName)
        }
      }
    }
    return earlier.sorted()
  }
}
