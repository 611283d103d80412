/// How reports and causes show the ISO 8601 times that snapshots record.
public enum TimeText {
  /// `2025-11-29T21:41:07Z` as `2025-11-29 21:41 UTC`; anything shorter is returned as it is.
  public static func readable(_ timestamp: String) -> String {
    guard timestamp.count >= 16 else { return timestamp }
    return "\(timestamp.prefix(10)) \(timestamp.dropFirst(11).prefix(5)) UTC"
  }
}
