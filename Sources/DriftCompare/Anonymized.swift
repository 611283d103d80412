import DriftModel

extension Schema {
  /// The schema with its own name taken out of every definition, so that two tenant schemas
  /// built by the same migrations compare equal with `==`.
  func anonymized() -> Schema {
    let qualification = SchemaQualification(name)
    func strip(_ text: String) -> String { qualification.strip(text) }
    func strip(_ text: String?) -> String? { text.map(strip) }
    /// Qualified names always hold a dot; arrays with none in their text are kept as they are.
    func dotted(_ text: String?) -> Bool {
      guard var text else { return false }
      return text.withUTF8 { $0.contains(UInt8(ascii: ".")) }
    }
    func dotted(_ first: String?, _ second: String?) -> Bool { dotted(first) || dotted(second) }
    func dotted(_ first: String?, _ second: String?, _ third: String?, _ fourth: String?) -> Bool {
      dotted(first) || dotted(second) || dotted(third) || dotted(fourth)
    }
    func map<Element>(
      _ array: [Element],
      if needed: (Element) -> Bool,
      _ transform: (Element) -> Element
    ) -> [Element] {
      array.contains(where: needed) ? array.map(transform) : array
    }
    var copy = self
    copy.name = ""
    copy.tables = tables.map { table in
      var table = table
      table.partitionKey = strip(table.partitionKey)
      table.partitionOf = strip(table.partitionOf)
      table.partitionBound = strip(table.partitionBound)
      table.inherits = table.inherits.map(strip)
      table.columns = map(
        table.columns,
        if: {
          dotted($0.type, $0.defaultValue, $0.generated, $0.collation)
        }
      ) { column in
        var column = column
        column.type = strip(column.type)
        column.defaultValue = strip(column.defaultValue)
        column.generated = strip(column.generated)
        column.collation = strip(column.collation)
        return column
      }
      table.indexes = map(table.indexes, if: { dotted($0.definition, $0.predicate) }) { index in
        var index = index
        index.definition = strip(index.definition)
        index.predicate = strip(index.predicate)
        return index
      }
      table.constraints = map(table.constraints, if: { dotted($0.definition) }) { constraint in
        var constraint = constraint
        constraint.definition = strip(constraint.definition)
        return constraint
      }
      table.triggers = map(table.triggers, if: { dotted($0.definition) }) { trigger in
        var trigger = trigger
        trigger.definition = strip(trigger.definition)
        return trigger
      }
      table.policies = map(table.policies, if: { dotted($0.using, $0.withCheck) }) { policy in
        var policy = policy
        policy.using = strip(policy.using)
        policy.withCheck = strip(policy.withCheck)
        return policy
      }
      // Rules name their table qualified (`ON DELETE TO acme.invoices`).
      table.rules = table.rules?.map { Rule(name: $0.name, definition: strip($0.definition)) }
      table.statistics = table.statistics?.map {
        StatisticsObject(name: $0.name, definition: strip($0.definition))
      }
      return table
    }
    copy.views = views.map { view in
      var view = view
      view.definition = strip(view.definition)
      view.dependsOn = view.dependsOn.map(strip)
      view.rules = view.rules?.map { Rule(name: $0.name, definition: strip($0.definition)) }
      return view
    }
    copy.types = types.map { type in
      var type = type
      type.definition = strip(type.definition)
      return type
    }
    copy.functions = functions.map { function in
      var function = function
      function.arguments = strip(function.arguments)
      function.result = strip(function.result)
      return function
    }
    return copy
  }
}

extension MigrationTable {
  /// What is compared of a migration table: its rows' names and outcomes, not when they ran.
  var comparable: [String] {
    rows.map { "\($0.qualifiedName) \($0.success) \($0.checksum ?? "")" }.sorted()
  }
}
