extension Array where Element == String {
  /// The names as a sentence lists them: `a`, `a and b`, `a, b and c`; `none` for no names.
  ///
  /// Shared by the report's sentences and the comments of suggested SQL; the names are joined
  /// as given, escaped by the caller for its medium.
  public var inWords: String {
    switch count {
    case 0: return "none"
    case 1: return self[0]
    case 2: return "\(self[0]) and \(self[1])"
    default: return dropLast().joined(separator: ", ") + " and " + (last ?? "")
    }
  }
}
