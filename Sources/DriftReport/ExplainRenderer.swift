import DriftModel
import Foundation

/// Writes `envdrift explain`'s answer — **What failed**, **Why**, **Where**, **Fix** — for a
/// terminal, in Markdown, or as JSON.
///
/// The answer is composed once, as sentences of plain text and names, and each medium escapes
/// the names its own way: Markdown code spans, or as they are for a terminal (the command line
/// escapes control characters last).
public enum ExplainRenderer {
  /// The output formats.
  public enum Format: String, Sendable, CaseIterable {
    /// Plain lines for a terminal.
    case text
    /// GitHub-flavoured Markdown.
    case markdown
    /// The typed facts, with the sentences.
    case json
  }

  /// One piece of a sentence.
  enum Piece: Hashable {
    /// Plain words.
    case words(String)
    /// A name from a database, the code or the error: escaped for the medium.
    case name(String)
  }

  /// One answer's sections.
  struct Answer {
    var whatFailed: [Piece]
    var why: [[Piece]]
    var whereRows: [(environment: String, cells: [String])]
    var whereHeader: [String]
    var fix: [[Piece]]
    var sql: String?
  }

  /// The answers to `explanations`, in `format`.
  public static func render(_ explanations: [Explanation], format: Format) throws(ReportError)
    -> String
  {
    let answers = explanations.map(answer)
    switch format {
    case .text:
      return answers.map(text).joined(separator: "\n")
    case .markdown:
      return answers.map(markdown).joined(separator: "\n---\n\n")
    case .json:
      struct Document: Encodable {
        var formatVersion = 1
        var explanations: [Item]
      }
      struct Item: Encodable {
        var explanation: Explanation
        var whatFailed: String
        var why: [String]
        var fix: [String]
        var sql: String?
      }
      let document = Document(
        explanations: zip(explanations, answers).map { explanation, answer in
          Item(
            explanation: explanation, whatFailed: plain(answer.whatFailed),
            why: answer.why.map(plain), fix: answer.fix.map(plain), sql: answer.sql)
        })
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
      do {
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
      } catch {
        throw .encodingFailed(reason: "\(error)")
      }
    }
  }

  // MARK: - Media

  private static func plain(_ pieces: [Piece]) -> String {
    pieces.map {
      switch $0 {
      case .words(let text): text
      case .name(let name): name
      }
    }.joined()
  }

  private static func markdownLine(_ pieces: [Piece]) -> String {
    pieces.map {
      switch $0 {
      case .words(let text): Markdown.text(text)
      case .name(let name): Markdown.code(name)
      }
    }.joined()
  }

  private static func text(_ answer: Answer) -> String {
    var lines = ["What failed: " + plain(answer.whatFailed), "Why:"]
    lines += answer.why.map { "  - " + plain($0) }
    lines.append("Where:")
    let width = answer.whereRows.map(\.environment.count).max() ?? 0
    for row in answer.whereRows {
      let padded = row.environment.padding(toLength: width, withPad: " ", startingAt: 0)
      let cells = zip(answer.whereHeader.dropFirst(), row.cells).map { "\($0): \($1)" }
      lines.append("  \(padded)  " + cells.joined(separator: "; "))
    }
    lines.append("Fix:")
    lines += answer.fix.map { "  - " + plain($0) }
    if let sql = answer.sql {
      lines += sql.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private static func markdown(_ answer: Answer) -> String {
    var lines = ["**What failed**: " + markdownLine(answer.whatFailed), "", "**Why**", ""]
    lines += answer.why.map { "- " + markdownLine($0) }
    lines += ["", "**Where**", ""]
    lines.append("| " + answer.whereHeader.map(Markdown.text).joined(separator: " | ") + " |")
    lines.append("|" + String(repeating: "---|", count: answer.whereHeader.count))
    for row in answer.whereRows {
      let cells = ([Markdown.text(row.environment)] + row.cells.map(Markdown.text)).map(
        Markdown.cell)
      lines.append("| " + cells.joined(separator: " | ") + " |")
    }
    lines += ["", "**Fix**", ""]
    lines += answer.fix.map { "- " + markdownLine($0) }
    if let sql = answer.sql {
      let fence = Markdown.fence(for: sql)
      lines += ["", fence + "sql", Markdown.block(sql), fence]
    }
    return lines.joined(separator: "\n") + "\n"
  }

  // MARK: - Composing

  /// At most five schema names, then how many more.
  static func schemaList(_ schemas: [String]) -> String {
    guard !schemas.isEmpty else { return "—" }
    let shown = schemas.prefix(5).joined(separator: ", ")
    return schemas.count > 5 ? "\(schemas.count) schemas: \(shown), …" : shown
  }

  private static func noun(_ error: ErrorReport) -> String {
    switch error.kind {
    case .undefinedRelation, .duplicateRelation: "relation"
    case .undefinedIndex: "index"
    case .undefinedColumn, .duplicateColumn: "column"
    case .undefinedConstraint, .duplicateConstraint: "constraint"
    case .undefinedSchema: "schema"
    case .undefinedFunction: "function"
    case .undefinedType: "type"
    case .undefinedRole: "role"
    case .insufficientPrivilege, .notOwner: error.objectType ?? "object"
    case .inconsistentHistory, .nodeNotFound: "migration"
    }
  }

  private static func subject(_ error: ErrorReport) -> [Piece] {
    var pieces: [Piece] = [.words(noun(error) + " "), .name(error.name)]
    if let table = error.table { pieces += [.words(" of "), .name(table)] }
    if let schema = error.schema { pieces += [.words(" in schema "), .name(schema)] }
    return pieces
  }

  private static func recordedText(_ migration: Explanation.Migration) -> String {
    let applied = migration.applied.filter { !$0.schemas.isEmpty }
    let absent = migration.applied.filter { $0.schemas.isEmpty }.map(\.environment)
    var parts: [String] = []
    if !applied.isEmpty {
      parts.append(
        "recorded in "
          + applied.map { recorded in
            let when = recorded.appliedAt.map { " since \(TimeText.readable($0))" } ?? ""
            let missing =
              recorded.missing.isEmpty ? "" : ", not in \(schemaList(recorded.missing))"
            return "\(recorded.environment) (\(schemaList(recorded.schemas))\(when)\(missing))"
          }.joined(separator: "; "))
    }
    if !absent.isEmpty { parts.append("not recorded in \(absent.joined(separator: ", "))") }
    return parts.isEmpty ? "recorded nowhere" : parts.joined(separator: "; ")
  }

  static func answer(_ explanation: Explanation) -> Answer {
    let error = explanation.error
    var why: [[Piece]] = []
    var fix: [[Piece]] = []
    var sql: String?
    let what: [Piece] = [.words("\(error.errorName): ")] + whatPieces(error)
    switch error.kind {
    case .inconsistentHistory, .nodeNotFound:
      history(explanation, why: &why, fix: &fix)
    case .insufficientPrivilege, .notOwner:
      sql = privileges(explanation, why: &why, fix: &fix)
    default:
      sql = objects(explanation, why: &why, fix: &fix)
    }
    for place in explanation.places where !place.read {
      why.append([
        .words(
          "\(place.environment) could not be read (\(place.error ?? "unknown error")):"
            + " what holds there is unknown")
      ])
    }
    var header = ["Environment"]
    var rows: [(environment: String, cells: [String])] = []
    switch error.kind {
    case .inconsistentHistory, .nodeNotFound:
      header += ["recorded without its dependency", "recorded with it"]
      for place in explanation.places {
        rows.append(
          (
            place.environment,
            place.read
              ? [schemaList(place.present), schemaList(place.absent)] : ["not read", "not read"]
          ))
      }
    case .insufficientPrivilege, .notOwner:
      header +=
        error.objectType == "database"
        ? ["database", "", "owner", "grants"]
        : ["has \(error.name)", "lacks it", "owner", "grants"]
      for place in explanation.places {
        guard place.read else {
          rows.append((place.environment, Array(repeating: "not read", count: 4)))
          continue
        }
        let access = explanation.access.filter { $0.environment == place.environment }
        let several = access.count > 1
        func scoped(_ text: String, _ group: Explanation.Access) -> String {
          several ? "\(text) (\(schemaList(group.schemas)))" : text
        }
        let owners =
          Set(access.map(\.owner)).count == 1
          ? [access[0].owner] : access.map { scoped($0.owner, $0) }
        let grants = access.map { $0.kind == "index" ? "—" : scoped(grantText($0.grants), $0) }
        let flat =
          place.present.count == 1 && place.present == [error.name]
          ? ["yes", "—"] : [schemaList(place.present), schemaList(place.absent)]
        rows.append(
          (
            place.environment,
            flat + [
              owners.isEmpty ? "—" : owners.joined(separator: "; "),
              grants.isEmpty ? "—" : grants.joined(separator: "; "),
            ]
          ))
      }
    default:
      header += ["has \(error.name)", "lacks it"]
      if let renamed = explanation.renamedTo { header.append("has it as \(renamed)") }
      for place in explanation.places {
        var cells = [schemaList(place.present), schemaList(place.absent)]
        if error.kind == .undefinedRole {
          cells = [place.present.isEmpty ? "—" : "yes", place.absent.isEmpty ? "—" : "yes"]
        }
        if explanation.renamedTo != nil { cells.append(schemaList(place.renamed)) }
        if !place.read { cells = cells.map { _ in "not read" } }
        rows.append((place.environment, cells))
      }
    }
    return Answer(
      whatFailed: what, why: why, whereRows: rows, whereHeader: header,
      fix: fix, sql: sql)
  }

  private static func whatPieces(_ error: ErrorReport) -> [Piece] {
    switch error.kind {
    case .inconsistentHistory:
      return [
        .words("migration "), .name(error.name), .words(" is applied before its dependency "),
        .name(error.dependency ?? ""),
      ]
    case .nodeNotFound:
      return [
        .words("migration "), .name(error.name), .words(" depends on "),
        .name(error.dependency ?? ""), .words(", which the code does not have"),
      ]
    case .duplicateRelation, .duplicateColumn, .duplicateConstraint:
      return subject(error) + [.words(" already exists")]
    case .insufficientPrivilege:
      return [.words("permission denied for ")] + subject(error)
    case .notOwner:
      return [.words("must be owner of ")] + subject(error)
    default:
      return subject(error) + [.words(" does not exist")]
    }
  }

  /// Why and how to fix an object error; returns the idempotent SQL when one applies.
  private static func objects(
    _ explanation: Explanation, why: inout [[Piece]], fix: inout [[Piece]]
  ) -> String? {
    let error = explanation.error
    let name = error.name
    let read = explanation.places.filter(\.read)
    if !explanation.foundAnywhere { why.append(foundNowhere(explanation)) }
    if let renamedTo = explanation.renamedTo {
      for migration in explanation.migrations where migration.effect != .drops {
        why.append([
          .name(migration.name), .words(" renames "), .name(name), .words(" to "),
          .name(renamedTo), .words(": " + recordedText(migration)),
        ])
      }
      let renamedPlaces = read.filter { !$0.renamed.isEmpty }
      for place in renamedPlaces {
        why.append([
          .words("in \(place.environment) "), .name(name), .words(" is already "),
          .name(renamedTo), .words(" (\(schemaList(place.renamed)))"),
        ])
      }
      if let definition = explanation.sameDefinition {
        why.append([
          .name(renamedTo), .words(" has the same definition as "), .name(name), .words(" ("),
          .name(definition),
          .words("): the same object under another name, renamed where no migration says so"),
        ])
      }
      if let migration = explanation.migrations.first {
        let (app, migrationName) = split(migration.name)
        fix.append([
          .words("where "), .name(name), .words(" is already "), .name(renamedTo),
          .words(" but "), .name(migration.name),
          .words(" is not recorded, record it: "),
          .name("python manage.py migrate \(app) \(migrationName) --fake"),
          .words(" (after checking the schema), or make the rename idempotent:"),
        ])
      }
      if explanation.migrations.isEmpty {
        fix.append([
          .words("give the object one name everywhere: the statement below renames "),
          .name(name), .words(" to "), .name(renamedTo),
          .words(" where only the old name exists (or rename it back where the new name is wrong)"),
        ])
      }
      return renameStatement(explanation, from: name, to: renamedTo)
    }
    let creators = explanation.migrations.filter {
      $0.effect == .creates || $0.effect == .firstOfApp
    }
    // Without the code, the migration that fails on a duplicate is the first one (by name, the
    // order Django applies an app's migrations) that names the object and is not recorded
    // where the object already exists.
    let suspect = explanation.migrations.filter { $0.effect == .mentions }.sorted {
      $0.name < $1.name
    }.first { migration in
      migration.applied.contains { recorded in
        read.first { $0.environment == recorded.environment }?.present.contains {
          !recorded.schemas.contains($0)
        } == true
      }
    }
    let shown =
      error.isDuplicate && creators.isEmpty
      ? (suspect.map { [$0] } ?? explanation.migrations) : explanation.migrations
    for migration in shown {
      let verb: String
      switch migration.effect {
      case .creates: verb = " creates "
      case .drops: verb = " drops "
      case .renames: verb = " renames "
      case .firstOfApp: verb = ", the first migration of the app whose tables are named like "
      default: verb = " mentions "
      }
      var line: [Piece] = [.name(migration.name)]
      if let operation = migration.operation {
        line += [.words(" ("), .name(operation), .words(")")]
      }
      line += [.words(verb), .name(name), .words(": " + recordedText(migration))]
      if migration.effect == .creates, let idempotent = migration.idempotent {
        line.append(.words(idempotent ? "; it is idempotent" : "; it is not idempotent"))
      }
      why.append(line)
    }
    if explanation.migrations.isEmpty, explanation.foundAnywhere, error.kind != .undefinedRole {
      why.append([
        .words("no migration "), .words(explanationHasCode(explanation) ? "in the code" : "name"),
        .words(" mentions "), .name(name), .words(": it was made or removed outside migrations"),
      ])
    }
    switch error.kind {
    case .duplicateRelation, .duplicateColumn, .duplicateConstraint:
      let suspects = creators.isEmpty ? (suspect.map { [$0] } ?? []) : creators
      for creator in suspects {
        for recorded in creator.applied {
          guard let place = read.first(where: { $0.environment == recorded.environment })
          else { continue }
          let unrecorded = place.present.filter { !recorded.schemas.contains($0) }
          guard !unrecorded.isEmpty else { continue }
          why.append([
            .name(name), .words(" exists in \(place.environment) (\(schemaList(unrecorded))) but "),
            .name(creator.name),
            .words(
              creator.effect == .creates
                ? ", which creates it, is not recorded there: it was made by hand or by a"
                  + " script, so applying the migration fails with \(error.errorName)"
                : ", which likely creates it, is not recorded there: it was made by hand or by a"
                  + " script, so applying the migration fails with \(error.errorName)"),
          ])
        }
        let unrecordedSomewhere = creator.applied.contains { recorded in
          read.first { $0.environment == recorded.environment }?.present.contains {
            !recorded.schemas.contains($0)
          } == true
        }
        guard unrecordedSomewhere else { continue }
        let (app, migrationName) = split(creator.name)
        fix.append([
          .words("if the existing object matches what "), .name(creator.name),
          .words(" creates, record the migration: "),
          .name("python manage.py migrate \(app) \(migrationName) --fake"),
          .words(
            "; otherwise make the operation idempotent (IF NOT EXISTS, in a SeparateDatabaseAndState)"
          ),
        ])
      }
      if suspects.isEmpty {
        fix.append([
          .words("find what made "), .name(name),
          .words(" where it exists; drop it there or make the failing migration idempotent"),
        ])
      }
    default:
      for creator in creators {
        for recorded in creator.applied {
          guard let place = read.first(where: { $0.environment == recorded.environment })
          else { continue }
          let faked = place.absent.filter { recorded.schemas.contains($0) }
          let never = place.absent.filter { !recorded.schemas.contains($0) }
          if !faked.isEmpty {
            why.append([
              .name(creator.name),
              .words(" is recorded in \(place.environment) (\(schemaList(faked))) but "),
              .name(name),
              .words(
                " is absent there: the migration was faked, failed part-way, or"
                  + " the object was dropped by hand"),
            ])
            let (app, migrationName) = split(creator.name)
            fix.append([
              .words("in \(place.environment) \(schemaList(faked)): re-create it from "),
              .name("python manage.py sqlmigrate \(app) \(migrationName)"),
              .words(", guarded with IF NOT EXISTS, on a copy first"),
            ])
          }
          if !never.isEmpty {
            why.append([
              .name(creator.name),
              .words(" has not run in \(place.environment) (\(schemaList(never)))"),
            ])
            for schema in never.prefix(5) {
              fix.append([
                .words("in \(place.environment): "),
                .name(
                  schema == "public"
                    ? "python manage.py migrate_schemas --shared"
                    : "python manage.py migrate_schemas --schema=\(schema)"),
              ])
            }
          }
        }
      }
      if error.kind == .undefinedRole {
        let having = read.filter { !$0.present.isEmpty }.map(\.environment)
        let lacking = read.filter { !$0.absent.isEmpty }.map(\.environment)
        if lacking.isEmpty, !having.isEmpty {
          why.append([
            .name(name),
            .words(
              " exists in every environment that was read (\(having.joined(separator: ", "))):"
                + " the failing process reached another server, cluster or database, or the role"
                + " was dropped there since"),
          ])
          fix.append([
            .words(
              "check the host, port and user the failing process connects with (its connection"
                + " string, DATABASE_URL or POSTGRES_USER) against these environments'")
          ])
        }
        if !having.isEmpty, !lacking.isEmpty {
          fix.append([
            .words(
              "create the role in \(lacking.joined(separator: ", ")) as it is in"
                + " \(having.joined(separator: ", ")): "),
            .name("CREATE ROLE \(SQL.identifier(name))"),
            .words(" with the same attributes and memberships, or change what refers to it"),
          ])
        }
      }
      if fix.isEmpty {
        fix.append([
          .words("compare the environments ("), .name("envdrift compare"),
          .words(") to see what else differs where "), .name(name), .words(" is missing"),
        ])
      }
    }
    return nil
  }

  /// The idempotent rename of `from` to `to`: a relation or index by `to_regclass`, a column
  /// or constraint by its table's catalog rows (`nil` when the message names no table).
  private static func renameStatement(_ explanation: Explanation, from: String, to: String)
    -> String?
  {
    let error = explanation.error
    let body: String
    switch error.kind {
    case .undefinedColumn, .duplicateColumn, .undefinedConstraint, .duplicateConstraint:
      guard let table = error.table else { return nil }
      let isColumn = error.kind == .undefinedColumn || error.kind == .duplicateColumn
      let relation = "pg_catalog.to_regclass(\(SQL.literal(SQL.qualified(error.schema, table))))"
      func exists(_ name: String) -> String {
        isColumn
          ? "EXISTS (SELECT FROM pg_catalog.pg_attribute WHERE attrelid = \(relation)"
            + " AND attname = \(SQL.literal(name)) AND NOT attisdropped)"
          : "EXISTS (SELECT FROM pg_catalog.pg_constraint WHERE conrelid = \(relation)"
            + " AND conname = \(SQL.literal(name)))"
      }
      body =
        " BEGIN IF \(exists(from)) AND NOT \(exists(to)) THEN"
        + " ALTER TABLE \(SQL.qualified(error.schema, table)) RENAME"
        + " \(isColumn ? "COLUMN" : "CONSTRAINT") \(SQL.identifier(from)) TO \(SQL.identifier(to));"
        + " END IF; END "
    default:
      let statement: String
      switch explanation.relationKind {
      case .index?: statement = "ALTER INDEX"
      case .view?: statement = "ALTER VIEW"
      case .sequence?: statement = "ALTER SEQUENCE"
      default: statement = error.kind == .undefinedIndex ? "ALTER INDEX" : "ALTER TABLE"
      }
      body =
        " BEGIN IF pg_catalog.to_regclass(\(SQL.literal(SQL.quoteIdent(from)))) IS NOT NULL"
        + " AND pg_catalog.to_regclass(\(SQL.literal(SQL.quoteIdent(to)))) IS NULL THEN"
        + " \(statement) \(SQL.identifier(from)) RENAME TO \(SQL.identifier(to));"
        + " END IF; END "
    }
    return "DO " + SQL.dollarQuoted(body) + ";"
  }

  /// `app: INSERT, SELECT, PUBLIC: USAGE`, or why the grants are unknown (the owner's own
  /// rights are not among them: the owner column names the owner).
  static func grantText(_ grants: [Privilege]?) -> String {
    guard let grants else { return "not recorded" }
    guard !grants.isEmpty else { return "none beyond the owner's" }
    return grants.map { "\($0.grantee): \($0.privileges.joined(separator: ", "))" }
      .joined(separator: "; ")
  }

  /// The privileges a fix may name: PostgreSQL's keywords, never text from a snapshot file.
  private static let grantable: Set<String> = [
    "SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "USAGE",
    "CREATE", "CONNECT", "TEMPORARY", "EXECUTE", "MAINTAIN",
  ]

  /// The keyword a GRANT puts before an object of `kind`; `nil` for kinds that take no grants.
  private static func grantKeyword(_ kind: String) -> String? {
    switch kind {
    case "table", "view", "materialized view", "foreign table": "TABLE"
    case "sequence": "SEQUENCE"
    case "function": "FUNCTION"
    case "procedure": "PROCEDURE"
    case "aggregate": "ROUTINE"
    case "type": "TYPE"
    case "domain": "DOMAIN"
    case "schema": "SCHEMA"
    case "database": "DATABASE"
    case "foreign server": "FOREIGN SERVER"
    case "foreign-data wrapper": "FOREIGN DATA WRAPPER"
    case "language": "LANGUAGE"
    case "tablespace": "TABLESPACE"
    default: nil
    }
  }

  /// The keywords of the ALTER that changes the owner of an object of `kind`; `nil` for kinds
  /// whose owner follows another object (an index).
  private static func alterKeyword(_ kind: String) -> String? {
    switch kind {
    case "table", "view", "materialized view", "foreign table", "sequence", "function",
      "procedure", "type", "domain", "schema", "database":
      kind.uppercased()
    case "aggregate": "ROUTINE"
    case "foreign server": "SERVER"
    case "foreign-data wrapper": "FOREIGN DATA WRAPPER"
    case "language": "LANGUAGE"
    case "tablespace": "TABLESPACE"
    default: nil
    }
  }

  /// `head "s"."name" tail "role";` for each of `schemas`, or one loop over them when there are
  /// more than five; schemas and databases are named alone.
  ///
  /// `head` and `tail` are keywords and quoted identifiers; in the loop they go through
  /// `format`, with `%` doubled.
  private static func statements(
    _ head: String, name: String, tail: String, role: String, schemas: [String], kind: String
  ) -> [String] {
    if kind == "schema" || kind == "database" || schemas.isEmpty {
      return ["\(head) \(SQL.identifier(name)) \(tail) \(SQL.identifier(role));"]
    }
    if schemas.count <= 5 {
      return schemas.map {
        "\(head) \(SQL.qualified($0, name)) \(tail) \(SQL.identifier(role));"
      }
    }
    func escaped(_ text: String) -> String { text.replacingOccurrences(of: "%", with: "%%") }
    let format = SQL.literal("\(escaped(head)) %I.%I \(escaped(tail)) %I")
    let body =
      " DECLARE s pg_catalog.text; BEGIN FOREACH s IN ARRAY ARRAY["
      + schemas.map(SQL.literal).joined(separator: ", ")
      + "]::pg_catalog.text[] LOOP EXECUTE pg_catalog.format(\(format), s, \(SQL.literal(name)),"
      + " \(SQL.literal(role))); END LOOP; END "
    return ["DO " + SQL.dollarQuoted(body) + ";"]
  }

  /// Why and how to fix a privilege error: who owns the object and what is granted, where
  /// environments differ; returns the statements that align them.
  private static func privileges(
    _ explanation: Explanation, why: inout [[Piece]], fix: inout [[Piece]]
  ) -> String? {
    let error = explanation.error
    let name = error.name
    var statements: [String] = []
    guard explanation.foundAnywhere else {
      why.append(foundNowhere(explanation))
      return nil
    }
    let objectName = error.objectType == "column" ? (error.table ?? name) : name
    let isDatabase = error.objectType == "database"
    // A database, server, wrapper, language or tablespace lies outside every schema.
    let isOutside =
      isDatabase
      || ObjectAccess.outsideKinds.contains(error.objectType ?? "")
    func scope(_ environment: String, _ schemas: [String]) -> String {
      schemas.isEmpty || isOutside ? environment : "\(environment) (\(schemaList(schemas)))"
    }
    /// Each environment's database has its own name; other objects keep the message's.
    func target(_ schemas: [String]) -> (name: String, schemas: [String]) {
      isDatabase
        ? (schemas.first ?? name, []) : isOutside ? (objectName, []) : (objectName, schemas)
    }
    // Owners first: a migration that owns the object in one environment and not in another
    // fails there, with either error.
    if let expected = explanation.expectedOwner {
      for access in explanation.access where access.owner != expected {
        var line: [Piece] = [.words("in \(scope(access.environment, access.schemas)) ")]
        if access.kind == "index", let table = access.table {
          line += [.name(objectName), .words("'s table "), .name(table)]
        } else {
          line.append(.name(objectName))
        }
        line += [
          .words(" is owned by "), .name(access.owner), .words(", elsewhere by "), .name(expected),
        ]
        line +=
          error.kind == .notOwner
          ? [
            .words(": a migration run as "), .name(expected),
            .words(
              " may not alter it there (only its owner, the owner's members and superusers"
                + " may)"),
          ]
          : [
            .words(": there "), .name(expected), .words(" holds only what "), .name(access.owner),
            .words(" granted it"),
          ]
        why.append(line)
        // An index belongs to its table's owner.
        let owned = access.kind == "index" ? access.table.map { ("table", $0) } : nil
        guard let keyword = alterKeyword(owned?.0 ?? access.kind) else { continue }
        var (objectName, schemas) = target(access.schemas)
        if let owned { objectName = owned.1 }
        statements.append(SQL.comment("in \(scope(access.environment, access.schemas))"))
        statements += Self.statements(
          "ALTER \(keyword)", name: objectName, tail: "OWNER TO", role: expected,
          schemas: schemas, kind: owned?.0 ?? access.kind)
      }
      fix.append([
        .words("make "), .name(expected),
        .words(
          " the owner where another role owns it (the statements below, run as a superuser or"
            + " the current owner), or run the migration as that owner"),
      ])
    } else if error.kind == .notOwner, let owner = explanation.access.first?.owner {
      why.append([
        .name(objectName), .words(" is owned by "), .name(owner),
        .words(
          " in every environment that has it: only that role, its members and superusers may"
            + " run this statement, and the role that failed is none of them"),
      ])
      fix.append([
        .words("run the statement as "), .name(owner),
        .words(", or grant the role that runs it membership in "), .name(owner),
      ])
    }
    guard error.kind == .insufficientPrivilege else {
      return statements.isEmpty ? nil : statements.joined(separator: "\n")
    }
    var granted = false
    for missing in explanation.missingGrants {
      let scoped = scope(missing.environment, missing.schemas)
      var granting = missing.grantedIn
      if missing.grantedInOtherSchemas {
        granting.append("other schemas of \(missing.environment)")
      }
      let grantee: Piece = .name(missing.grantee)
      why.append([
        .words("\(scoped) does not grant \(missing.privileges.joined(separator: ", ")) on "),
        .name(objectName), .words(" to "), grantee,
        .words("; \(granting.joined(separator: " and ")) "),
        .words(granting.count == 1 && !missing.grantedInOtherSchemas ? "does" : "do"),
      ])
      guard missing.grantee != "PUBLIC" else {
        fix.append([
          .words(
            "\(granting.joined(separator: " and ")) grant it to PUBLIC, everyone: grant what the"
              + " application needs to its own role in \(scoped) rather than copying that")
        ])
        continue
      }
      // A column's own privileges read `SELECT (column)`; the table's stand alone.
      let privileges = missing.privileges.compactMap { privilege -> String? in
        let columnSuffix = " (\(name))"
        if error.objectType == "column", privilege.hasSuffix(columnSuffix) {
          let bare = String(privilege.dropLast(columnSuffix.count))
          return grantable.contains(bare) ? "\(bare) (\(SQL.identifier(name)))" : nil
        }
        return grantable.contains(privilege) ? privilege : nil
      }
      let kind = explanation.access.first {
        $0.environment == missing.environment && $0.schemas == missing.schemas
      }?.kind
      guard let kind, let keyword = grantKeyword(kind),
        privileges.count == missing.privileges.count
      else { continue }
      let (objectName, schemas) = target(missing.schemas)
      statements.append(SQL.comment("in \(scoped)"))
      statements += Self.statements(
        "GRANT \(privileges.joined(separator: ", ")) ON \(keyword)", name: objectName,
        tail: "TO", role: missing.grantee, schemas: schemas, kind: kind)
      granted = true
    }
    if granted {
      fix.append([
        .words(
          "grant in each environment what the others grant (the statements below), or revoke it"
            + " where it should not be")
      ])
    }
    if explanation.missingGrants.isEmpty, explanation.expectedOwner == nil,
      let first = explanation.access.first
    {
      why.append([
        .words("every environment that has "), .name(objectName),
        .words(
          " grants the same on it (\(grantText(first.grants))): the role that failed is not"
            + " among the grantees, or holds a privilege other than the one the statement needs"),
      ])
      fix.append([
        .words(
          "grant the privilege the statement needs to the role the application connects as, in"
            + " every environment: "),
        .name("GRANT … ON \(grantKeyword(first.kind) ?? "TABLE") \(objectName) TO <role>"),
      ])
    }
    return statements.isEmpty ? nil : statements.joined(separator: "\n")
  }

  /// "x exists in no environment that was read; the closest names there are: …".
  private static func foundNowhere(_ explanation: Explanation) -> [Piece] {
    var line: [Piece] = [
      .name(explanation.error.name), .words(" exists in no environment that was read"),
    ]
    if !explanation.closest.isEmpty {
      line.append(.words("; the closest names there are: "))
      for (index, close) in explanation.closest.enumerated() {
        if index > 0 { line.append(.words(", ")) }
        line.append(.name(close))
      }
    }
    return line
  }

  private static func explanationHasCode(_ explanation: Explanation) -> Bool {
    explanation.migrations.contains { $0.operation != nil }
  }

  private static func split(_ migration: String) -> (String, String) {
    let parts = migration.split(separator: ".", maxSplits: 1).map(String.init)
    return (parts.first ?? migration, parts.count > 1 ? parts[1] : "")
  }

  private static func history(
    _ explanation: Explanation, why: inout [[Piece]], fix: inout [[Piece]]
  ) {
    let error = explanation.error
    let dependency = error.dependency ?? ""
    for migration in explanation.migrations {
      var line: [Piece] = [.name(migration.name)]
      if migration.effect == .ancestor {
        line += [.words(" (needed before "), .name(dependency), .words(")")]
      }
      line.append(.words(": " + recordedText(migration)))
      why.append(line)
    }
    let chain = explanation.migrations.filter { $0.effect == .ancestor }.map(\.name)
    if !chain.isEmpty {
      var line: [Piece] = [.words("the chain to apply, in order: ")]
      for (index, link) in (chain + [dependency, error.name]).enumerated() {
        if index > 0 { line.append(.words(" → ")) }
        line.append(.name(link))
      }
      why.append(line)
    }
    for place in explanation.places where place.read && !place.present.isEmpty {
      why.append([
        .words("in \(place.environment) (\(schemaList(place.present))) "), .name(error.name),
        .words(" is recorded without "), .name(dependency),
      ])
    }
    let read = explanation.places.filter(\.read)
    if error.kind == .inconsistentHistory, !read.isEmpty, read.allSatisfy(\.present.isEmpty) {
      why.append([
        .words("no environment that was read records "), .name(error.name),
        .words(" without "), .name(dependency),
        .words(": the failing run used another database, or its history has been mended since"),
      ])
    }
    let (app, name) = split(dependency)
    if error.kind == .nodeNotFound {
      let inCode = explanation.migrations.first { $0.effect == .dependency }?.operation != nil
      if !inCode {
        why.append([
          .name(dependency),
          .words(
            " has no file in the code: it was deleted, or lives on another"
              + " branch"),
        ])
      }
      fix.append([
        .words("restore "), .name(dependency),
        .words(" from the branch that has it, or point "), .name(error.name),
        .words("'s dependency at a migration the code has"),
      ])
    } else {
      fix.append([
        .words("where "), .name(error.name), .words(" is recorded without it, apply "),
        .name(dependency), .words(": "), .name("python manage.py migrate \(app) \(name)"),
        .words(" — or, if what it makes already exists, record it with "), .name("--fake"),
      ])
    }
  }
}
