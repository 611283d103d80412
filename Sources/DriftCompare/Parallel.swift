import Dispatch

extension Array where Element: Sendable {
  /// `map`, with the elements transformed on every core at once; the order is kept.
  ///
  /// For the engine's per-schema work (schema-free copies, tenant comparisons), which is
  /// independent from one schema to the next.
  func concurrentMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
    guard count > 1 else { return map(transform) }
    var results = [T?](repeating: nil, count: count)
    results.withUnsafeMutableBufferPointer { buffer in
      nonisolated(unsafe) let slots = buffer
      self.withUnsafeBufferPointer { input in
        nonisolated(unsafe) let elements = input
        DispatchQueue.concurrentPerform(iterations: elements.count) { index in
          slots[index] = transform(elements[index])
        }
      }
    }
    return results.compactMap { $0 }
  }
}
