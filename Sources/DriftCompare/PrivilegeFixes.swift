import DriftModel

/// `GRANT` statements that give a drifted environment the grants the baseline has, for
/// ``FixSuggester``.
///
/// Like every suggested fix they only add: a grant the drifted side has and the baseline does
/// not is reported, never revoked for the user (taking access away is a decision, not a fix).
/// The grants are read from the snapshots, not from the findings' text; a privilege is named
/// in a statement only when it is one of PostgreSQL's keywords, every name is quoted, and
/// `PUBLIC` is written as the keyword. The owner's own rights follow ownership and get no
/// statement.
enum PrivilegeFixes {
  /// PostgreSQL's privilege keywords: the only words a statement may take from a snapshot.
  static let keywords: Set<String> = [
    "SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "USAGE",
    "CREATE", "CONNECT", "TEMPORARY", "EXECUTE", "MAINTAIN",
  ]

  /// The object a grant is on, as a `GRANT` names it, and its grants in one snapshot.
  private struct Target {
    /// `TABLE "s"."t"`, `FUNCTION "s"."f"(integer)`, `SCHEMA "s"`.
    var clause: String
    /// The column, for a column's own grants.
    var column: String?
    var grants: [Privilege]
  }

  /// The statements for a `privilege.*` finding, for `targets` to match `reference`.
  static func grants(
    _ finding: Finding, in snapshots: [Snapshot], reference: String, targets: [String]
  ) -> [String] {
    guard let schema = finding.schema else {
      return outsideSchemas(finding, in: snapshots, reference: reference, targets: targets)
    }
    let column = grantedColumn(finding, in: snapshots)
    func find(_ environment: String) -> Target? {
      target(finding, schema: schema, column: column, in: snapshots.snapshot(of: environment))
    }
    guard let wanted = find(reference) ?? targets.lazy.compactMap(find).first else { return [] }
    let grantee = column.map { String(finding.name.dropFirst($0.count + 1)) } ?? finding.name
    guard grantee != Privilege.ownerGrantee else { return [] }
    let from = find(reference)?.grants.first { $0.grantee == grantee }
    var statements: [String] = []
    for name in targets {
      let to = find(name)?.grants.first { $0.grantee == grantee }
      statements += difference(
        from: to, to: from, on: wanted.clause, column: column, grantee: grantee)
    }
    var seen = Set<String>()
    return statements.filter { seen.insert($0).inserted }
  }

  /// The statements for a grant on the database, a tablespace, language, wrapper or server.
  ///
  /// The object is found by name in each snapshot; where two kinds share the name, the one
  /// whose grants to the grantee differ between the environments is meant, and when that is
  /// not exactly one, no statement is suggested. The database is each environment's own.
  private static func outsideSchemas(
    _ finding: Finding, in snapshots: [Snapshot], reference: String, targets: [String]
  ) -> [String] {
    guard let name = finding.table, finding.name != Privilege.ownerGrantee else { return [] }
    /// Every object named so in one snapshot: its `GRANT` clause and grants.
    func candidates(_ environment: String) -> [String: Target] {
      guard let snapshot = snapshots.snapshot(of: environment) else { return [:] }
      var found: [String: Target] = [:]
      if name == Privilege.databaseObject, let database = snapshot.database {
        found["database"] = Target(
          clause: "DATABASE \(SQL.identifier(snapshot.environment.database))",
          grants: database.privileges ?? [])
      }
      let quoted = SQL.identifier(name)
      if let server = snapshot.foreignServers?.first(where: { $0.name == name }) {
        found["server"] = Target(clause: "FOREIGN SERVER \(quoted)", grants: server.privileges)
      }
      if let wrapper = snapshot.foreignDataWrappers?.first(where: { $0.name == name }) {
        found["wrapper"] = Target(
          clause: "FOREIGN DATA WRAPPER \(quoted)", grants: wrapper.privileges)
      }
      if let language = snapshot.languages?.first(where: { $0.name == name }) {
        found["language"] = Target(clause: "LANGUAGE \(quoted)", grants: language.privileges)
      }
      if let tablespace = snapshot.tablespaces?.first(where: { $0.name == name }) {
        found["tablespace"] = Target(
          clause: "TABLESPACE \(quoted)", grants: tablespace.privileges)
      }
      return found
    }
    let wanted = candidates(reference)
    let others = targets.map(candidates)
    let kinds = wanted.keys.filter { kind in
      let grant = wanted[kind]?.grants.first { $0.grantee == finding.name }
      return others.contains {
        $0[kind] != nil && $0[kind]?.grants.first { $0.grantee == finding.name } != grant
      }
    }
    guard kinds.count == 1, let kind = kinds.first, let from = wanted[kind] else { return [] }
    var statements: [String] = []
    for target in others {
      guard let to = target[kind] else { continue }
      statements += difference(
        from: to.grants.first { $0.grantee == finding.name },
        to: from.grants.first { $0.grantee == finding.name }, on: to.clause, column: nil,
        grantee: finding.name)
    }
    var seen = Set<String>()
    return statements.filter { seen.insert($0).inserted }
  }

  /// The column of a column's own grant (named `column.grantee`), where some snapshot has it.
  private static func grantedColumn(_ finding: Finding, in snapshots: [Snapshot]) -> String? {
    guard let schema = finding.schema, let table = finding.table else { return nil }
    for snapshot in snapshots {
      for column in snapshot.schema(named: schema)?.table(named: table)?.columns ?? [] {
        for privilege in column.privileges ?? []
        where "\(column.name).\(privilege.grantee)" == finding.name {
          return column.name
        }
      }
    }
    return nil
  }

  /// The statements for a `default_privilege.*` finding.
  static func defaults(
    _ finding: Finding, in snapshots: [Snapshot], reference: String,
    targets: [String]
  ) -> [String] {
    guard let role = finding.table else { return [] }
    func entry(_ environment: String) -> DefaultPrivilege? {
      snapshots.snapshot(of: environment)?.defaultPrivileges?.first { entry in
        let grantee =
          entry.privilege.grantee == entry.role ? Privilege.ownerGrantee : entry.privilege.grantee
        return entry.schema == finding.schema && entry.role == role
          && "\(entry.objects) to \(grantee)" == finding.name
      }
    }
    guard let any = entry(reference) ?? targets.lazy.compactMap(entry).first,
      ["tables", "sequences", "functions", "types", "schemas"].contains(any.objects)
    else { return [] }
    let head =
      "ALTER DEFAULT PRIVILEGES FOR ROLE \(SQL.identifier(role))"
      + (any.schema.map { " IN SCHEMA \(SQL.identifier($0))" } ?? "")
    let grantee =
      any.privilege.grantee == "PUBLIC" ? "PUBLIC" : SQL.identifier(any.privilege.grantee)
    let objects = any.objects.uppercased()
    let want = entry(reference)
    var statements: [String] = []
    for name in targets {
      let have = entry(name)
      // What the baseline's objects get that the drifted side's do not: granted beyond the
      // built-in defaults there, or a built-in default the drifted side revoked.
      let grant = Set(want?.privilege.privileges ?? []).subtracting(
        have?.privilege.privileges ?? [])
      let restore = Set(have?.revoked ?? []).subtracting(want?.revoked ?? [])
      let toGrant = grant.union(restore)
      guard !toGrant.isEmpty, toGrant.isSubset(of: keywords) else { continue }
      statements.append(
        "\(head) GRANT \(toGrant.sorted().joined(separator: ", ")) ON \(objects) TO \(grantee);")
    }
    var seen = Set<String>()
    return statements.filter { seen.insert($0).inserted }
  }

  // MARK: - Privileges

  /// The `GRANT`s that give `have` what `want` has (either may be absent), for one grantee.
  private static func difference(
    from have: Privilege?, to want: Privilege?, on clause: String, column: String?,
    grantee: String
  ) -> [String] {
    let wantAll = Set(want?.privileges ?? [])
    let haveAll = Set(have?.privileges ?? [])
    let wantOption = Set(want?.grantable ?? [])
    let haveOption = Set(have?.grantable ?? [])
    let plain = wantAll.subtracting(wantOption).subtracting(haveAll)
    let withOption = wantOption.subtracting(haveOption)
    guard plain.union(withOption).isSubset(of: keywords) else { return [] }
    let to = grantee == "PUBLIC" ? "PUBLIC" : SQL.identifier(grantee)
    func list(_ privileges: Set<String>) -> String {
      privileges.sorted().map { privilege in
        column.map { "\(privilege) (\(SQL.identifier($0)))" } ?? privilege
      }.joined(separator: ", ")
    }
    var statements: [String] = []
    if !plain.isEmpty { statements.append("GRANT \(list(plain)) ON \(clause) TO \(to);") }
    if !withOption.isEmpty {
      statements.append("GRANT \(list(withOption)) ON \(clause) TO \(to) WITH GRANT OPTION;")
    }
    return statements
  }

  /// The object of a privilege finding in one snapshot: a schema (no table), a relation or one
  /// of its columns, a function by signature, or a type.
  private static func target(
    _ finding: Finding, schema name: String, column: String?, in snapshot: Snapshot?
  ) -> Target? {
    guard let schema = snapshot?.schema(named: name) else { return nil }
    guard let object = finding.table else {
      return Target(
        clause: "SCHEMA \(SQL.identifier(name))",
        grants: schema.privileges ?? [])
    }
    let qualified = SQL.qualified(name, object)
    if let table = schema.table(named: object) {
      guard let column else {
        return Target(clause: "TABLE \(qualified)", grants: table.privileges)
      }
      return Target(
        clause: "TABLE \(qualified)", column: column,
        grants: table.columns.first { $0.name == column }?.privileges ?? [])
    }
    if let view = schema.views.first(where: { $0.name == object }) {
      return Target(clause: "TABLE \(qualified)", grants: view.privileges ?? [])
    }
    if let sequence = schema.sequences.first(where: { $0.name == object }) {
      return Target(
        clause: "SEQUENCE \(qualified)", grants: sequence.privileges ?? [])
    }
    if let function = schema.functions.first(where: { $0.signature == object }),
      let arguments = function.arguments.isEmpty ? "" : SQL.fragment(function.arguments)
    {
      let keyword =
        switch function.kind {
        case "procedure": "PROCEDURE"
        case "aggregate": "ROUTINE"
        default: "FUNCTION"
        }
      return Target(
        clause: "\(keyword) \(SQL.qualified(name, function.name))(\(arguments))",
        grants: function.privileges ?? [])
    }
    if let type = schema.types.first(where: { $0.name == object }) {
      return Target(
        clause: "\(type.kind == .domain ? "DOMAIN" : "TYPE") \(qualified)",
        grants: type.privileges ?? [])
    }
    return nil
  }
}
