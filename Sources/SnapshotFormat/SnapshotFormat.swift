import DriftModel

/// The snapshot file format: deterministic, pretty JSON with sorted keys, written and read
/// straight between bytes and model values from one declaration of each type's fields
/// (``Formats``).
///
/// The reader only accepts what it is sure `JSONDecoder` would read the same way; for anything
/// else it gives up (`nil`), and the caller decodes with `JSONDecoder`, whose verdict stands.
public enum SnapshotFormat {
  /// Encodes `snapshot`, handing the bytes to `sink` in order, about a mebibyte at a time; the
  /// first error `sink` throws ends the encoding and is rethrown.
  public static func encode(
    _ snapshot: Snapshot, into sink: @escaping (UnsafeBufferPointer<UInt8>) throws -> Void
  ) throws {
    try SnapshotWriter.encode(snapshot, into: sink)
  }

  /// Reads a whole snapshot from bytes in memory; `nil` where `JSONDecoder` must decide.
  public static func decode(bytes: [UInt8]) -> Snapshot? {
    var reader = SnapshotReader(bytes: bytes)
    return try? reader.snapshot()
  }

  /// Reads a whole snapshot from an open file, a mebibyte at a time (the caller keeps and
  /// closes `descriptor`); `nil` where `JSONDecoder` must decide.
  public static func decode(descriptor: Int32) -> Snapshot? {
    var reader = SnapshotReader(descriptor: descriptor)
    return try? reader.snapshot()
  }
}
