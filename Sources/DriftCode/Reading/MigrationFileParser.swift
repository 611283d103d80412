import DriftModel

/// Reads one Django migration file's `dependencies`, `replaces` and `operations` from its source,
/// without a Python interpreter.
enum MigrationFileParser {
  /// django.contrib.postgres's operations that create one extension each, by the name the
  /// extension has in PostgreSQL.
  static let namedExtensions = [
    "BloomExtension": "bloom", "BtreeGinExtension": "btree_gin", "BtreeGistExtension": "btree_gist",
    "CITextExtension": "citext", "CryptoExtension": "pgcrypto", "HStoreExtension": "hstore",
    "TrigramExtension": "pg_trgm", "UnaccentExtension": "unaccent",
  ]

  /// Parses `source`, the file `file` of app `app`, into a migration named after the file.
  static func parse(
    _ source: String,
    app: String,
    name: String,
    file: String
  ) throws(PythonSyntaxError) -> CodeMigration {
    let (tokens, statementLines) = try PythonLexer.lexed(source)
    var constants: [String: PythonExpression] = [:]
    var assignments: [String: PythonExpression] = [:]
    var hasMigrationClass = false
    var lineStart = 0
    while lineStart < tokens.count {
      if tokens[lineStart] == .name("class"), lineStart + 1 < tokens.count,
        tokens[lineStart + 1] == .name("Migration")
      {
        hasMigrationClass = true
      }
      if case .name(let target) = tokens[lineStart], lineStart + 1 < tokens.count,
        tokens[lineStart + 1] == .symbol("=")
      {
        var parser = PythonParser(tokens: tokens, position: lineStart + 2)
        let value = parser.expression()
        if parser.tooDeep {
          let statement = tokens[..<lineStart].count { $0 == .newline }
          throw PythonSyntaxError(
            line: statement < statementLines.count ? statementLines[statement] : 1,
            message: "brackets are nested more than \(PythonParser.maximumDepth) levels deep")
        }
        if ["dependencies", "operations", "replaces"].contains(target) {
          assignments[target] = value
        } else if value.string != nil || value.elements != nil {
          constants[target] = value
        }
      }
      while lineStart < tokens.count, tokens[lineStart] != .newline { lineStart += 1 }
      lineStart += 1
    }
    guard hasMigrationClass else {
      throw PythonSyntaxError(line: 1, message: "the file defines no Migration class")
    }
    let reader = OperationReader(constants: constants)
    return CodeMigration(
      app: app,
      name: name,
      file: file,
      dependencies: keys(assignments["dependencies"], app: app),
      replaces: keys(assignments["replaces"], app: app),
      operations: (assignments["operations"]?.elements ?? []).flatMap {
        reader.operations(from: $0, touchesDatabase: true, changesState: true)
      }
    )
  }

  /// `[("app", "0001_initial"), …]`; `swappable_dependency(...)` and other calls are skipped.
  private static func keys(_ value: PythonExpression?, app: String) -> [MigrationKey] {
    (value?.elements ?? []).compactMap { item in
      guard let pair = item.elements, pair.count == 2, let dependencyApp = pair[0].string,
        let name = pair[1].string
      else { return nil }
      return MigrationKey(app: dependencyApp, name: name)
    }
  }
}

/// Turns `migrations.X(...)` calls into ``MigrationOperation`` values.
private struct OperationReader {
  var constants: [String: PythonExpression]

  func operations(
    from expression: PythonExpression,
    touchesDatabase: Bool,
    changesState: Bool
  ) -> [MigrationOperation] {
    guard case .call(let callee, let arguments, let keywords) = expression else { return [] }
    let call = Call(arguments: arguments, keywords: keywords)
    let operationName = String(callee.split(separator: ".").last ?? "")
    func make(_ kind: MigrationOperation.Kind) -> MigrationOperation {
      MigrationOperation(
        kind: kind,
        operationName: operationName,
        touchesDatabase: touchesDatabase,
        changesState: changesState
      )
    }
    switch operationName {
    case "SeparateDatabaseAndState":
      let database = (call.value(0, "database_operations")?.elements ?? []).flatMap {
        operations(from: $0, touchesDatabase: touchesDatabase, changesState: false)
      }
      let state = (call.value(1, "state_operations")?.elements ?? []).flatMap {
        operations(from: $0, touchesDatabase: false, changesState: changesState)
      }
      return database + state
    case "CreateModel":
      var operation = make(.createModel)
      operation.model = call.string(0, "name")?.lowercased()
      operation.fields = (call.value(1, "fields")?.elements ?? []).compactMap(field)
      if case .dictionary(let options)? = call.value(2, "options") {
        operation.table = options["db_table"]?.string
        operation.indexes = (options["indexes"]?.elements ?? []).compactMap(Self.objectName)
        let constraints = options["constraints"]?.elements ?? []
        operation.constraints = constraints.compactMap(Self.objectName)
        operation.constraintHasIndex = constraints.contains(where: Self.constraintHasIndex)
        operation.managed =
          options["managed"]?.dottedName != "False" && options["proxy"]?.dottedName != "True"
      }
      return [operation]
    case "DeleteModel":
      var operation = make(.deleteModel)
      operation.model = call.string(0, "name")?.lowercased()
      return [operation]
    case "RenameModel":
      var operation = make(.renameModel)
      operation.oldName = call.string(0, "old_name")?.lowercased()
      operation.model = operation.oldName
      operation.newName = call.string(1, "new_name")?.lowercased()
      return [operation]
    case "AlterModelTable":
      var operation = make(.alterModelTable)
      operation.model = call.string(0, "name")?.lowercased()
      operation.table = call.string(1, "table")
      return [operation]
    case "AddField", "AlterField":
      var operation = make(operationName == "AddField" ? .addField : .alterField)
      operation.model = call.string(0, "model_name")?.lowercased()
      operation.name = call.string(1, "name")
      if let name = operation.name, let definition = call.value(2, "field") {
        operation.fields = [Self.field(name: name, definition: definition)]
      }
      return [operation]
    case "RemoveField":
      var operation = make(.removeField)
      operation.model = call.string(0, "model_name")?.lowercased()
      operation.name = call.string(1, "name")
      return [operation]
    case "RenameField":
      var operation = make(.renameField)
      operation.model = call.string(0, "model_name")?.lowercased()
      operation.oldName = call.string(1, "old_name")
      operation.newName = call.string(2, "new_name")
      return [operation]
    case "AddIndex", "AddIndexConcurrently":
      var operation = make(.addIndex)
      operation.model = call.string(0, "model_name")?.lowercased()
      operation.name = call.value(1, "index").flatMap(Self.objectName)
      return [operation]
    case "RemoveIndex", "RemoveIndexConcurrently":
      var operation = make(.removeIndex)
      operation.model = call.string(0, "model_name")?.lowercased()
      operation.name = call.string(1, "name")
      return [operation]
    case "RenameIndex":
      var operation = make(.renameIndex)
      operation.model = call.string(0, "model_name")?.lowercased()
      operation.newName = call.string(1, "new_name")
      operation.oldName = call.string(2, "old_name")
      return [operation]
    case "AddConstraint", "AddConstraintNotValid":
      var operation = make(.addConstraint)
      operation.model = call.string(0, "model_name")?.lowercased()
      if let constraint = call.value(1, "constraint") {
        operation.name = Self.objectName(constraint)
        operation.constraintHasIndex = Self.constraintHasIndex(constraint)
      }
      return [operation]
    case "RemoveConstraint":
      var operation = make(.removeConstraint)
      operation.model = call.string(0, "model_name")?.lowercased()
      operation.name = call.string(1, "name")
      return [operation]
    case "RunSQL":
      var operation = make(.runSQL)
      operation.sql = statements(call.value(0, "sql"))
      let state = (call.value(-1, "state_operations")?.elements ?? []).flatMap {
        operations(from: $0, touchesDatabase: false, changesState: changesState)
      }
      return [operation] + state
    case "RunPython":
      return [make(.runPython)]
    case "CreateExtension":
      var operation = make(.createExtension)
      operation.name = call.string(0, "name")
      return [operation]
    case let named where MigrationFileParser.namedExtensions[named] != nil:
      var operation = make(.createExtension)
      operation.name = MigrationFileParser.namedExtensions[named]
      return [operation]
    default:
      return [make(.other)]
    }
  }

  /// The SQL of `RunSQL`: a string, a list of strings or `(sql, params)` pairs, or a constant.
  private func statements(_ value: PythonExpression?) -> [String] {
    guard let value else { return [] }
    switch value {
    case .string(let text): return [text]
    case .sequence(let items):
      return items.flatMap { item -> [String] in
        if let pair = item.elements, let first = pair.first { return statements(first) }
        return statements(item)
      }
    case .name(let constant):
      guard let resolved = constants[constant] else { return [] }
      return statements(resolved)
    default: return []
    }
  }

  private func field(_ item: PythonExpression) -> CodeField? {
    guard let pair = item.elements, pair.count == 2, let name = pair[0].string else { return nil }
    return Self.field(name: name, definition: pair[1])
  }

  private static func field(name: String, definition: PythonExpression) -> CodeField {
    guard case .call(let callee, _, let keywords) = definition else {
      return CodeField(name: name, type: "unknown", column: name)
    }
    let type = String(callee.split(separator: ".").last ?? "")
    if let column = keywords["db_column"]?.string {
      return CodeField(name: name, type: type, column: column)
    }
    switch type {
    case "ManyToManyField": return CodeField(name: name, type: type, column: nil)
    case "ForeignKey", "OneToOneField", "ForeignObject", "ParentalKey", "TreeForeignKey":
      return CodeField(name: name, type: type, column: name + "_id")
    default: return CodeField(name: name, type: type, column: name)
    }
  }

  /// The `name=` of an `Index(...)` or constraint call.
  private static func objectName(_ value: PythonExpression) -> String? {
    guard case .call(_, _, let keywords) = value else { return nil }
    return keywords["name"]?.string
  }

  private static func constraintHasIndex(_ value: PythonExpression) -> Bool {
    guard case .call(let callee, _, _) = value else { return false }
    return callee.hasSuffix("UniqueConstraint") || callee.hasSuffix("ExclusionConstraint")
  }
}

/// A call's arguments, looked up the way Python binds them: by position or by keyword.
private struct Call {
  var arguments: [PythonExpression]
  var keywords: [String: PythonExpression]

  /// The argument at `position` (`-1`: keyword only) or named `keyword`.
  func value(_ position: Int, _ keyword: String) -> PythonExpression? {
    if let value = keywords[keyword] { return value }
    guard position >= 0, position < arguments.count else { return nil }
    return arguments[position]
  }

  func string(_ position: Int, _ keyword: String) -> String? {
    value(position, keyword)?.string
  }
}
