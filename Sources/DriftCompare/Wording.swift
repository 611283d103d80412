import DriftModel
import Foundation

/// The sentences findings and causes are written in.
enum Wording {
  /// A CommonMark code span that shows `text` literally, whatever backticks or newlines it holds.
  static func code(_ text: String) -> String { Markdown.code(text) }

  static func list(_ names: [String]) -> String {
    switch names.count {
    case 0: return "none"
    case 1: return names[0]
    case 2: return "\(names[0]) and \(names[1])"
    default: return names.dropLast().joined(separator: ", ") + " and " + (names.last ?? "")
    }
  }

  static func objectName(_ key: ObjectKey) -> String {
    let parts = [key.schema, key.table, key.name].compactMap { $0 }.filter { !$0.isEmpty }
    switch key.object {
    case .schema: return key.name
    case .migration: return key.name
    case .extension, .tablespace, .language, .foreignDataWrapper, .foreignServer: return key.name
    case .userMapping: return "\(key.name) on server \(key.table ?? "")"
    default: return parts.joined(separator: ".")
    }
  }

  static func noun(_ object: ObjectKind) -> String {
    switch object {
    case .materializedView: "materialized view"
    default: object.rawValue.replacingOccurrences(of: "_", with: " ")
    }
  }

  static func message(
    key: ObjectKey,
    change: Change,
    values: [String: String?],
    order: [String],
    baseline: String,
    scope: Scope
  ) -> String {
    let subject: String
    switch key.aspect {
    case .definition, .dependencies: subject = "\(noun(key.object)) \(code(objectName(key)))"
    case .owner: subject = "the owner of \(noun(key.object)) \(code(objectName(key)))"
    case .comment: subject = "the comment on \(noun(key.object)) \(code(objectName(key)))"
    case .storage: subject = "the storage of \(noun(key.object)) \(code(objectName(key)))"
    }
    let baselineWord = scope == .tenants ? "reference schema" : "baseline"
    let lead = key.object == .migration ? "migration \(code(key.name))" : subject
    if change == .missing {
      let absent = order.filter { values[$0] ?? nil == nil }
      let present = order.filter { values[$0] ?? nil != nil }
      let role = { (name: String) in name == baseline ? "\(name) (\(baselineWord))" : name }
      var text = "\(lead) is missing in \(list(absent.map(role)))"
      text += "; present in \(list(present.map(role)))"
      if key.object == .migration, let schema = key.schema, !schema.isEmpty {
        text += " (schema \(code(schema)))"
      }
      return text
    }
    let parts = order.map { name in
      "\(name)\(name == baseline ? " (\(baselineWord))" : "") has"
        + " \(values[name].flatMap { $0 }.map(code) ?? "nothing")"
    }
    return "\(subject) differs: " + parts.joined(separator: "; ")
  }
}
