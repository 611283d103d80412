/// The rows of one statement, copied out of libpq into Swift values.
public struct QueryResult: Sendable, Hashable {
  /// Column names in select-list order.
  public var columns: [String]
  /// Rows in the order the server sent them; `nil` is SQL NULL.
  public var rows: [[String?]]

  /// Creates a result from copied columns and rows.
  public init(columns: [String], rows: [[String?]]) {
    self.columns = columns
    self.rows = rows
  }

  /// The number of rows.
  public var count: Int { rows.count }

  /// The value of `column` in row `row`, or `nil` for NULL or an unknown column.
  public subscript(row: Int, column: String) -> String? {
    guard let index = columns.firstIndex(of: column) else { return nil }
    return rows[row][index]
  }
}
