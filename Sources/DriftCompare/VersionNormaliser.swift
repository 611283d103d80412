import DriftModel
import Foundation

/// Applies ``VersionRule``s to what is compared.
///
/// The same schema on two PostgreSQL majors then gives no finding. What is shown keeps the
/// server's own text.
struct VersionNormaliser: Sendable, Hashable {
  /// The rules in force for this comparison.
  var rules: Set<VersionRule>

  /// No rule: environments of one major, or tenants within one environment.
  static let none = VersionNormaliser(rules: [])

  /// The rules that `snapshots` call for (majors that are not known are left out).
  init(for snapshots: [Snapshot]) {
    let majors = Set(snapshots.compactMap(\.environment.major))
    rules = Set(VersionRule.needed(for: majors))
  }

  init(rules: Set<VersionRule>) {
    self.rules = rules
  }

  /// A grant's privileges as compared: without `MAINTAIN` when a compared major lacks it; `nil`
  /// when that leaves the value as it was.
  func privileges(_ privileges: [String]) -> String? {
    guard rules.contains(.maintainPrivilege), privileges.contains("MAINTAIN") else { return nil }
    return privileges.filter { $0 != "MAINTAIN" }.joined(separator: ", ")
  }

  /// Whether a constraint is compared as one, rather than as its column's NOT NULL.
  ///
  /// A plain NOT NULL constraint (validated, inherited) says nothing the column's own NOT NULL
  /// does not, unless it has a name of its own and every compared major can give it one.
  func comparesConstraint(_ constraint: Constraint, table: String) -> Bool {
    guard constraint.kind == .notNull, constraint.validated,
      !constraint.definition.hasSuffix(" NO INHERIT")
    else { return true }
    if rules.contains(.notNullConstraints) { return false }
    let column = Self.notNullColumn(constraint.definition)
    return !Self.isDefaultNotNullName(constraint.name, table: table, column: column)
  }

  /// An extension's version as compared: "default" when it is its server's default version and
  /// the majors differ; `nil` when that leaves the version as it was.
  func extensionVersion(_ item: Extension) -> String? {
    guard rules.contains(.extensionDefaultVersion), item.defaultVersion == item.version else {
      return nil
    }
    return "default"
  }

  /// A view's definition as compared: without the column qualification that 16 stopped
  /// printing, when a compared major is older; `nil` when that leaves the text as it was.
  func viewDefinition(_ definition: String) -> String? {
    guard rules.contains(.viewQualification) else { return nil }
    let canonical = ViewText.withoutSingleRelationQualification(definition)
    return canonical == definition ? nil : canonical
  }

  /// The column of a NOT NULL constraint's definition, `NOT NULL name` (quoted as needed).
  static func notNullColumn(_ definition: String) -> String {
    var rest = Substring(definition.hasPrefix("NOT NULL ") ? definition.dropFirst(9) : "")
    if rest.hasSuffix(" NO INHERIT") { rest = rest.dropLast(11) }
    guard rest.hasPrefix("\""), rest.hasSuffix("\""), rest.count >= 2 else { return String(rest) }
    return String(rest.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
  }

  /// Whether `name` is what PostgreSQL 18 names the NOT NULL constraint of `column` by itself:
  /// `<table>_<column>_not_null`, shortened as `makeObjectName` shortens it to fit 63 bytes, with
  /// the counter `ChooseConstraintName` appends when that name was taken.
  static func isDefaultNotNullName(_ name: String, table: String, column: String) -> Bool {
    let base = objectName(table, column, label: "not_null")
    if name == base { return true }
    for counter in 1...9 where name == objectName(table, column, label: "not_null\(counter)") {
      return true
    }
    return false
  }

  /// PostgreSQL's `makeObjectName`: `name1_name2_label`, the longer of the two names cut (at a
  /// character boundary) until the whole fits in 63 bytes.
  static func objectName(_ name1: String, _ name2: String, label: String) -> String {
    let first = Array(name1.utf8)
    let second = Array(name2.utf8)
    let available = 63 - (label.utf8.count + 1) - 1
    var firstLength = first.count
    var secondLength = second.count
    while firstLength + secondLength > available {
      if firstLength > secondLength { firstLength -= 1 } else { secondLength -= 1 }
    }
    func clipped(_ bytes: [UInt8], _ length: Int) -> String {
      var end = length
      while end > 0, end < bytes.count, bytes[end] & 0xC0 == 0x80 { end -= 1 }
      return String(decoding: bytes[..<end], as: UTF8.self)
    }
    return clipped(first, firstLength) + "_" + clipped(second, secondLength) + "_" + label
  }
}

/// View text as PostgreSQL 16 and later print it.
enum ViewText {
  /// `text` with the qualification of column references removed where 16 no longer prints it.
  ///
  /// That is in the top-level query, when that query reads a single item (a relation, a function, a
  /// `VALUES` list, a subquery or a CTE), and outside every nested subquery (which 16 still
  /// qualifies, since the outer query's names are visible there):
  /// `SELECT customer.email FROM shop.customer WHERE (customer.score > 90);` becomes
  /// `SELECT email FROM shop.customer WHERE (score > 90);`. Joins, several items, `LATERAL`
  /// and set operations are left as they are, as 16 leaves them.
  static func withoutSingleRelationQualification(_ text: String) -> String {
    let tokens = SQLTokens(text)
    let (nested, depth) = tokens.nesting()
    func topLevel(_ index: Int) -> Bool { index < tokens.count && !nested[index] }
    var from: Int?
    for index in 0..<tokens.count where topLevel(index) {
      switch tokens.keyword(at: index) {
      case "union", "intersect", "except", "join", "lateral":
        return text
      case "from" where from == nil && depth[index] == 0:
        from = index
      default:
        break
      }
    }
    guard let from else { return text }
    // The single FROM item: up to the next top-level clause, with no comma at its depth.
    var end = from + 1
    while end < tokens.count, !tokens.isSymbol(";", at: end) {
      if depth[end] == 0, topLevel(end), let word = tokens.keyword(at: end),
        SQLTokens.isClauseWord(word)
      {
        break
      }
      if depth[end] == 0, tokens.isSymbol(",", at: end) { return text }
      end += 1
    }
    let item = (from + 1)..<end
    // Its name: the last word of a relation (`shop.customer`, `orders o`, `orders AS o`), or
    // the word before a closing parenthesis list: an alias with its columns (`g(g)` after a
    // function, `v(c)` after VALUES) or, with no alias, the function's own name.
    var last = item.upperBound - 1
    if tokens.isSymbol(")", at: last), depth[last] == 0 {
      var open = last - 1
      while open > item.lowerBound, !(tokens.isSymbol("(", at: open) && depth[open] == 0) {
        open -= 1
      }
      last = open - 1
    }
    let qualifier = item.contains(last) ? tokens.identifier(at: last) : nil
    guard let qualifier else { return text }
    return tokens.removingQualifier(qualifier, where: { topLevel($0) && !item.contains($0) })
  }
}
