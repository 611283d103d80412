import DriftModel
import Foundation

/// Identifies one comparable property of one object, the same way in every environment.
struct ObjectKey: Hashable, Sendable {
  var object: ObjectKind
  var schema: String?
  var table: String?
  var name: String
  var aspect: Aspect = .definition
  /// For a privilege: the kind of object it is granted on (named by ``table``); a schema's
  /// grants have no ``table``.
  var on: ObjectKind = .table

  /// Where the object lives, as a finding's statement names it.
  var place: Statement.ObjectPlace {
    Statement.ObjectPlace(schema: schema, table: table, name: name)
  }

  /// The same object's `aspect`.
  func with(_ aspect: Aspect) -> ObjectKey {
    var key = self
    key.aspect = aspect
    return key
  }

  /// The key of the object this one lives in: a table for its columns, a schema for its tables.
  var parent: ObjectKey? {
    if aspect != .definition { return with(.definition) }
    switch object {
    case .schema, .extension, .role, .database:
      return nil
    case .membership:
      return ObjectKey(object: .role, schema: nil, table: nil, name: table ?? "")
    case .setting:
      return on == .role
        ? ObjectKey(object: .role, schema: nil, table: nil, name: table ?? "") : nil
    case .privilege where on == .schema:
      return schema.map { ObjectKey(object: .schema, schema: $0, table: nil, name: $0) }
    case .privilege where on != .table:
      return ObjectKey(object: on, schema: schema, table: nil, name: table ?? "")
    case .defaultPrivilege:
      return schema.map { ObjectKey(object: .schema, schema: $0, table: nil, name: $0) }
    case .eventTrigger, .publication, .subscription, .tablespace, .foreignServer, .language,
      .foreignDataWrapper:
      return nil
    case .userMapping:
      return ObjectKey(object: .foreignServer, schema: nil, table: nil, name: table ?? "")
    case .column, .index, .constraint, .trigger, .policy, .privilege, .rule, .statistics:
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
  /// The version rule that made `value` differ from what is shown, if one did.
  var normalised: VersionRule?
  /// A severity above the kind's rule, when this side makes the difference worse (a role that
  /// owns objects or holds grants here is an error where it is missing).
  var severity: Severity?
}

/// A snapshot flattened into comparable entries, keyed by object.
struct Inventory: Sendable {
  var entries: [ObjectKey: ObjectValue] = [:]
  /// The version rules values are compared under.
  private var versions = VersionNormaliser.none
  /// Migration tables whose rows could not be read: their rows are not compared.
  var unreadableMigrationTables: Set<ObjectKey> = []
  /// Relations that could not be read (`schema.name`, or the bare name in a tenant's
  /// schema-free inventory): neither they nor anything on them is compared.
  var unreadableRelations: Set<String> = []
  /// Sequences owned by a column, keyed without their table: their entries are keyed under
  /// the table, and their grants find them here.
  var ownedSequences: Set<ObjectKey> = []
  /// Parts of a snapshot that lie outside its schemas, and that a snapshot may lack: a file
  /// from before they were read, or (the cluster) the second database of a cluster already
  /// compared.
  enum Part: Hashable, Sendable {
    /// Roles, memberships, role and server settings.
    case cluster
    /// The database's own properties and settings.
    case database
    case eventTriggers
    /// Publications and subscriptions.
    case replication
    case defaultPrivileges
    /// The cluster's tablespaces (held with ``cluster``).
    case tablespaces
    case languages
    /// Foreign-data wrappers, servers and user mappings.
    case foreignData
  }

  /// The parts this inventory holds.
  private(set) var parts: Set<Part> = []

  /// Whether this side takes part in comparing `key` when `key` belongs to a ``Part``: `false`
  /// when that part is not held; `nil` when the usual rules (parents, unread relations) decide.
  func partParticipation(_ key: ObjectKey) -> Bool? {
    switch key.object {
    case .role, .membership: return parts.contains(.cluster)
    // A server setting a role may not see (`shared_preload_libraries` without
    // pg_read_all_settings) is absent from its read: unknown there, not missing.
    case .setting where key.on == .setting: return parts.contains(.cluster) && entries[key] != nil
    case .setting where key.on != .database: return parts.contains(.cluster)
    case .setting: return parts.contains(.database)
    // A property one side does not have was not read there (a file from before it was, a
    // version without it) or does not apply (an ICU locale under libc, which the provider's
    // own entry reports): unknown, not missing.
    case .database: return parts.contains(.database) && entries[key] != nil
    case .eventTrigger: return parts.contains(.eventTriggers)
    case .publication, .subscription: return parts.contains(.replication)
    case .defaultPrivilege where !parts.contains(.defaultPrivileges): return false
    case .tablespace: return parts.contains(.tablespaces) && parentHeld(key)
    case .language: return parts.contains(.languages) && parentHeld(key)
    case .foreignDataWrapper, .foreignServer, .userMapping:
      return parts.contains(.foreignData) && parentHeld(key)
    case .privilege where key.on == .database: return parts.contains(.database)
    case .privilege where Self.databaseKinds.contains(key.on):
      // A grant on a language, wrapper, server or tablespace is compared where that exists.
      return databaseObjects.contains(
        ObjectKey(object: key.on, schema: nil, table: nil, name: key.table ?? ""))
    default: return nil
    }
  }

  /// The kinds of object outside every schema that grants are compared on.
  private static let databaseKinds: Set<ObjectKind> = [
    .tablespace, .language, .foreignDataWrapper, .foreignServer,
  ]

  /// Whether `key` has no parent (an owner's has its object), or its parent is here.
  private func parentHeld(_ key: ObjectKey) -> Bool {
    key.parent.map { entries[$0] != nil } ?? true
  }

  /// Languages, wrappers, servers and tablespaces present here, those an extension made
  /// included (they have no entry of their own: their extension's stands for them).
  private var databaseObjects: Set<ObjectKey> = []

  /// Flattens the schemas of `snapshot` that `includes` accepts.
  ///
  /// What `alike` finds in every environment is flattened less (see ``Alike``): an alike table
  /// keeps only its own entry, not one per column, index and constraint; an alike schema keeps
  /// only itself, the tables that hold migration rows (their parent) and what can depend on
  /// another schema (views, user-typed columns); an alike migration table keeps none of its
  /// rows.
  ///
  /// `cluster` is false for a database whose cluster another environment's inventory already
  /// stands for: its roles and server settings are that one's. `managedRoles` are the managed
  /// roles (``Role/isManaged``) compared all the same, because the ignore rules say so.
  init(
    _ snapshot: Snapshot,
    includes: (String) -> Bool = { _ in true },
    alike: Alike = Alike(),
    versions: VersionNormaliser = .none,
    cluster: Bool = true,
    managedRoles: Set<String> = []
  ) {
    self.versions = versions
    if cluster, let roles = snapshot.roles, let database = snapshot.database {
      addCluster(
        roles, serverSettings: database.serverSettings, referenced: snapshot.roleNamesInUse,
        managed: managedRoles)
    }
    if let database = snapshot.database { addDatabase(database) }
    if cluster, let tablespaces = snapshot.tablespaces { addTablespaces(tablespaces) }
    if let languages = snapshot.languages { addLanguages(languages) }
    if let wrappers = snapshot.foreignDataWrappers, let servers = snapshot.foreignServers {
      addForeignData(wrappers, servers)
    }
    for item in snapshot.unreadable where item.isRelation {
      unreadableRelations.insert("\(item.schema).\(item.object)")
    }
    let tables = snapshot.schemas.reduce(0) { $0 + $1.tables.count }
    let rows = snapshot.migrationTables.reduce(0) { $0 + $1.rows.count }
    entries.reserveCapacity(
      3 * snapshot.schemas.count + 2 * tables + (alike.migrationTables.isEmpty ? rows : 0) + 16)
    for item in snapshot.extensions where item.name != "plpgsql" {
      let shown = "\(item.version) in schema \(item.schema)"
      var value = ObjectValue(value: shown, display: shown)
      if let version = versions.extensionVersion(item) {
        value.value = "\(version) in schema \(item.schema)"
        value.normalised = .extensionDefaultVersion
      }
      entries[ObjectKey(object: .extension, schema: nil, table: nil, name: item.name)] = value
    }
    if snapshot.eventTriggers != nil { parts.insert(.eventTriggers) }
    if snapshot.publications != nil { parts.insert(.replication) }
    for publication in snapshot.publications ?? [] {
      entries[ObjectKey(object: .publication, schema: nil, table: nil, name: publication.name)] =
        ObjectValue(value: publication.summary, display: publication.summary)
    }
    for subscription in snapshot.subscriptions ?? [] {
      entries[ObjectKey(object: .subscription, schema: nil, table: nil, name: subscription.name)] =
        ObjectValue(value: subscription.summary, display: subscription.summary)
    }
    if snapshot.defaultPrivileges != nil { parts.insert(.defaultPrivileges) }
    for trigger in snapshot.eventTriggers ?? [] {
      entries[ObjectKey(object: .eventTrigger, schema: nil, table: nil, name: trigger.name)] =
        ObjectValue(value: trigger.summary, display: trigger.summary)
    }
    for entry in snapshot.defaultPrivileges ?? [] where entry.schema.map(includes) ?? true {
      // The role's grants to itself are the owner's, whoever the role is.
      let grantee =
        entry.privilege.grantee == entry.role ? Privilege.ownerGrantee : entry.privilege.grantee
      entries[
        ObjectKey(
          object: .defaultPrivilege, schema: entry.schema, table: entry.role,
          name: "\(entry.objects) to \(grantee)")
      ] = ObjectValue(value: entry.summary, display: entry.summary)
    }
    let migrationTables = Set(snapshot.migrationTables.map { "\($0.schema).\($0.name)" })
    for schema in snapshot.schemas where includes(schema.name) {
      if alike.schemas.contains(schema.name) {
        addUnchanged(schema, identical: alike.tables, migrationTables: migrationTables)
      } else {
        add(schema, tenant: false, identical: alike.tables)
      }
    }
    for table in snapshot.migrationTables
    where includes(table.schema) && !alike.migrationTables.contains("\(table.schema).\(table.name)")
    {
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
    if table.framework == .alembic {
      // `alembic_version` holds the heads, not a history: one value, the heads, is compared,
      // so two environments at different revisions give one finding, "head a in dev, b in prod".
      let heads = table.rows.map(\.name).sorted().joined(separator: ", ")
      let key = ObjectKey(object: .migration, schema: schemaKey, table: table.name, name: "head")
      entries[key] = ObjectValue(value: heads, display: heads.isEmpty ? "no head" : heads)
      return
    }
    if table.framework == .golangMigrate {
      // golang-migrate keeps one row: the version the database is at, and whether the last
      // migration stopped part-way (`dirty`).
      let version = table.rows.map { $0.name + ($0.success ? "" : " (dirty)") }.sorted()
        .joined(separator: ", ")
      let key = ObjectKey(
        object: .migration, schema: schemaKey, table: table.name, name: "version")
      entries[key] = ObjectValue(value: version, display: version.isEmpty ? "no version" : version)
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
      // What is compared is shown: two rows that differ only by checksum must not read alike.
      if let checksum = row.checksum { display += ", checksum \(checksum)" }
      entries[key] = ObjectValue(value: value, display: display)
    }
  }

  private mutating func put(_ key: ObjectKey, _ value: String, display: String? = nil) {
    entries[key] = ObjectValue(value: value, display: display ?? value)
  }

  private mutating func putOptional(_ key: ObjectKey, _ value: String?) {
    if let value { put(key, value) }
  }

  /// Flattens a schema that is alike in every environment: its own entries, the tables other
  /// entries hang off or may depend on, and its views, types, functions and collations.
  private mutating func addUnchanged(
    _ schema: Schema, identical: Set<String>, migrationTables: Set<String>
  ) {
    var kept = schema
    kept.tables = schema.tables.filter { table in
      let qualified = "\(schema.name).\(table.name)"
      return !identical.contains(qualified) || migrationTables.contains(qualified)
    }
    kept.sequences = []
    add(kept, tenant: false, identical: identical)
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
    putGrants(schema.privileges, on: .schema, nil, owner: schema.owner, in: name)
    for table in schema.tables {
      put(
        key(.table, nil, table.name), Self.describe(table, comparing: true),
        display: Self.describe(table))
      if !identical.isEmpty, identical.contains("\(schema.name).\(table.name)") { continue }
      put(key(.table, nil, table.name, .owner), table.owner)
      putOptional(key(.table, nil, table.name, .comment), table.comment)
      putOptional(key(.table, nil, table.name, .storage), Self.storage(table))
      for column in table.columns {
        let summary = column.summary
        var value = ObjectValue(value: summary, display: summary)
        if let userType = Self.userType(of: column.type) { value.dependsOn = [userType] }
        entries[key(.column, table.name, column.name)] = value
        putOptional(key(.column, table.name, column.name, .comment), column.comment)
        putOptional(key(.column, table.name, column.name, .storage), column.storageSummary)
      }
      for rule in table.rules ?? [] {
        put(key(.rule, table.name, rule.name), rule.definition)
      }
      for statistics in table.statistics ?? [] {
        put(key(.statistics, table.name, statistics.name), statistics.definition)
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
        putOptional(
          key(.index, table.name, index.name, .storage), index.tablespace.map { "TABLESPACE \($0)" }
        )
      }
      for constraint in table.constraints
      where versions.comparesConstraint(constraint, table: table.name) {
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
      putGrants(table.privileges, on: .table, table.name, owner: table.owner, in: name)
      for column in table.columns {
        // A column's own grants, named `column.grantee` under its table.
        for privilege in column.privileges ?? [] {
          entries[
            ObjectKey(
              object: .privilege, schema: name, table: table.name,
              name: "\(column.name).\(privilege.grantee)")
          ] = ObjectValue(value: privilege.summary, display: privilege.summary)
        }
      }
    }
    for view in schema.views {
      let kind: ObjectKind = view.materialized ? .materializedView : .view
      let definition = view.definition
      // Options (`security_barrier`, `check_option`) change what the view lets through.
      let options = view.options.map { " WITH (\($0.joined(separator: ", ")))" } ?? ""
      var value = ObjectValue(
        value: definition + options, display: definition + options, dependsOn: view.dependsOn)
      if let compared = versions.viewDefinition(definition) {
        value.value = compared + options
        value.normalised = .viewQualification
      }
      entries[key(kind, nil, view.name)] = value
      put(key(kind, nil, view.name, .owner), view.owner)
      putGrants(view.privileges, on: kind, view.name, owner: view.owner, in: name)
      for rule in view.rules ?? [] {
        put(key(.rule, view.name, rule.name), rule.definition)
      }
      putOptional(key(kind, nil, view.name, .comment), view.comment)
      for index in view.indexes {
        let definition = index.definition
        entries[key(.index, view.name, index.name)] = ObjectValue(
          value: definition,
          display: definition,
          renameSignature: definition
        )
        putOptional(key(.index, view.name, index.name, .comment), index.comment)
        putOptional(
          key(.index, view.name, index.name, .storage), index.tablespace.map { "TABLESPACE \($0)" })
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
      if owningTable != nil {
        ownedSequences.insert(
          ObjectKey(object: .sequence, schema: name, table: nil, name: sequence.name))
      }
      putGrants(sequence.privileges, on: .sequence, sequence.name, owner: sequence.owner, in: name)
    }
    for type in schema.types {
      put(key(.type, nil, type.name), "\(type.kind.rawValue) \(type.definition)")
      put(key(.type, nil, type.name, .owner), type.owner)
      putGrants(type.privileges, on: .type, type.name, owner: type.owner, in: name)
      putOptional(key(.type, nil, type.name, .comment), type.comment)
    }
    for function in schema.functions {
      let value =
        "\(function.kind) returning \(function.result) in \(function.language),"
        + " definition \(function.definitionHash.prefix(12))"
      put(key(.function, nil, function.signature), value)
      put(key(.function, nil, function.signature, .owner), function.owner)
      putGrants(
        function.privileges, on: .function, function.signature, owner: function.owner, in: name)
      putOptional(key(.function, nil, function.signature, .comment), function.comment)
    }
    for collation in schema.collations {
      put(key(.collation, nil, collation.name), collation.summary)
    }
  }

  /// Roles (managed ones left out but for `managed`), their memberships and settings, and the
  /// server settings.
  private mutating func addCluster(
    _ roles: [Role], serverSettings: [String], referenced: Set<String>, managed: Set<String>
  ) {
    parts.insert(.cluster)
    for role in roles where !role.isManaged || managed.contains(role.name) {
      var value = ObjectValue(value: role.summary, display: role.summary)
      if referenced.contains(role.name) { value.severity = .error }
      entries[ObjectKey(object: .role, schema: nil, table: nil, name: role.name)] = value
      for membership in role.memberOf
      where !membership.isManagedRole || managed.contains(membership.role) {
        entries[
          ObjectKey(object: .membership, schema: nil, table: role.name, name: membership.role)] =
          ObjectValue(value: membership.summary, display: membership.summary)
      }
      for setting in role.settings {
        let (name, shown) = Self.setting(setting)
        var key = ObjectKey(object: .setting, schema: nil, table: role.name, name: name)
        key.on = .role
        entries[key] = ObjectValue(value: shown, display: shown)
      }
    }
    for setting in serverSettings {
      let (name, shown) = Self.setting(setting)
      var key = ObjectKey(object: .setting, schema: nil, table: nil, name: name)
      key.on = .setting
      entries[key] = ObjectValue(value: shown, display: shown)
    }
  }

  /// The database's encoding and locale, and its own settings.
  private mutating func addDatabase(_ database: DatabaseInfo) {
    parts.insert(.database)
    func put(_ name: String, _ value: String?) {
      guard let value else { return }
      entries[ObjectKey(object: .database, schema: nil, table: nil, name: name)] = ObjectValue(
        value: value, display: value)
    }
    put("encoding", database.encoding)
    put("collation", database.collate)
    put("ctype", database.ctype)
    put("locale provider", database.localeProvider)
    put("locale", database.locale)
    put("collation version", database.collationVersion)
    if let owner = database.owner {
      self.put(
        ObjectKey(object: .database, schema: nil, table: nil, name: "owner").with(.owner), owner)
      putGrants(
        database.privileges, on: .database, Privilege.databaseObject, owner: owner, in: nil)
    }
    for setting in database.settings {
      let (name, shown) = Self.setting(setting)
      var key = ObjectKey(object: .setting, schema: nil, table: nil, name: name)
      key.on = .database
      entries[key] = ObjectValue(value: shown, display: shown + " (ALTER DATABASE)")
    }
  }

  /// Tablespaces, their owners (not the built-in ones') and grants.
  private mutating func addTablespaces(_ tablespaces: [Tablespace]) {
    parts.insert(.tablespaces)
    for tablespace in tablespaces {
      let key = ObjectKey(object: .tablespace, schema: nil, table: nil, name: tablespace.name)
      databaseObjects.insert(key)
      put(key, tablespace.summary)
      if !tablespace.isBuiltIn { put(key.with(.owner), tablespace.owner) }
      putGrants(
        tablespace.privileges, on: .tablespace, tablespace.name, owner: tablespace.owner, in: nil)
    }
  }

  /// Procedural languages and their grants; the owner is not compared (a built-in language's
  /// is whoever initialised the cluster), nor a language an extension made (its extension is).
  private mutating func addLanguages(_ languages: [Language]) {
    parts.insert(.languages)
    for language in languages {
      let key = ObjectKey(object: .language, schema: nil, table: nil, name: language.name)
      databaseObjects.insert(key)
      if language.fromExtension == nil { put(key, language.trusted ? "trusted" : "untrusted") }
      putGrants(
        language.privileges, on: .language, language.name, owner: language.owner, in: nil)
    }
  }

  /// Foreign-data wrappers, servers and user mappings, with their owners and grants.
  private mutating func addForeignData(
    _ wrappers: [ForeignDataWrapper], _ servers: [ForeignServer]
  ) {
    parts.insert(.foreignData)
    for wrapper in wrappers {
      let key = ObjectKey(
        object: .foreignDataWrapper, schema: nil, table: nil, name: wrapper.name)
      databaseObjects.insert(key)
      // One an extension made (`postgres_fdw`) is its extension's: only its grants are its own.
      if wrapper.fromExtension == nil {
        put(key, wrapper.summary)
        put(key.with(.owner), wrapper.owner)
      }
      putGrants(
        wrapper.privileges, on: .foreignDataWrapper, wrapper.name, owner: wrapper.owner, in: nil)
    }
    for server in servers {
      let key = ObjectKey(object: .foreignServer, schema: nil, table: nil, name: server.name)
      databaseObjects.insert(key)
      put(key, server.summary(comparing: true), display: server.summary())
      put(key.with(.owner), server.owner)
      putGrants(server.privileges, on: .foreignServer, server.name, owner: server.owner, in: nil)
      for mapping in server.userMappings {
        put(
          ObjectKey(object: .userMapping, schema: nil, table: server.name, name: mapping.user),
          mapping.summary(comparing: true), display: mapping.summary())
      }
    }
  }

  /// `name=value (this database)` → the setting's name, and the rest.
  static func setting(_ text: String) -> (name: String, value: String) {
    guard let equals = text.firstIndex(of: "=") else { return (text, "") }
    return (String(text[..<equals]), String(text[text.index(after: equals)...]))
  }

  /// One entry per grantee of `privileges` on the object `kind`/`object` of `schema`.
  ///
  /// `schema` is `""` in a tenant's inventory. The owner's own rights are keyed as the
  /// owner's, so that a changed owner is one finding (the owner), not three (the owner and two
  /// grantees). `privileges` is `nil` when the snapshot did not record them: nothing is
  /// compared.
  private mutating func putGrants(
    _ privileges: [Privilege]?, on kind: ObjectKind, _ object: String?, owner: String,
    in schema: String?
  ) {
    for privilege in privileges ?? [] {
      var value = ObjectValue(value: privilege.summary, display: privilege.summary)
      if [.table, .view, .materializedView].contains(kind),
        versions.privileges(privilege.privileges) != nil
      {
        let grantable = privilege.grantable?.filter { $0 != "MAINTAIN" }
        let normalised = Privilege(
          grantee: privilege.grantee, privileges: privilege.privileges.filter { $0 != "MAINTAIN" },
          grantable: grantable)
        value.value = normalised.summary
        value.normalised = .maintainPrivilege
      }
      let grantee = privilege.grantee == owner ? Privilege.ownerGrantee : privilege.grantee
      var key = ObjectKey(object: .privilege, schema: schema, table: object, name: grantee)
      key.on = kind
      entries[key] = value
    }
  }

  /// The qualified user type behind a column type (`public.order_status[]` → `public.order_status`);
  /// built-in types print unqualified and give `nil`.
  ///
  /// Called for every column of every tenant, so a type without a dot (every built-in one) is
  /// answered from its bytes, without Foundation's substring search.
  static func userType(of type: String) -> String? {
    guard type.utf8.contains(UInt8(ascii: ".")) else { return nil }
    var base = type
    while base.hasSuffix("[]") { base.removeLast(2) }
    if let parenthesis = base.firstIndex(of: "(") { base = String(base[..<parenthesis]) }
    return base.utf8.contains(UInt8(ascii: ".")) ? base : nil
  }

  /// How a table is stored and replicated, when not the defaults.
  ///
  /// `WITH (fillfactor=70), REPLICA IDENTITY FULL`. Nothing that reads the table must be
  /// recreated when it changes.
  static func storage(_ table: Table) -> String? {
    var parts: [String] = []
    if let options = table.options { parts.append("WITH (\(options.joined(separator: ", ")))") }
    if let identity = table.replicaIdentity { parts.append("REPLICA IDENTITY \(identity)") }
    if let tablespace = table.tablespace { parts.append("TABLESPACE \(tablespace)") }
    return parts.isEmpty ? nil : parts.joined(separator: ", ")
  }

  /// What a table is, as compared (`comparing`: a foreign table's address options without
  /// their values, see ``OptionRedaction/addressNames``) or as shown.
  static func describe(_ table: Table, comparing: Bool = false) -> String {
    if table.kind == .ordinary, !table.unlogged, table.partitionKey == nil,
      table.partitionOf == nil, table.inherits.isEmpty, !table.rowSecurity,
      !table.forceRowSecurity
    {
      return "table"
    }
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
    if let server = table.foreignServer { parts.append("SERVER \(server)") }
    if let options = table.foreignOptions {
      let shown = comparing ? options.map(OptionRedaction.withoutAddress) : options
      parts.append("OPTIONS (\(shown.joined(separator: ", ")))")
    }
    return parts.joined(separator: " ")
  }

  /// Takes a trigger's own name out of its definition, so a renamed trigger is seen as renamed.
  static func withoutName(_ definition: String, _ name: String) -> String {
    for prefix in ["CREATE TRIGGER ", "CREATE CONSTRAINT TRIGGER "] {
      for quoted in [name, SQL.quoteIdent(name)]
      where definition.hasPrefix(prefix + quoted + " ") {
        return prefix + definition.dropFirst(prefix.count + quoted.count + 1)
      }
    }
    return definition
  }
}

/// Removes a schema's own qualification (`tenant_0001.`, `"Tenant One".`) from definitions, for
/// comparing tenant schemas.
///
/// It works on bytes, with the patterns prepared once per schema: a 1,000-tenant comparison
/// strips tens of thousands of definitions. A name counts only where it starts a qualified name,
/// not inside a longer identifier (`acme.` is not taken out of `megaacme.`), a string literal
/// (`'https://www.example.com'` keeps its `www.` in schema `www`) or a quoted identifier.
struct SchemaQualification: Sendable {
  private let patterns: [[UInt8]]

  /// Prepares to strip `schema`; an empty name strips nothing.
  init(_ schema: String) {
    guard !schema.isEmpty else {
      patterns = []
      return
    }
    let quoted = Array((SQL.quoteIdent(schema) + ".").utf8)
    let plain = Array((schema + ".").utf8)
    patterns = quoted == plain ? [quoted] : [quoted, plain]
  }

  /// `text` without the schema's qualification; the same string when it holds none.
  func strip(_ text: String) -> String {
    guard !patterns.isEmpty else { return text }
    var text = text
    let stripped: String? = text.withUTF8 { bytes in
      // Qualified names always hold a dot; most definitions have none.
      guard bytes.contains(UInt8(ascii: ".")) else { return nil }
      var output: [UInt8] = []
      var position = 0
      var copied = 0
      // The closing quote of a literal that names an object (`'acme.seq'::regclass`), whose
      // content is stripped like any name.
      var namingLiteralEnd: Int?
      while position < bytes.count {
        let byte = bytes[position]
        if position + 1 == namingLiteralEnd {
          namingLiteralEnd = nil
          position += 1
          continue
        }
        if byte == UInt8(ascii: "'"), namingLiteralEnd == nil {
          let end = Self.end(of: UInt8(ascii: "'"), in: bytes, from: position)
          if Self.castsToObjectName(bytes, at: end) {
            namingLiteralEnd = end
            position += 1
          } else {
            position = end
          }
          continue
        }
        guard let match = patterns.first(where: { starts(bytes, at: position, with: $0) }) else {
          position =
            byte == UInt8(ascii: "\"")
            ? Self.end(of: UInt8(ascii: "\""), in: bytes, from: position) : position + 1
          continue
        }
        if output.isEmpty { output.reserveCapacity(bytes.count) }
        output.append(contentsOf: bytes[copied..<position])
        position += match.count
        copied = position
      }
      guard copied > 0 else { return nil }
      output.append(contentsOf: bytes[copied...])
      return String(decoding: output, as: UTF8.self)
    }
    return stripped ?? text
  }

  private func starts(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int, with pattern: [UInt8])
    -> Bool
  {
    guard position + pattern.count <= bytes.count, bytes[position] == pattern[0] else {
      return false
    }
    if position > 0, Self.continuesIdentifier(bytes[position - 1]) { return false }
    for offset in 1..<pattern.count where bytes[position + offset] != pattern[offset] {
      return false
    }
    return true
  }

  /// The position just past the quoted text (a literal, or a quoted identifier) that opens at
  /// `start`, or the end of `bytes` when it never closes (read by ``SQL/closingQuote``).
  private static func end(of quote: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int)
    -> Int
  {
    let escapes = quote == UInt8(ascii: "'") && SQL.opensEscapeLiteral(bytes, at: start)
    let close = SQL.closingQuote(
      quote, in: bytes, after: start, backslash: escapes ? .escapes : .literal)
    return close.map { $0 + 1 } ?? bytes.count
  }

  /// Whether a cast to an object-identifier type (`::regclass`, `::regproc`, `::regtype`, …)
  /// follows at `position`: the literal before it is a name, not text.
  private static func castsToObjectName(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int)
    -> Bool
  {
    let cast = Array("::reg".utf8)
    guard position + cast.count <= bytes.count else { return false }
    return (0..<cast.count).allSatisfy { bytes[position + $0] == cast[$0] }
  }

  /// Whether `byte` can sit inside an identifier, so that a name right after it is not a name.
  private static func continuesIdentifier(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "$"),
      UInt8(ascii: "\""), 0x80...:
      true
    default:
      false
    }
  }
}

extension Inventory {
  /// What is exactly alike in every snapshot, so that nothing under it can differ.
  struct Alike {
    /// Tables (`schema.table`) that need no per-column comparison.
    var tables: Set<String> = []
    /// Schemas alike as a whole: tables, views, sequences, types, functions and all.
    var schemas: Set<String> = []
    /// Migration tables (`schema.table`) that hold exactly the same rows.
    var migrationTables: Set<String> = []
  }

  /// Finds the tables, whole schemas and migration tables that are exactly alike in every
  /// snapshot.
  static func alike(_ snapshots: [Snapshot], includes: (String) -> Bool) -> Alike {
    guard let first = snapshots.first, snapshots.count > 1 else { return Alike() }
    let others = snapshots.dropFirst().map { snapshot in
      Dictionary(snapshot.schemas.map { ($0.name, $0) }, uniquingKeysWith: { left, _ in left })
    }
    let schemas = first.schemas.filter { includes($0.name) }
    // Schemas are independent of each other: they are matched on every core.
    let perSchema = schemas.concurrentMap { schema -> (whole: Bool, tables: [String]) in
      let matching = others.compactMap { $0[schema.name] }
      guard matching.count == others.count else { return (false, []) }
      let whole = matching.allSatisfy { $0 == schema }
      let tables =
        whole
        ? []
        : matching.map { other in
          Dictionary(other.tables.map { ($0.name, $0) }, uniquingKeysWith: { left, _ in left })
        }
      // A column of a user type can need recreating when the type differs, however alike the
      // table is, so such tables are always compared column by column.
      let alikeTables = schema.tables.filter { table in
        (whole || tables.allSatisfy({ $0[table.name] == table }))
          && table.columns.allSatisfy({ userType(of: $0.type) == nil })
      }
      return (whole, alikeTables.map { "\(schema.name).\($0.name)" })
    }
    var result = Alike()
    for (schema, found) in zip(schemas, perSchema) {
      if found.whole { result.schemas.insert(schema.name) }
      result.tables.formUnion(found.tables)
    }
    let otherMigrationTables = snapshots.dropFirst().map { snapshot in
      Dictionary(
        snapshot.migrationTables.map { ("\($0.schema).\($0.name)", $0) },
        uniquingKeysWith: { left, _ in left })
    }
    for table in first.migrationTables where includes(table.schema) {
      let key = "\(table.schema).\(table.name)"
      if otherMigrationTables.allSatisfy({ $0[key] == table }) {
        result.migrationTables.insert(key)
      }
    }
    return result
  }
}
