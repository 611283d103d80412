import DriftModel
import Foundation

/// Finds the PostgreSQL and Django errors in pasted text: a single message, a Django traceback
/// or a whole CI log.
///
/// Messages are recognised in libpq's wording (`ERROR:  relation "x" does not exist`), in
/// psycopg's (`psycopg2.errors.UndefinedTable: relation "x" does not exist`) and Django's
/// (`django.db.utils.ProgrammingError: …`, `InconsistentMigrationHistory: Migration a.b is
/// applied before its dependency c.d`). A schema is taken from a qualified name in the message,
/// else from the traceback's `search_path` or a qualified name in its SQL.
public enum ErrorText {
  /// What `explain` understands, for the message that says it found nothing.
  public static let understood =
    "relation, table, view, sequence, index, column, constraint, schema, function, type or role"
    + " that does not exist; relation, column or constraint that already exists; permission"
    + " denied and must be owner; Django's InconsistentMigrationHistory and NodeNotFoundError"

  /// Every error found in `text`, first to last, each once.
  public static func errors(in text: String) -> [ErrorReport] {
    var found: [ErrorReport] = []
    let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
      .map(String.init)
    let schema = searchPath(in: lines)
    for line in lines {
      guard var report = parse(line) else { continue }
      if report.schema == nil { report.schema = schema }
      if !found.contains(where: { $0.kind == report.kind && $0.name == report.name }) {
        found.append(report)
      }
    }
    return found
  }

  /// The quoted names of a message: `relation "a" does not exist` → `["a"]`, with doubled
  /// quotes read as one.
  static func quoted(_ line: Substring) -> [String] {
    var names: [String] = []
    var current: String?
    var index = line.startIndex
    while index < line.endIndex {
      let character = line[index]
      if character == "\"" {
        let next = line.index(after: index)
        if current != nil, next < line.endIndex, line[next] == "\"" {
          current?.append("\"")
          index = line.index(after: next)
          continue
        }
        if let name = current {
          names.append(name)
          current = nil
        } else {
          current = ""
        }
      } else {
        current?.append(character)
      }
      index = line.index(after: index)
    }
    return names
  }

  /// Splits `schema.name` when the message qualifies the name.
  private static func split(_ name: String) -> (schema: String?, name: String) {
    let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
    return parts.count == 2 ? (parts[0], parts[1]) : (nil, name)
  }

  private static func parse(_ line: String) -> ErrorReport? {
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    if let report = django(trimmed) { return report }
    guard let start = messageStart(trimmed) else { return nil }
    let message = trimmed[start...]
    let names = quoted(message)
    func report(_ kind: ErrorReport.Kind, _ error: String, name: String, table: String? = nil)
      -> ErrorReport
    {
      let (schema, bare) = split(name)
      var report = ErrorReport(
        kind: kind, name: bare, table: table, schema: schema, errorName: error, line: trimmed)
      if schema != nil { report.written = name }
      return report
    }
    if let report = privilege(message, line: trimmed) { return report }
    switch true {
    case message.hasPrefix("relation \""), message.hasPrefix("table \""),
      message.hasPrefix("view \""), message.hasPrefix("materialized view \""),
      message.hasPrefix("sequence \""), message.hasPrefix("foreign table \""):
      guard let name = names.first else { return nil }
      if message.hasSuffix("does not exist") {
        return report(.undefinedRelation, "UndefinedTable", name: name)
      }
      if message.hasSuffix("already exists") {
        return report(.duplicateRelation, "DuplicateTable", name: name)
      }
    case message.hasPrefix("index \""):
      guard let name = names.first, message.hasSuffix("does not exist") else { return nil }
      return report(.undefinedIndex, "UndefinedObject", name: name)
    case message.hasPrefix("column "):
      // `column "c" …`, or unquoted for a qualified reference: `column t.c does not exist`.
      let word = message.dropFirst("column ".count).prefix { $0 != " " }
      guard let column = names.first ?? (word.isEmpty ? nil : String(word)) else { return nil }
      var table = names.count > 1 ? names[1] : nil
      if table == nil, column.contains(".") {
        let parts = column.split(separator: ".").map(String.init)
        table = parts.dropLast().last
        return report(
          message.hasSuffix("already exists") ? .duplicateColumn : .undefinedColumn,
          message.hasSuffix("already exists") ? "DuplicateColumn" : "UndefinedColumn",
          name: parts.last ?? column, table: table)
      }
      if message.hasSuffix("already exists") {
        return report(.duplicateColumn, "DuplicateColumn", name: column, table: table)
      }
      if message.hasSuffix("does not exist") {
        return report(.undefinedColumn, "UndefinedColumn", name: column, table: table)
      }
    case message.hasPrefix("constraint \""):
      guard let name = names.first else { return nil }
      let table = names.count > 1 ? names[1] : nil
      if message.hasSuffix("already exists") {
        return report(.duplicateConstraint, "DuplicateObject", name: name, table: table)
      }
      if message.hasSuffix("does not exist") {
        return report(.undefinedConstraint, "UndefinedObject", name: name, table: table)
      }
    case message.hasPrefix("function "):
      // `function public.f(integer) does not exist`: the name without its arguments.
      guard message.hasSuffix("does not exist") else { return nil }
      let signature = message.dropFirst("function ".count).prefix { $0 != "(" && $0 != " " }
      guard !signature.isEmpty else { return nil }
      return report(.undefinedFunction, "UndefinedFunction", name: String(signature))
    case message.hasPrefix("type \""):
      guard let name = names.first, message.hasSuffix("does not exist") else { return nil }
      return report(.undefinedType, "UndefinedObject", name: name)
    case message.hasPrefix("role \""):
      guard let name = names.first, message.hasSuffix("does not exist") else { return nil }
      return ErrorReport(
        kind: .undefinedRole, name: name, errorName: "UndefinedObject", line: trimmed)
    case message.hasPrefix("schema \""):
      guard let name = names.first, message.hasSuffix("does not exist") else { return nil }
      return ErrorReport(
        kind: .undefinedSchema, name: name, errorName: "InvalidSchemaName", line: trimmed)
    default:
      return nil
    }
    return nil
  }

  /// Where the message proper starts: after `ERROR:`, a psycopg or Django exception name, or
  /// at the start of a bare message.
  private static func messageStart(_ line: String) -> String.Index? {
    // The earliest message that starts the line or follows a label (`ERROR:  `,
    // `psycopg2.errors.DuplicateTable: `, `django.db.utils.ProgrammingError: `).
    var earliest: String.Index?
    for prefix in [
      "relation \"", "table \"", "index \"", "column ", "constraint \"", "schema \"", "function ",
      "type \"", "role \"", "view \"", "materialized view \"", "sequence \"", "foreign table \"",
      "permission denied for ", "must be owner of ",
    ] {
      var searchFrom = line.startIndex
      while let range = line.range(of: prefix, range: searchFrom..<line.endIndex) {
        let before = line[..<range.lowerBound]
        if before.isEmpty || before.hasSuffix(": ") || before.hasSuffix(":  ") {
          if earliest.map({ range.lowerBound < $0 }) ?? true { earliest = range.lowerBound }
          break
        }
        searchFrom = range.upperBound
      }
    }
    return earliest
  }

  /// The kinds of object PostgreSQL's privilege messages name, longest first (`materialized
  /// view` before `view`); `relation` is the wording before PostgreSQL 11.
  private static let privilegeObjects = [
    "foreign-data wrapper", "materialized view", "foreign server", "foreign table", "aggregate",
    "procedure", "database", "function", "relation", "sequence", "language", "routine", "column",
    "domain", "schema", "index", "table", "type", "view",
  ]

  /// `permission denied for table t`, `must be owner of view v`, `permission denied for column
  /// "c" of relation "t"`: the object's name follows its kind, unquoted but for columns.
  private static func privilege(_ message: Substring, line: String) -> ErrorReport? {
    let kind: ErrorReport.Kind
    let rest: Substring
    if message.hasPrefix("permission denied for ") {
      kind = .insufficientPrivilege
      rest = message.dropFirst("permission denied for ".count)
    } else if message.hasPrefix("must be owner of ") {
      kind = .notOwner
      rest = message.dropFirst("must be owner of ".count)
    } else {
      return nil
    }
    guard let object = privilegeObjects.first(where: { rest.hasPrefix($0 + " ") }) else {
      return nil
    }
    var name = rest.dropFirst(object.count + 1).trimmingCharacters(in: .whitespaces)
    var table: String?
    let names = quoted(rest)
    if object == "column", let column = names.first {
      name = column
      table = names.count > 1 ? names[1] : nil
    } else if let only = names.first,
      name == "\"\(only.replacingOccurrences(of: "\"", with: "\"\""))\""
    {
      name = only
    }
    guard !name.isEmpty else { return nil }
    return ErrorReport(
      kind: kind, name: name, table: table, objectType: object,
      errorName: "InsufficientPrivilege", line: line)
  }

  /// `InconsistentMigrationHistory: Migration a.b is applied before its dependency c.d …` and
  /// `NodeNotFoundError: Migration a.b dependencies reference nonexistent parent node ('c', 'd')`.
  private static func django(_ line: String) -> ErrorReport? {
    if let range = line.range(of: "InconsistentMigrationHistory") {
      let words = line[range.upperBound...].split(separator: " ").map(String.init)
      guard
        let migration = words.firstIndex(of: "Migration").map({
          words.indices.contains($0 + 1) ? words[$0 + 1] : ""
        }),
        let dependencyIndex = words.firstIndex(of: "dependency"),
        words.indices.contains(dependencyIndex + 1)
      else { return nil }
      return ErrorReport(
        kind: .inconsistentHistory, name: migration,
        dependency: trimPunctuation(words[dependencyIndex + 1]),
        errorName: "InconsistentMigrationHistory", line: line)
    }
    if let range = line.range(of: "NodeNotFoundError") {
      let rest = line[range.upperBound...]
      let words = rest.split(separator: " ").map(String.init)
      guard let position = words.firstIndex(of: "Migration"), words.indices.contains(position + 1),
        let open = rest.lastIndex(of: "("), let close = rest.lastIndex(of: ")"), open < close
      else { return nil }
      let pair = rest[rest.index(after: open)..<close].split(separator: ",").map {
        $0.trimmingCharacters(in: CharacterSet(charactersIn: " '\""))
      }
      guard pair.count == 2 else { return nil }
      return ErrorReport(
        kind: .nodeNotFound, name: words[position + 1], dependency: "\(pair[0]).\(pair[1])",
        errorName: "NodeNotFoundError", line: line)
    }
    return nil
  }

  private static func trimPunctuation(_ word: String) -> String {
    word.trimmingCharacters(in: CharacterSet(charactersIn: ".,;:'\"()"))
  }

  /// The schema a traceback's SQL sets or qualifies names with: `SET search_path = 'demo'`,
  /// `search_path TO demo, public`, or `FROM "demo"."finance_invoice"`.
  private static func searchPath(in lines: [String]) -> String? {
    for line in lines {
      guard let range = line.range(of: "search_path", options: .caseInsensitive) else { continue }
      let rest = line[range.upperBound...].drop { " =TOto'\"".contains($0) }
      let schema = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
      if !schema.isEmpty { return String(schema) }
    }
    for line in lines {
      if let range = line.range(of: "\".\"") {
        let before = line[..<range.lowerBound]
        guard let open = before.lastIndex(of: "\"") else { continue }
        let schema = before[before.index(after: open)...]
        if !schema.isEmpty, !schema.contains(" ") { return String(schema) }
      }
    }
    return nil
  }
}
