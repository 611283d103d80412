/// Shares one copy of each distinct string among the values built from a catalog read.
///
/// Under django-tenants the same column names, types, defaults and index definitions come back
/// once per tenant: a 1,000-tenant database repeats each a thousand times. Interned, they share
/// one heap buffer, which keeps a snapshot's memory near the size of one tenant's strings
/// times the number of distinct shapes, and lets `==` on two of them succeed on the first
/// comparison of their storage. Strings of up to 15 UTF-8 bytes are stored inline by Swift and
/// are returned as they are.
public struct StringInterner: Sendable {
  private var strings: Set<String> = []

  /// Creates an empty interner.
  public init() {}

  /// The longest string Swift stores inline, without a heap buffer.
  private static let inlineLimit = 15

  /// Returns the stored copy of `text`, storing it first if it is new.
  public mutating func intern(_ text: String) -> String {
    guard text.utf8.count > Self.inlineLimit else { return text }
    return strings.insert(text).memberAfterInsert
  }

  /// Interns `text` when there is one.
  public mutating func intern(_ text: String?) -> String? {
    text.map { intern($0) }
  }
}
