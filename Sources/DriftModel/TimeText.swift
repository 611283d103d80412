/// Times as people read them in reports and terminal output.
public enum TimeText {
  /// `2025-11-29T21:41:07Z` as `2025-11-29 21:41 UTC`; anything not shaped like such a time
  /// (digits, with `-`, `T` or a space and `:` where a time has them) is returned as it is.
  public static func readable(_ timestamp: String) -> String {
    let scalars = Array(timestamp.unicodeScalars)
    guard scalars.count >= 16 else { return timestamp }
    let digits = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15]
    guard digits.allSatisfy({ ("0"..."9").contains(scalars[$0]) }), scalars[4] == "-",
      scalars[7] == "-", scalars[10] == "T" || scalars[10] == " ", scalars[13] == ":"
    else { return timestamp }
    return "\(timestamp.prefix(10)) \(timestamp.dropFirst(11).prefix(5)) UTC"
  }
}
