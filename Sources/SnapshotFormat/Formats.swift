import DriftModel

/// The snapshot file's shape: one declaration per model type, each field once.
///
/// Adding a field to the model means adding it here (and to its `Codable` conformance, which
/// `JSONDecoder` uses for files this reader leaves to it); the writer and the reader follow.
enum Formats {
  static let snapshot = Format<Snapshot>(
    .object,
    empty: Snapshot(formatVersion: 0, environment: EnvironmentInfo(name: "", source: "")),
    [
      .integer("formatVersion", { $0.formatVersion }, { $0.formatVersion = $1 }),
      .record("environment", { $0.environment }, { $0.environment = $1 }, environment),
      .records("schemas", { $0.schemas }, { $0.schemas = $1 }, schema),
      .records("extensions", { $0.extensions }, { $0.extensions = $1 }, extensionEntry),
      .records(
        "migrationTables", { $0.migrationTables }, { $0.migrationTables = $1 }, migrationTable),
      .record("tenantRegistry", { $0.tenantRegistry }, { $0.tenantRegistry = $1 }, tenantRegistry),
      .records("unreadable", { $0.unreadable }, { $0.unreadable = $1 }, unreadableObject),
      .records(
        "defaultPrivileges", { $0.defaultPrivileges }, { $0.defaultPrivileges = $1 },
        defaultPrivilege),
      .records("roles", { $0.roles }, { $0.roles = $1 }, role),
      .record("database", { $0.database }, { $0.database = $1 }, database),
      .records("eventTriggers", { $0.eventTriggers }, { $0.eventTriggers = $1 }, eventTrigger),
      .records("publications", { $0.publications }, { $0.publications = $1 }, publication),
      .records("subscriptions", { $0.subscriptions }, { $0.subscriptions = $1 }, subscription),
      .strings(
        "availableExtensions", { $0.availableExtensions }, { $0.availableExtensions = $1 }),
      .records("tablespaces", { $0.tablespaces }, { $0.tablespaces = $1 }, tablespace),
      .records("languages", { $0.languages }, { $0.languages = $1 }, language),
      .records(
        "foreignDataWrappers", { $0.foreignDataWrappers }, { $0.foreignDataWrappers = $1 },
        foreignDataWrapper),
      .records("foreignServers", { $0.foreignServers }, { $0.foreignServers = $1 }, foreignServer),
    ])

  static let environment = Format<EnvironmentInfo>(
    .object, empty: EnvironmentInfo(name: "", source: ""),
    [
      .string("name", { $0.name }, { $0.name = $1 }),
      .string("source", { $0.source }, { $0.source = $1 }),
      .string("serverVersion", { $0.serverVersion }, { $0.serverVersion = $1 }),
      .integer("serverVersionNumber", { $0.serverVersionNumber }, { $0.serverVersionNumber = $1 }),
      .string("database", { $0.database }, { $0.database = $1 }),
      .string("user", { $0.user }, { $0.user = $1 }),
      .string("collectedAt", { $0.collectedAt }, { $0.collectedAt = $1 }),
      .string("envdriftVersion", { $0.envdriftVersion }, { $0.envdriftVersion = $1 }),
    ])

  static let extensionEntry = Format<Extension>(
    .leaf, empty: Extension(name: "", version: "", schema: ""),
    [
      .string("name", { $0.name }, { $0.name = $1 }),
      .string("version", { $0.version }, { $0.version = $1 }),
      .string("schema", { $0.schema }, { $0.schema = $1 }),
      .string("defaultVersion", { $0.defaultVersion }, { $0.defaultVersion = $1 }),
    ])

  static let unreadableObject = Format<UnreadableObject>(
    .leaf, empty: UnreadableObject(schema: "", object: "", reason: ""),
    [
      .string("schema", { $0.schema }, { $0.schema = $1 }),
      .string("object", { $0.object }, { $0.object = $1 }),
      .string("reason", { $0.reason }, { $0.reason = $1 }),
      .enumeration("kind", { $0.kind }, { $0.kind = $1 }),
    ])

  static let tenantRegistry = Format<TenantRegistry>(
    .leaf, empty: TenantRegistry(table: "", schemas: []),
    [
      .string("table", { $0.table }, { $0.table = $1 }),
      .strings("schemas", { $0.schemas }, { $0.schemas = $1 }),
    ])

  static let migrationTable = Format<MigrationTable>(
    .object, empty: MigrationTable(schema: "", name: "", framework: .django),
    [
      .string("schema", { $0.schema }, { $0.schema = $1 }),
      .string("name", { $0.name }, { $0.name = $1 }),
      .enumeration("framework", { $0.framework }, { $0.framework = $1 }),
      .records("rows", { $0.rows }, { $0.rows = $1 }, migrationRow),
      .string("unreadableReason", { $0.unreadableReason }, { $0.unreadableReason = $1 }),
      .string("environmentName", { $0.environmentName }, { $0.environmentName = $1 }),
    ])

  static let migrationRow = Format<MigrationRow>(
    .leaf, empty: MigrationRow(app: "", name: ""),
    [
      .string("app", { $0.app }, { $0.app = $1 }),
      .string("name", { $0.name }, { $0.name = $1 }),
      .boolean("success", { $0.success }, { $0.success = $1 }),
      .string("appliedAt", { $0.appliedAt }, { $0.appliedAt = $1 }),
      .string("description", { $0.description }, { $0.description = $1 }),
      .string("checksum", { $0.checksum }, { $0.checksum = $1 }),
    ])

  static let schema = Format<Schema>(
    .object, empty: Schema(name: ""),
    [
      .string("name", { $0.name }, { $0.name = $1 }),
      .string("owner", { $0.owner }, { $0.owner = $1 }),
      .records("tables", { $0.tables }, { $0.tables = $1 }, table),
      .records("views", { $0.views }, { $0.views = $1 }, view),
      .records("sequences", { $0.sequences }, { $0.sequences = $1 }, sequence),
      .records("types", { $0.types }, { $0.types = $1 }, typeDefinition),
      .records("functions", { $0.functions }, { $0.functions = $1 }, function),
      .records("collations", { $0.collations }, { $0.collations = $1 }, collation),
      .records("privileges", { $0.privileges }, { $0.privileges = $1 }, privilege),
      .string("comment", { $0.comment }, { $0.comment = $1 }),
    ])

  static let table = Format<Table>(
    .object, empty: Table(name: ""),
    [
      .string("name", { $0.name }, { $0.name = $1 }),
      .enumeration("kind", { $0.kind }, { $0.kind = $1 }),
      .boolean("unlogged", { $0.unlogged }, { $0.unlogged = $1 }),
      .string("owner", { $0.owner }, { $0.owner = $1 }),
      .boolean("rowSecurity", { $0.rowSecurity }, { $0.rowSecurity = $1 }),
      .boolean("forceRowSecurity", { $0.forceRowSecurity }, { $0.forceRowSecurity = $1 }),
      .strings("inherits", { $0.inherits }, { $0.inherits = $1 }),
      .sharedRecords("columns", { $0.columns }, { $0.columns = $1 }, column),
      .sharedRecords("indexes", { $0.indexes }, { $0.indexes = $1 }, index),
      .sharedRecords("constraints", { $0.constraints }, { $0.constraints = $1 }, constraint),
      .records("triggers", { $0.triggers }, { $0.triggers = $1 }, trigger),
      .records("policies", { $0.policies }, { $0.policies = $1 }, policy),
      .records("privileges", { $0.privileges }, { $0.privileges = $1 }, privilege),
      .string("partitionKey", { $0.partitionKey }, { $0.partitionKey = $1 }),
      .string("partitionOf", { $0.partitionOf }, { $0.partitionOf = $1 }),
      .string("partitionBound", { $0.partitionBound }, { $0.partitionBound = $1 }),
      .string("comment", { $0.comment }, { $0.comment = $1 }),
      .strings("options", { $0.options }, { $0.options = $1 }),
      .string("replicaIdentity", { $0.replicaIdentity }, { $0.replicaIdentity = $1 }),
      .records("rules", { $0.rules }, { $0.rules = $1 }, rule),
      .records("statistics", { $0.statistics }, { $0.statistics = $1 }, statisticsObject),
      .string("tablespace", { $0.tablespace }, { $0.tablespace = $1 }),
      .string("foreignServer", { $0.foreignServer }, { $0.foreignServer = $1 }),
      .strings("foreignOptions", { $0.foreignOptions }, { $0.foreignOptions = $1 }),
    ])

  static let column = Format<Column>(
    .leaf, empty: Column(name: "", type: ""),
    [
      .string("name", { $0.name }, { $0.name = $1 }),
      .integer("position", { $0.position }, { $0.position = $1 }),
      .string("type", { $0.type }, { $0.type = $1 }),
      .boolean("notNull", { $0.notNull }, { $0.notNull = $1 }),
      .string("defaultValue", { $0.defaultValue }, { $0.defaultValue = $1 }),
      .string("identity", { $0.identity }, { $0.identity = $1 }),
      .string("generated", { $0.generated }, { $0.generated = $1 }),
      .enumeration("generatedStorage", { $0.generatedStorage }, { $0.generatedStorage = $1 }),
      .string("collation", { $0.collation }, { $0.collation = $1 }),
      .string("comment", { $0.comment }, { $0.comment = $1 }),
      .records("privileges", { $0.privileges }, { $0.privileges = $1 }, privilege),
      .string("storage", { $0.storage }, { $0.storage = $1 }),
      .string("compression", { $0.compression }, { $0.compression = $1 }),
      .integer("statisticsTarget", { $0.statisticsTarget }, { $0.statisticsTarget = $1 }),
      .string("inheritance", { $0.inheritance }, { $0.inheritance = $1 }),
    ])

  static let index = Format<Index>(
    .leaf, empty: Index(name: "", definition: ""),
    [
      .string("name", { $0.name }, { $0.name = $1 }),
      .string("definition", { $0.definition }, { $0.definition = $1 }),
      .boolean("isUnique", { $0.isUnique }, { $0.isUnique = $1 }),
      .boolean("isPrimary", { $0.isPrimary }, { $0.isPrimary = $1 }),
      .string("predicate", { $0.predicate }, { $0.predicate = $1 }),
      .boolean("isValid", { $0.isValid }, { $0.isValid = $1 }),
      .string("constraint", { $0.constraint }, { $0.constraint = $1 }),
      .string("comment", { $0.comment }, { $0.comment = $1 }),
      .string("tablespace", { $0.tablespace }, { $0.tablespace = $1 }),
    ])

  static let constraint = Format<Constraint>(
    .leaf, empty: Constraint(name: "", kind: .check, definition: ""),
    [
      .string("name", { $0.name }, { $0.name = $1 }),
      .enumeration("kind", { $0.kind }, { $0.kind = $1 }),
      .string("definition", { $0.definition }, { $0.definition = $1 }),
      .boolean("deferrable", { $0.deferrable }, { $0.deferrable = $1 }),
      .boolean("deferred", { $0.deferred }, { $0.deferred = $1 }),
      .boolean("validated", { $0.validated }, { $0.validated = $1 }),
    ])

  static let trigger = Format<Trigger>(
    .leaf, empty: Trigger(name: "", definition: ""),
    [
      .string("name", { $0.name }, { $0.name = $1 }),
      .string("definition", { $0.definition }, { $0.definition = $1 }),
      .string("enabled", { $0.enabled }, { $0.enabled = $1 }),
    ])

  static let policy = Format<Policy>(
    .leaf, empty: Policy(name: "", command: ""),
    [
      .string("name", { $0.name }, { $0.name = $1 }),
      .string("command", { $0.command }, { $0.command = $1 }),
      .boolean("permissive", { $0.permissive }, { $0.permissive = $1 }),
      .strings("roles", { $0.roles }, { $0.roles = $1 }),
      .string("using", { $0.using }, { $0.using = $1 }),
      .string("withCheck", { $0.withCheck }, { $0.withCheck = $1 }),
    ])

  static let privilege = Format<Privilege>(
    .leaf, empty: Privilege(grantee: "", privileges: []),
    [
      .string("grantee", { $0.grantee }, { $0.grantee = $1 }),
      .strings("privileges", { $0.privileges }, { $0.privileges = $1 }),
      .strings("grantable", { $0.grantable }, { $0.grantable = $1 }),
    ])

  static let defaultPrivilege = Format<DefaultPrivilege>(
    .leaf,
    empty: DefaultPrivilege(
      role: "", schema: nil, objects: "", privilege: Privilege(grantee: "", privileges: [])),
    [
      .string("role", { $0.role }, { $0.role = $1 }),
      .string("schema", { $0.schema }, { $0.schema = $1 }),
      .string("objects", { $0.objects }, { $0.objects = $1 }),
      .record("privilege", { $0.privilege }, { $0.privilege = $1 }, privilege),
      .strings("revoked", { $0.revoked }, { $0.revoked = $1 }),
    ])

  static let view = Format<View>(
    .object, empty: View(name: "", definition: ""),
    [
      .string("name", { $0.name }, { $0.name = $1 }),
      .boolean("materialized", { $0.materialized }, { $0.materialized = $1 }),
      .string("definition", { $0.definition }, { $0.definition = $1 }),
      .string("owner", { $0.owner }, { $0.owner = $1 }),
      .string("comment", { $0.comment }, { $0.comment = $1 }),
      .records("indexes", { $0.indexes }, { $0.indexes = $1 }, index),
      .records("triggers", { $0.triggers }, { $0.triggers = $1 }, trigger),
      .strings("dependsOn", { $0.dependsOn }, { $0.dependsOn = $1 }),
      .records("privileges", { $0.privileges }, { $0.privileges = $1 }, privilege),
      .strings("options", { $0.options }, { $0.options = $1 }),
      .records("rules", { $0.rules }, { $0.rules = $1 }, rule),
    ])

  static let sequence = Format<SequenceDefinition>(
    .leaf, empty: SequenceDefinition(name: ""),
    [
      .string("name", { $0.name }, { $0.name = $1 }),
      .string("dataType", { $0.dataType }, { $0.dataType = $1 }),
      .string("start", { $0.start }, { $0.start = $1 }),
      .string("increment", { $0.increment }, { $0.increment = $1 }),
      .string("minimum", { $0.minimum }, { $0.minimum = $1 }),
      .string("maximum", { $0.maximum }, { $0.maximum = $1 }),
      .string("cache", { $0.cache }, { $0.cache = $1 }),
      .boolean("cycle", { $0.cycle }, { $0.cycle = $1 }),
      .string("ownedBy", { $0.ownedBy }, { $0.ownedBy = $1 }),
      .string("owner", { $0.owner }, { $0.owner = $1 }),
      .records("privileges", { $0.privileges }, { $0.privileges = $1 }, privilege),
    ])

  static let typeDefinition = Format<TypeDefinition>(
    .leaf, empty: TypeDefinition(name: "", kind: .enum, definition: ""),
    [
      .string("name", { $0.name }, { $0.name = $1 }),
      .enumeration("kind", { $0.kind }, { $0.kind = $1 }),
      .string("definition", { $0.definition }, { $0.definition = $1 }),
      .string("owner", { $0.owner }, { $0.owner = $1 }),
      .string("comment", { $0.comment }, { $0.comment = $1 }),
      .records("privileges", { $0.privileges }, { $0.privileges = $1 }, privilege),
    ])

  static let function = Format<FunctionDefinition>(
    .leaf, empty: FunctionDefinition(name: ""),
    [
      .string("name", { $0.name }, { $0.name = $1 }),
      .string("arguments", { $0.arguments }, { $0.arguments = $1 }),
      .string("kind", { $0.kind }, { $0.kind = $1 }),
      .string("result", { $0.result }, { $0.result = $1 }),
      .string("language", { $0.language }, { $0.language = $1 }),
      .string("definitionHash", { $0.definitionHash }, { $0.definitionHash = $1 }),
      .string("owner", { $0.owner }, { $0.owner = $1 }),
      .string("comment", { $0.comment }, { $0.comment = $1 }),
      .records("privileges", { $0.privileges }, { $0.privileges = $1 }, privilege),
    ])

  static let collation = Format<Collation>(
    .leaf, empty: Collation(name: "", provider: "", collate: "", ctype: "", deterministic: true),
    [
      .string("name", { $0.name }, { $0.name = $1 }),
      .string("provider", { $0.provider }, { $0.provider = $1 }),
      .string("collate", { $0.collate }, { $0.collate = $1 }),
      .string("ctype", { $0.ctype }, { $0.ctype = $1 }),
      .boolean("deterministic", { $0.deterministic }, { $0.deterministic = $1 }),
    ])

  static let role = Format<Role>(
    .leaf, empty: Role(name: ""),
    [
      .string("name", { $0.name }, { $0.name = $1 }),
      .boolean("superuser", { $0.superuser }, { $0.superuser = $1 }),
      .boolean("inherit", { $0.inherit }, { $0.inherit = $1 }),
      .boolean("createRole", { $0.createRole }, { $0.createRole = $1 }),
      .boolean("createDatabase", { $0.createDatabase }, { $0.createDatabase = $1 }),
      .boolean("login", { $0.login }, { $0.login = $1 }),
      .boolean("replication", { $0.replication }, { $0.replication = $1 }),
      .boolean("bypassRowSecurity", { $0.bypassRowSecurity }, { $0.bypassRowSecurity = $1 }),
      .integer("connectionLimit", { $0.connectionLimit }, { $0.connectionLimit = $1 }),
      .string("validUntil", { $0.validUntil }, { $0.validUntil = $1 }),
      .records("memberOf", { $0.memberOf }, { $0.memberOf = $1 }, membership),
      .strings("settings", { $0.settings }, { $0.settings = $1 }),
    ])

  static let membership = Format<Membership>(
    .leaf, empty: Membership(role: ""),
    [
      .string("role", { $0.role }, { $0.role = $1 }),
      .boolean("admin", { $0.admin }, { $0.admin = $1 }),
      .boolean("inherit", { $0.inherit }, { $0.inherit = $1 }),
      .boolean("set", { $0.set }, { $0.set = $1 }),
    ])

  static let database = Format<DatabaseInfo>(
    .object, empty: DatabaseInfo(encoding: "", collate: "", ctype: "", localeProvider: ""),
    [
      .string("encoding", { $0.encoding }, { $0.encoding = $1 }),
      .string("collate", { $0.collate }, { $0.collate = $1 }),
      .string("ctype", { $0.ctype }, { $0.ctype = $1 }),
      .string("localeProvider", { $0.localeProvider }, { $0.localeProvider = $1 }),
      .string("locale", { $0.locale }, { $0.locale = $1 }),
      .string("collationVersion", { $0.collationVersion }, { $0.collationVersion = $1 }),
      .strings("settings", { $0.settings }, { $0.settings = $1 }),
      .strings("serverSettings", { $0.serverSettings }, { $0.serverSettings = $1 }),
      .string("owner", { $0.owner }, { $0.owner = $1 }),
      .records("privileges", { $0.privileges }, { $0.privileges = $1 }, privilege),
      .string("defaultTablespace", { $0.defaultTablespace }, { $0.defaultTablespace = $1 }),
    ])

  static let rule = Format<Rule>(
    .leaf, empty: Rule(name: "", definition: ""),
    [
      .string("name", { $0.name }, { $0.name = $1 }),
      .string("definition", { $0.definition }, { $0.definition = $1 }),
    ])

  static let statisticsObject = Format<StatisticsObject>(
    .leaf, empty: StatisticsObject(name: "", definition: ""),
    [
      .string("name", { $0.name }, { $0.name = $1 }),
      .string("definition", { $0.definition }, { $0.definition = $1 }),
    ])

  static let eventTrigger = Format<EventTrigger>(
    .leaf, empty: EventTrigger(name: "", event: "", function: "", enabled: "", tags: []),
    [
      .string("name", { $0.name }, { $0.name = $1 }),
      .string("event", { $0.event }, { $0.event = $1 }),
      .string("function", { $0.function }, { $0.function = $1 }),
      .string("enabled", { $0.enabled }, { $0.enabled = $1 }),
      .strings("tags", { $0.tags }, { $0.tags = $1 }),
    ])

  static let publication = Format<Publication>(
    .leaf, empty: Publication(name: ""),
    [
      .string("name", { $0.name }, { $0.name = $1 }),
      .boolean("allTables", { $0.allTables }, { $0.allTables = $1 }),
      .strings("operations", { $0.operations }, { $0.operations = $1 }),
      .boolean("viaRoot", { $0.viaRoot }, { $0.viaRoot = $1 }),
      .strings("tables", { $0.tables }, { $0.tables = $1 }),
      .strings("schemas", { $0.schemas }, { $0.schemas = $1 }),
    ])

  static let subscription = Format<Subscription>(
    .leaf, empty: Subscription(name: "", enabled: false, publications: [], slot: nil),
    [
      .string("name", { $0.name }, { $0.name = $1 }),
      .boolean("enabled", { $0.enabled }, { $0.enabled = $1 }),
      .strings("publications", { $0.publications }, { $0.publications = $1 }),
      .string("slot", { $0.slot }, { $0.slot = $1 }),
    ])

  static let tablespace = Format<Tablespace>(
    .object, empty: Tablespace(name: "", owner: ""),
    [
      .string("name", { $0.name }, { $0.name = $1 }),
      .string("owner", { $0.owner }, { $0.owner = $1 }),
      .strings("options", { $0.options }, { $0.options = $1 }),
      .records("privileges", { $0.privileges }, { $0.privileges = $1 }, privilege),
    ])

  static let language = Format<Language>(
    .object, empty: Language(name: "", trusted: false, owner: ""),
    [
      .string("name", { $0.name }, { $0.name = $1 }),
      .boolean("trusted", { $0.trusted }, { $0.trusted = $1 }),
      .string("owner", { $0.owner }, { $0.owner = $1 }),
      .records("privileges", { $0.privileges }, { $0.privileges = $1 }, privilege),
      .string("fromExtension", { $0.fromExtension }, { $0.fromExtension = $1 }),
    ])

  static let foreignDataWrapper = Format<ForeignDataWrapper>(
    .object, empty: ForeignDataWrapper(name: "", owner: ""),
    [
      .string("name", { $0.name }, { $0.name = $1 }),
      .string("owner", { $0.owner }, { $0.owner = $1 }),
      .string("handler", { $0.handler }, { $0.handler = $1 }),
      .string("validator", { $0.validator }, { $0.validator = $1 }),
      .strings("options", { $0.options }, { $0.options = $1 }),
      .records("privileges", { $0.privileges }, { $0.privileges = $1 }, privilege),
      .string("fromExtension", { $0.fromExtension }, { $0.fromExtension = $1 }),
    ])

  static let foreignServer = Format<ForeignServer>(
    .object, empty: ForeignServer(name: "", wrapper: "", owner: ""),
    [
      .string("name", { $0.name }, { $0.name = $1 }),
      .string("wrapper", { $0.wrapper }, { $0.wrapper = $1 }),
      .string("owner", { $0.owner }, { $0.owner = $1 }),
      .string("type", { $0.type }, { $0.type = $1 }),
      .string("version", { $0.version }, { $0.version = $1 }),
      .strings("options", { $0.options }, { $0.options = $1 }),
      .records("privileges", { $0.privileges }, { $0.privileges = $1 }, privilege),
      .records("userMappings", { $0.userMappings }, { $0.userMappings = $1 }, userMapping),
    ])

  static let userMapping = Format<UserMapping>(
    .leaf, empty: UserMapping(user: "", options: nil),
    [
      .string("user", { $0.user }, { $0.user = $1 }),
      .strings("options", { $0.options }, { $0.options = $1 }),
    ])
}
