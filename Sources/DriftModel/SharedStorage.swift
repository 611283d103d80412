/// Hands out one buffer for each distinct array, so that equal arrays share their storage.
///
/// Under django-tenants a thousand tenant schemas hold a thousand equal copies of each table's
/// columns, indexes and constraints. Shared, they cost the memory of one, and comparing two of
/// them is a comparison of buffer addresses. Values do not change: an array that is later
/// modified gets its own copy, as arrays always do.
public struct ArrayPool<Element: Hashable> {
  private var arrays: Set<[Element]> = []
  /// The buffers of the pool's arrays: an array already sharing one needs no hashing.
  private var buffers: Set<UnsafeRawPointer> = []

  /// Creates an empty pool.
  public init() {}

  /// The pool's array equal to `array`, which becomes the pool's if it is new.
  public mutating func share(_ array: [Element]) -> [Element] {
    guard !array.isEmpty else { return array }
    let buffer = array.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    if let buffer, buffers.contains(buffer) { return array }
    let shared = arrays.insert(array).memberAfterInsert
    if let start = shared.withUnsafeBufferPointer({ UnsafeRawPointer($0.baseAddress) }) {
      buffers.insert(start)
    }
    return shared
  }
}

extension Array {
  /// Sorts the array only if it is out of order, so that a buffer shared with equal arrays is
  /// not copied just to be found already sorted.
  public mutating func sortIfNeeded(by areInIncreasingOrder: (Element, Element) -> Bool) {
    guard count > 1 else { return }
    for index in 1..<count where areInIncreasingOrder(self[index], self[index - 1]) {
      sort(by: areInIncreasingOrder)
      return
    }
  }
}

extension Snapshot {
  /// Makes the equal arrays of every table, and of every migration table's rows, share one
  /// buffer (see ``ArrayPool``); no value changes.
  public mutating func shareEqualArrays() {
    var columns = ArrayPool<Column>()
    var indexes = ArrayPool<Index>()
    var constraints = ArrayPool<Constraint>()
    var triggers = ArrayPool<Trigger>()
    var policies = ArrayPool<Policy>()
    var privileges = ArrayPool<Privilege>()
    for schema in schemas.indices {
      for table in schemas[schema].tables.indices {
        schemas[schema].tables[table].columns = columns.share(schemas[schema].tables[table].columns)
        schemas[schema].tables[table].indexes = indexes.share(schemas[schema].tables[table].indexes)
        schemas[schema].tables[table].constraints = constraints.share(
          schemas[schema].tables[table].constraints)
        schemas[schema].tables[table].triggers = triggers.share(
          schemas[schema].tables[table].triggers)
        schemas[schema].tables[table].policies = policies.share(
          schemas[schema].tables[table].policies)
        schemas[schema].tables[table].privileges = privileges.share(
          schemas[schema].tables[table].privileges)
      }
    }
    var rows = ArrayPool<MigrationRow>()
    for table in migrationTables.indices {
      migrationTables[table].rows = rows.share(migrationTables[table].rows)
    }
  }
}
