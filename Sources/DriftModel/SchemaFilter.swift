/// Which schemas a comparison looks at.
public struct SchemaFilter: Sendable, Hashable {
  /// Glob patterns (`*`, `?`) of schemas to include; empty includes every schema.
  public var include: [String]
  /// Glob patterns of schemas to leave out; they win over `include`.
  public var exclude: [String]

  /// Creates a filter.
  public init(include: [String] = [], exclude: [String] = []) {
    self.include = include
    self.exclude = exclude
  }

  /// Whether `schema` is compared.
  public func includes(_ schema: String) -> Bool {
    if exclude.contains(where: { Glob.matches($0, schema) }) { return false }
    return include.isEmpty || include.contains { Glob.matches($0, schema) }
  }
}

/// Shell-style wildcard matching (`*` any run, `?` one character), for schema patterns.
public enum Glob {
  /// Whether `text` matches `pattern` in full.
  public static func matches(_ pattern: String, _ text: String) -> Bool {
    let pattern = Array(pattern)
    let text = Array(text)
    var p = 0
    var t = 0
    var star: Int?
    var mark = 0
    while t < text.count {
      if p < pattern.count, pattern[p] == "?" || pattern[p] == text[t] {
        p += 1
        t += 1
      } else if p < pattern.count, pattern[p] == "*" {
        star = p
        mark = t
        p += 1
      } else if let starAt = star {
        p = starAt + 1
        mark += 1
        t = mark
      } else {
        return false
      }
    }
    while p < pattern.count, pattern[p] == "*" { p += 1 }
    return p == pattern.count
  }
}
