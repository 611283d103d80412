import Foundation

/// Quotes identifiers the way PostgreSQL's `quote_ident` does, for suggested SQL.
public enum SQLIdentifier {
  private static let reserved: Set<String> = [
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both", "case",
    "cast", "check", "collate", "column", "constraint", "create", "current_catalog",
    "current_date", "current_role", "current_time", "current_timestamp", "current_user",
    "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "false", "fetch",
    "for", "foreign", "from", "grant", "group", "having", "in", "initially", "intersect", "into",
    "lateral", "leading", "limit", "localtime", "localtimestamp", "not", "null", "offset", "on",
    "only", "or", "order", "placing", "primary", "references", "returning", "select",
    "session_user", "some", "symmetric", "system_user", "table", "then", "to", "trailing", "true",
    "union", "unique", "user", "using", "variadic", "when", "where", "window", "with",
  ]

  /// `name` as is when it is a plain lower-case identifier, otherwise in double quotes.
  public static func quote(_ name: String) -> String {
    let plain =
      !name.isEmpty
      && name.unicodeScalars.allSatisfy { scalar in
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
      }
      && !("0"..."9").contains(name.unicodeScalars.first ?? "0")
      && !reserved.contains(name)
    if plain { return name }
    return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// `schema.name`, each part quoted where needed.
  public static func qualified(_ schema: String?, _ name: String) -> String {
    guard let schema, !schema.isEmpty else { return quote(name) }
    return quote(schema) + "." + quote(name)
  }
}
