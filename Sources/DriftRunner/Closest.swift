/// The names a mistyped one was most likely meant to be, for one-line errors.
enum Closest {
  /// Up to `limit` of `names` nearest to `wanted`: a name equal but for letter case first, then
  /// by edit distance (and by name on a tie), keeping only those within a third of the longer
  /// name's length (at least 2 edits), so that unrelated names are not offered.
  static func names(to wanted: String, among names: [String], limit: Int = 3) -> [String] {
    let lowered = Array(wanted.lowercased().unicodeScalars)
    let scored = Set(names).compactMap { name -> (Int, String)? in
      let candidate = Array(name.lowercased().unicodeScalars)
      let distance = editDistance(lowered, candidate)
      let allowed = max(2, max(lowered.count, candidate.count) / 3)
      guard distance <= allowed else { return nil }
      return (distance, name)
    }
    return scored.sorted { $0 < $1 }.prefix(limit).map(\.1)
  }

  /// The Levenshtein distance between two scalar arrays.
  static func editDistance(_ left: [Unicode.Scalar], _ right: [Unicode.Scalar]) -> Int {
    if left.isEmpty { return right.count }
    if right.isEmpty { return left.count }
    var previous = Array(0...right.count)
    var current = [Int](repeating: 0, count: right.count + 1)
    for (i, leftScalar) in left.enumerated() {
      current[0] = i + 1
      for (j, rightScalar) in right.enumerated() {
        let substitution = previous[j] + (leftScalar == rightScalar ? 0 : 1)
        current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, substitution)
      }
      swap(&previous, &current)
    }
    return previous[right.count]
  }

  /// "; did you mean a, b or c?" or nothing.
  static func suggestion(_ names: [String]) -> String {
    switch names.count {
    case 0: ""
    case 1: "; did you mean \(names[0])?"
    default: "; did you mean \(names.dropLast().joined(separator: ", ")) or \(names.last ?? "")?"
    }
  }
}
