import DriftModel
import Foundation

/// Reads a snapshot file straight into the model, a buffer at a time, without `JSONDecoder`.
///
/// `JSONDecoder` spent about 2 s and 350 MB on a 1,000-tenant snapshot file, most of it in
/// generic containers; this reader parses bytes into model values directly, interns repeated
/// strings and never holds more than a mebibyte of the file. It only accepts what it is sure
/// of: well-formed JSON in UTF-8 whose objects have every key the model requires and none twice,
/// with integers written as integers. Anything else makes it give up with ``Unusual``, and the
/// caller decodes the file with `JSONDecoder` instead, whose verdict (and error message) then
/// stands. Keys the model does not know are skipped, as `JSONDecoder` skips them.
struct SnapshotReader {
  /// The input is not something this reader is sure to read as `JSONDecoder` would.
  struct Unusual: Error {}

  private static let chunkSize = 1 << 20
  /// Deeper nesting than any snapshot has; bounds the recursion of ``skipValue()``.
  private static let maximumDepth = 64

  private var buffer: [UInt8]
  private var position = 0
  /// How many objects and arrays the reader is inside.
  private var depth = 0
  private var descriptor: Int32?
  private var scratch: [UInt8] = []
  private var interner = StringInterner()
  /// One ``ArrayPool`` per element type of the lists read shared (``Field/sharedRecords``).
  private var pools: [ObjectIdentifier: Any] = [:]

  /// Reads from bytes already in memory.
  init(bytes: [UInt8]) {
    buffer = bytes
  }

  /// Reads from an open file, a chunk at a time; the caller keeps and closes `descriptor`.
  init(descriptor: Int32) {
    buffer = []
    buffer.reserveCapacity(Self.chunkSize)
    self.descriptor = descriptor
  }

  /// Reads the whole input as one snapshot; throws ``Unusual`` for anything else.
  mutating func snapshot() throws -> Snapshot {
    let snapshot = try record(Formats.snapshot)
    skipWhitespace()
    guard try peek() == nil else { throw Unusual() }
    return snapshot
  }

  /// The pool's copy of `array`: equal lists share one buffer.
  mutating func shared<Element: Hashable>(_ array: [Element]) -> [Element] {
    let key = ObjectIdentifier(Element.self)
    var pool = pools[key] as? ArrayPool<Element> ?? ArrayPool<Element>()
    // Out of the dictionary while it changes, so that its sets are not copied.
    pools[key] = nil
    let result = pool.share(array)
    pools[key] = pool
    return result
  }

  /// Reads one object into a value of `format`'s type.
  ///
  /// A key read twice, or a required key missing, makes the input ``Unusual``; keys the
  /// format does not know are skipped.
  @inline(__always)
  mutating func record<Root>(_ format: Format<Root>) throws -> Root {
    var value = format.empty
    var seen: UInt64 = 0
    // Files envdrift writes have their keys in sorted order: the next one is tried first.
    var expected = 0
    try object { reader, key in
      let position: Int
      if expected < format.sorted.count, format.sorted[expected].name == key {
        position = format.sortedPositions[expected]
      } else if let found = format.positions[key] {
        position = found
      } else {
        try reader.skipValue()
        return
      }
      expected = format.sortedIndex[position] + 1
      let bit: UInt64 = 1 << UInt64(position)
      guard seen & bit == 0 else { throw Unusual() }
      seen |= bit
      try format.fields[position].read(&reader, &value)
    }
    guard seen & format.required == format.required else { throw Unusual() }
    return value
  }

  // MARK: - JSON structure

  /// Reads `{ "key": value, … }`, handing each key to `member`, which must read the value.
  @inline(__always)
  mutating func object(_ member: (inout SnapshotReader, String) throws -> Void) throws {
    try expect(UInt8(ascii: "{"))
    try enter()
    defer { depth -= 1 }
    skipWhitespace()
    if try peek() == UInt8(ascii: "}") {
      position += 1
      return
    }
    while true {
      skipWhitespace()
      let key = try rawString()
      skipWhitespace()
      try expect(UInt8(ascii: ":"))
      skipWhitespace()
      try member(&self, key)
      skipWhitespace()
      switch try next() {
      case UInt8(ascii: ","): continue
      case UInt8(ascii: "}"): return
      default: throw Unusual()
      }
    }
  }

  /// Reads `[ element, … ]`.
  mutating func array<Element>(_ element: (inout SnapshotReader) throws -> Element)
    throws -> [Element]
  {
    try expect(UInt8(ascii: "["))
    try enter()
    defer { depth -= 1 }
    skipWhitespace()
    var result: [Element] = []
    if try peek() == UInt8(ascii: "]") {
      position += 1
      return result
    }
    while true {
      skipWhitespace()
      result.append(try element(&self))
      skipWhitespace()
      switch try next() {
      case UInt8(ascii: ","): continue
      case UInt8(ascii: "]"): return result
      default: throw Unusual()
      }
    }
  }

  /// `null`, or what `value` reads.
  mutating func nullable<Value>(_ value: (inout SnapshotReader) throws -> Value)
    throws -> Value?
  {
    if try peek() == UInt8(ascii: "n") {
      try literal("null")
      return nil
    }
    return try value(&self)
  }

  mutating func enumeration<Value: RawRepresentable>() throws -> Value
  where Value.RawValue == String {
    guard let value = Value(rawValue: try rawString()) else { throw Unusual() }
    return value
  }

  mutating func boolean() throws -> Bool {
    if try peek() == UInt8(ascii: "t") {
      try literal("true")
      return true
    }
    try literal("false")
    return false
  }

  /// An integer written as one (`-12`, not `1.0` or `1e3`), within `Int`'s range.
  mutating func integer() throws -> Int {
    var negative = false
    if try peek() == UInt8(ascii: "-") {
      negative = true
      position += 1
    }
    var value = 0
    var digits = 0
    while let byte = try peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
      if digits == 1, value == 0 { throw Unusual() }
      let digit = Int(byte - UInt8(ascii: "0"))
      let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
      let (sum, overflowSum) = times.addingReportingOverflow(digit)
      guard !overflowTimes, !overflowSum else { throw Unusual() }
      value = sum
      digits += 1
      position += 1
    }
    guard digits > 0 else { throw Unusual() }
    if let byte = try peek(), !Self.endsValue(byte) { throw Unusual() }
    return negative ? -value : value
  }

  private static func endsValue(_ byte: UInt8) -> Bool {
    switch byte {
    case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"): true
    default: false
    }
  }

  private mutating func literal(_ word: StaticString) throws {
    let bytes = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
    for byte in bytes { try expect(byte) }
    if let byte = try peek(), !Self.endsValue(byte) { throw Unusual() }
  }

  /// A string value, interned: the same text repeats once per tenant.
  mutating func string() throws -> String {
    interner.intern(try rawString())
  }

  /// Reads a JSON string: escapes resolved, UTF-8 checked, control characters refused.
  private mutating func rawString() throws -> String {
    try expect(UInt8(ascii: "\""))
    scratch.removeAll(keepingCapacity: true)
    while true {
      if position >= buffer.count { try refill() }
      guard position < buffer.count else { throw Unusual() }
      // Copy the run of plain bytes at once.
      let start = position
      var end = position
      while end < buffer.count {
        let byte = buffer[end]
        if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
        end += 1
      }
      scratch.append(contentsOf: buffer[start..<end])
      position = end
      guard position < buffer.count else { continue }
      let byte = buffer[position]
      position += 1
      switch byte {
      case UInt8(ascii: "\""):
        // ASCII needs no validation, and `String(validating:)` looks up generic metadata on
        // every call: a fifth of the reading time of a 1,000-tenant file.
        if !scratch.contains(where: { $0 >= 0x80 }) {
          return String(decoding: scratch, as: UTF8.self)
        }
        guard let text = String(validating: scratch, as: UTF8.self) else { throw Unusual() }
        return text
      case UInt8(ascii: "\\"):
        try escape()
      default:
        throw Unusual()
      }
    }
  }

  private mutating func escape() throws {
    switch try next() {
    case UInt8(ascii: "\""): scratch.append(UInt8(ascii: "\""))
    case UInt8(ascii: "\\"): scratch.append(UInt8(ascii: "\\"))
    case UInt8(ascii: "/"): scratch.append(UInt8(ascii: "/"))
    case UInt8(ascii: "b"): scratch.append(0x08)
    case UInt8(ascii: "f"): scratch.append(0x0C)
    case UInt8(ascii: "n"): scratch.append(0x0A)
    case UInt8(ascii: "r"): scratch.append(0x0D)
    case UInt8(ascii: "t"): scratch.append(0x09)
    case UInt8(ascii: "u"):
      var scalar = try hexQuad()
      if (0xD800..<0xDC00).contains(scalar) {
        try expect(UInt8(ascii: "\\"))
        try expect(UInt8(ascii: "u"))
        let low = try hexQuad()
        guard (0xDC00..<0xE000).contains(low) else { throw Unusual() }
        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
      }
      guard let unicode = Unicode.Scalar(scalar) else { throw Unusual() }
      scratch.append(contentsOf: String(Character(unicode)).utf8)
    default:
      throw Unusual()
    }
  }

  private mutating func hexQuad() throws -> UInt32 {
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = try next()
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: throw Unusual()
      }
      value = value << 4 | UInt32(digit)
    }
    return value
  }

  /// Counts one more level of nesting, refusing more than ``maximumDepth``.
  private mutating func enter() throws {
    depth += 1
    guard depth <= Self.maximumDepth else { throw Unusual() }
  }

  /// Skips any JSON value, checking its syntax.
  mutating func skipValue() throws {
    switch try peek() {
    case UInt8(ascii: "{"):
      try object { reader, _ in try reader.skipValue() }
    case UInt8(ascii: "["):
      _ = try array { reader in try reader.skipValue() }
    case UInt8(ascii: "\""):
      _ = try rawString()
    case UInt8(ascii: "t"), UInt8(ascii: "f"):
      _ = try boolean()
    case UInt8(ascii: "n"):
      try literal("null")
    default:
      try skipNumber()
    }
  }

  /// Skips a number in JSON's grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
  private mutating func skipNumber() throws {
    func digits(_ reader: inout SnapshotReader) throws -> Int {
      var count = 0
      while let byte = try reader.peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
        reader.position += 1
        count += 1
      }
      return count
    }
    if try peek() == UInt8(ascii: "-") { position += 1 }
    let leadingZero = try peek() == UInt8(ascii: "0")
    let whole = try digits(&self)
    guard whole > 0, !(leadingZero && whole > 1) else { throw Unusual() }
    if try peek() == UInt8(ascii: ".") {
      position += 1
      guard try digits(&self) > 0 else { throw Unusual() }
    }
    if let byte = try peek(), byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
      position += 1
      if let sign = try peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
        position += 1
      }
      guard try digits(&self) > 0 else { throw Unusual() }
    }
    if let byte = try peek(), !Self.endsValue(byte) { throw Unusual() }
  }

  // MARK: - Bytes

  private mutating func skipWhitespace() {
    while true {
      while position < buffer.count {
        switch buffer[position] {
        case 0x20, 0x09, 0x0A, 0x0D: position += 1
        default: return
        }
      }
      guard (try? refill()) != nil, position < buffer.count else { return }
    }
  }

  /// The next byte without consuming it; `nil` at the end of the input.
  private mutating func peek() throws -> UInt8? {
    if position >= buffer.count { try refill() }
    return position < buffer.count ? buffer[position] : nil
  }

  private mutating func next() throws -> UInt8 {
    guard let byte = try peek() else { throw Unusual() }
    position += 1
    return byte
  }

  private mutating func expect(_ byte: UInt8) throws {
    guard try next() == byte else { throw Unusual() }
  }

  /// Replaces the consumed buffer with the file's next chunk; at the end of the file it stays
  /// empty.
  private mutating func refill() throws {
    guard let descriptor else { return }
    buffer.removeAll(keepingCapacity: true)
    position = 0
    buffer.append(contentsOf: repeatElement(0, count: Self.chunkSize))
    var read = -1
    while read < 0 {
      read = buffer.withUnsafeMutableBufferPointer { bytes in
        Glibc.read(descriptor, bytes.baseAddress, Self.chunkSize)
      }
      if read < 0, errno != EINTR {
        buffer.removeAll(keepingCapacity: true)
        throw Unusual()
      }
    }
    buffer.removeLast(Self.chunkSize - read)
  }
}
