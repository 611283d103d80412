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
struct SnapshotJSONReader {
  /// The input is not something this reader is sure to read as `JSONDecoder` would.
  struct Unusual: Error {}

  private static let chunkSize = 1 << 20
  /// Deeper nesting than any snapshot has; bounds the recursion of ``skipValue(depth:)``.
  private static let maximumDepth = 64

  private var buffer: [UInt8]
  private var position = 0
  private var descriptor: Int32?
  private var scratch: [UInt8] = []
  private var interner = StringInterner()

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
    var snapshot = Snapshot(formatVersion: 0, environment: EnvironmentInfo(name: "", source: ""))
    var seen = Seen()
    try object { reader, key in
      switch key {
      case "formatVersion":
        try seen.mark(0)
        snapshot.formatVersion = try reader.integer()
      case "environment":
        try seen.mark(1)
        snapshot.environment = try reader.environment()
      case "schemas":
        try seen.mark(2)
        snapshot.schemas = try reader.array { try $0.schema() }
      case "extensions":
        try seen.mark(3)
        snapshot.extensions = try reader.array { try $0.extensionEntry() }
      case "migrationTables":
        try seen.mark(4)
        snapshot.migrationTables = try reader.array { try $0.migrationTable() }
      case "tenantRegistry":
        try seen.mark(5)
        snapshot.tenantRegistry = try reader.nullable { try $0.tenantRegistry() }
      case "unreadable":
        try seen.mark(6)
        snapshot.unreadable = try reader.array { try $0.unreadableObject() }
      default:
        try reader.skipValue(depth: 1)
      }
    }
    try seen.require(0b101_1111)
    skipWhitespace()
    guard try peek() == nil else { throw Unusual() }
    return snapshot
  }

  // MARK: - The model

  private mutating func environment() throws -> EnvironmentInfo {
    var value = EnvironmentInfo(name: "", source: "")
    var seen = Seen()
    try object { reader, key in
      switch key {
      case "name":
        try seen.mark(0)
        value.name = try reader.string()
      case "source":
        try seen.mark(1)
        value.source = try reader.string()
      case "serverVersion":
        try seen.mark(2)
        value.serverVersion = try reader.string()
      case "serverVersionNumber":
        try seen.mark(3)
        value.serverVersionNumber = try reader.integer()
      case "database":
        try seen.mark(4)
        value.database = try reader.string()
      case "user":
        try seen.mark(5)
        value.user = try reader.string()
      case "collectedAt":
        try seen.mark(6)
        value.collectedAt = try reader.string()
      case "envdriftVersion":
        try seen.mark(7)
        value.envdriftVersion = try reader.string()
      default: try reader.skipValue(depth: 2)
      }
    }
    try seen.require(0b1111_1111)
    return value
  }

  private mutating func extensionEntry() throws -> Extension {
    var value = Extension(name: "", version: "", schema: "")
    var seen = Seen()
    try object { reader, key in
      switch key {
      case "name":
        try seen.mark(0)
        value.name = try reader.string()
      case "version":
        try seen.mark(1)
        value.version = try reader.string()
      case "schema":
        try seen.mark(2)
        value.schema = try reader.string()
      default: try reader.skipValue(depth: 3)
      }
    }
    try seen.require(0b111)
    return value
  }

  private mutating func unreadableObject() throws -> UnreadableObject {
    var value = UnreadableObject(schema: "", object: "", reason: "")
    var seen = Seen()
    try object { reader, key in
      switch key {
      case "schema":
        try seen.mark(0)
        value.schema = try reader.string()
      case "object":
        try seen.mark(1)
        value.object = try reader.string()
      case "reason":
        try seen.mark(2)
        value.reason = try reader.string()
      default: try reader.skipValue(depth: 3)
      }
    }
    try seen.require(0b111)
    return value
  }

  private mutating func tenantRegistry() throws -> TenantRegistry {
    var value = TenantRegistry(table: "", schemas: [])
    var seen = Seen()
    try object { reader, key in
      switch key {
      case "table":
        try seen.mark(0)
        value.table = try reader.string()
      case "schemas":
        try seen.mark(1)
        value.schemas = try reader.strings()
      default: try reader.skipValue(depth: 2)
      }
    }
    try seen.require(0b11)
    return value
  }

  private mutating func migrationTable() throws -> MigrationTable {
    var value = MigrationTable(schema: "", name: "", framework: .django)
    var seen = Seen()
    try object { reader, key in
      switch key {
      case "schema":
        try seen.mark(0)
        value.schema = try reader.string()
      case "name":
        try seen.mark(1)
        value.name = try reader.string()
      case "framework":
        try seen.mark(2)
        value.framework = try reader.enumeration()
      case "rows":
        try seen.mark(3)
        value.rows = try reader.array { try $0.migrationRow() }
      case "unreadableReason":
        try seen.mark(4)
        value.unreadableReason = try reader.optionalString()
      default: try reader.skipValue(depth: 3)
      }
    }
    try seen.require(0b1111)
    return value
  }

  private mutating func migrationRow() throws -> MigrationRow {
    var value = MigrationRow(app: "", name: "")
    var seen = Seen()
    try object { reader, key in
      switch key {
      case "app":
        try seen.mark(0)
        value.app = try reader.string()
      case "name":
        try seen.mark(1)
        value.name = try reader.string()
      case "success":
        try seen.mark(2)
        value.success = try reader.boolean()
      case "appliedAt":
        try seen.mark(3)
        value.appliedAt = try reader.optionalString()
      case "description":
        try seen.mark(4)
        value.description = try reader.optionalString()
      case "checksum":
        try seen.mark(5)
        value.checksum = try reader.optionalString()
      default: try reader.skipValue(depth: 4)
      }
    }
    try seen.require(0b111)
    return value
  }

  private mutating func schema() throws -> Schema {
    var value = Schema(name: "")
    var seen = Seen()
    try object { reader, key in
      switch key {
      case "name":
        try seen.mark(0)
        value.name = try reader.string()
      case "owner":
        try seen.mark(1)
        value.owner = try reader.string()
      case "tables":
        try seen.mark(2)
        value.tables = try reader.array { try $0.table() }
      case "views":
        try seen.mark(3)
        value.views = try reader.array { try $0.view() }
      case "sequences":
        try seen.mark(4)
        value.sequences = try reader.array { try $0.sequenceEntry() }
      case "types":
        try seen.mark(5)
        value.types = try reader.array { try $0.typeDefinition() }
      case "functions":
        try seen.mark(6)
        value.functions = try reader.array { try $0.functionEntry() }
      case "collations":
        try seen.mark(7)
        value.collations = try reader.array { try $0.collation() }
      case "comment":
        try seen.mark(8)
        value.comment = try reader.optionalString()
      default: try reader.skipValue(depth: 3)
      }
    }
    try seen.require(0b1111_1111)
    return value
  }

  private mutating func table() throws -> Table {
    var value = Table(name: "")
    var seen = Seen()
    try object { reader, key in
      switch key {
      case "name":
        try seen.mark(0)
        value.name = try reader.string()
      case "kind":
        try seen.mark(1)
        value.kind = try reader.enumeration()
      case "unlogged":
        try seen.mark(2)
        value.unlogged = try reader.boolean()
      case "owner":
        try seen.mark(3)
        value.owner = try reader.string()
      case "rowSecurity":
        try seen.mark(4)
        value.rowSecurity = try reader.boolean()
      case "forceRowSecurity":
        try seen.mark(5)
        value.forceRowSecurity = try reader.boolean()
      case "inherits":
        try seen.mark(6)
        value.inherits = try reader.strings()
      case "columns":
        try seen.mark(7)
        value.columns = try reader.array { try $0.column() }
      case "indexes":
        try seen.mark(8)
        value.indexes = try reader.array { try $0.index() }
      case "constraints":
        try seen.mark(9)
        value.constraints = try reader.array { try $0.constraint() }
      case "triggers":
        try seen.mark(10)
        value.triggers = try reader.array { try $0.trigger() }
      case "policies":
        try seen.mark(11)
        value.policies = try reader.array { try $0.policy() }
      case "privileges":
        try seen.mark(12)
        value.privileges = try reader.array { try $0.privilege() }
      case "partitionKey":
        try seen.mark(13)
        value.partitionKey = try reader.optionalString()
      case "partitionOf":
        try seen.mark(14)
        value.partitionOf = try reader.optionalString()
      case "partitionBound":
        try seen.mark(15)
        value.partitionBound = try reader.optionalString()
      case "comment":
        try seen.mark(16)
        value.comment = try reader.optionalString()
      default: try reader.skipValue(depth: 5)
      }
    }
    try seen.require(0b1_1111_1111_1111)
    return value
  }

  private mutating func column() throws -> Column {
    var value = Column(name: "", type: "")
    var seen = Seen()
    try object { reader, key in
      switch key {
      case "name":
        try seen.mark(0)
        value.name = try reader.string()
      case "position":
        try seen.mark(1)
        value.position = try reader.integer()
      case "type":
        try seen.mark(2)
        value.type = try reader.string()
      case "notNull":
        try seen.mark(3)
        value.notNull = try reader.boolean()
      case "defaultValue":
        try seen.mark(4)
        value.defaultValue = try reader.optionalString()
      case "identity":
        try seen.mark(5)
        value.identity = try reader.optionalString()
      case "generated":
        try seen.mark(6)
        value.generated = try reader.optionalString()
      case "collation":
        try seen.mark(7)
        value.collation = try reader.optionalString()
      case "comment":
        try seen.mark(8)
        value.comment = try reader.optionalString()
      default: try reader.skipValue(depth: 7)
      }
    }
    try seen.require(0b1111)
    return value
  }

  private mutating func index() throws -> Index {
    var value = Index(name: "", definition: "")
    var seen = Seen()
    try object { reader, key in
      switch key {
      case "name":
        try seen.mark(0)
        value.name = try reader.string()
      case "definition":
        try seen.mark(1)
        value.definition = try reader.string()
      case "isUnique":
        try seen.mark(2)
        value.isUnique = try reader.boolean()
      case "isPrimary":
        try seen.mark(3)
        value.isPrimary = try reader.boolean()
      case "isValid":
        try seen.mark(4)
        value.isValid = try reader.boolean()
      case "predicate":
        try seen.mark(5)
        value.predicate = try reader.optionalString()
      case "constraint":
        try seen.mark(6)
        value.constraint = try reader.optionalString()
      case "comment":
        try seen.mark(7)
        value.comment = try reader.optionalString()
      default: try reader.skipValue(depth: 7)
      }
    }
    try seen.require(0b1_1111)
    return value
  }

  private mutating func constraint() throws -> Constraint {
    var value = Constraint(name: "", kind: .check, definition: "")
    var seen = Seen()
    try object { reader, key in
      switch key {
      case "name":
        try seen.mark(0)
        value.name = try reader.string()
      case "kind":
        try seen.mark(1)
        value.kind = try reader.enumeration()
      case "definition":
        try seen.mark(2)
        value.definition = try reader.string()
      case "deferrable":
        try seen.mark(3)
        value.deferrable = try reader.boolean()
      case "deferred":
        try seen.mark(4)
        value.deferred = try reader.boolean()
      case "validated":
        try seen.mark(5)
        value.validated = try reader.boolean()
      default: try reader.skipValue(depth: 7)
      }
    }
    try seen.require(0b11_1111)
    return value
  }

  private mutating func trigger() throws -> Trigger {
    var value = Trigger(name: "", definition: "")
    var seen = Seen()
    try object { reader, key in
      switch key {
      case "name":
        try seen.mark(0)
        value.name = try reader.string()
      case "definition":
        try seen.mark(1)
        value.definition = try reader.string()
      case "enabled":
        try seen.mark(2)
        value.enabled = try reader.string()
      default: try reader.skipValue(depth: 7)
      }
    }
    try seen.require(0b111)
    return value
  }

  private mutating func policy() throws -> Policy {
    var value = Policy(name: "", command: "")
    var seen = Seen()
    try object { reader, key in
      switch key {
      case "name":
        try seen.mark(0)
        value.name = try reader.string()
      case "command":
        try seen.mark(1)
        value.command = try reader.string()
      case "permissive":
        try seen.mark(2)
        value.permissive = try reader.boolean()
      case "roles":
        try seen.mark(3)
        value.roles = try reader.strings()
      case "using":
        try seen.mark(4)
        value.using = try reader.optionalString()
      case "withCheck":
        try seen.mark(5)
        value.withCheck = try reader.optionalString()
      default: try reader.skipValue(depth: 7)
      }
    }
    try seen.require(0b1111)
    return value
  }

  private mutating func privilege() throws -> Privilege {
    var value = Privilege(grantee: "", privileges: [])
    var seen = Seen()
    try object { reader, key in
      switch key {
      case "grantee":
        try seen.mark(0)
        value.grantee = try reader.string()
      case "privileges":
        try seen.mark(1)
        value.privileges = try reader.strings()
      default: try reader.skipValue(depth: 7)
      }
    }
    try seen.require(0b11)
    return value
  }

  private mutating func view() throws -> View {
    var value = View(name: "", definition: "")
    var seen = Seen()
    try object { reader, key in
      switch key {
      case "name":
        try seen.mark(0)
        value.name = try reader.string()
      case "materialized":
        try seen.mark(1)
        value.materialized = try reader.boolean()
      case "definition":
        try seen.mark(2)
        value.definition = try reader.string()
      case "owner":
        try seen.mark(3)
        value.owner = try reader.string()
      case "indexes":
        try seen.mark(4)
        value.indexes = try reader.array { try $0.index() }
      case "triggers":
        try seen.mark(5)
        value.triggers = try reader.array { try $0.trigger() }
      case "dependsOn":
        try seen.mark(6)
        value.dependsOn = try reader.strings()
      case "comment":
        try seen.mark(7)
        value.comment = try reader.optionalString()
      default: try reader.skipValue(depth: 5)
      }
    }
    try seen.require(0b111_1111)
    return value
  }

  private mutating func sequenceEntry() throws -> DriftModel.Sequence {
    var value = DriftModel.Sequence(name: "")
    var seen = Seen()
    try object { reader, key in
      switch key {
      case "name":
        try seen.mark(0)
        value.name = try reader.string()
      case "dataType":
        try seen.mark(1)
        value.dataType = try reader.string()
      case "start":
        try seen.mark(2)
        value.start = try reader.string()
      case "increment":
        try seen.mark(3)
        value.increment = try reader.string()
      case "minimum":
        try seen.mark(4)
        value.minimum = try reader.string()
      case "maximum":
        try seen.mark(5)
        value.maximum = try reader.string()
      case "cache":
        try seen.mark(6)
        value.cache = try reader.string()
      case "cycle":
        try seen.mark(7)
        value.cycle = try reader.boolean()
      case "owner":
        try seen.mark(8)
        value.owner = try reader.string()
      case "ownedBy":
        try seen.mark(9)
        value.ownedBy = try reader.optionalString()
      default: try reader.skipValue(depth: 5)
      }
    }
    try seen.require(0b1_1111_1111)
    return value
  }

  private mutating func typeDefinition() throws -> TypeDefinition {
    var value = TypeDefinition(name: "", kind: .enum, definition: "")
    var seen = Seen()
    try object { reader, key in
      switch key {
      case "name":
        try seen.mark(0)
        value.name = try reader.string()
      case "kind":
        try seen.mark(1)
        value.kind = try reader.enumeration()
      case "definition":
        try seen.mark(2)
        value.definition = try reader.string()
      case "owner":
        try seen.mark(3)
        value.owner = try reader.string()
      case "comment":
        try seen.mark(4)
        value.comment = try reader.optionalString()
      default: try reader.skipValue(depth: 5)
      }
    }
    try seen.require(0b1111)
    return value
  }

  private mutating func functionEntry() throws -> Function {
    var value = Function(name: "")
    var seen = Seen()
    try object { reader, key in
      switch key {
      case "name":
        try seen.mark(0)
        value.name = try reader.string()
      case "arguments":
        try seen.mark(1)
        value.arguments = try reader.string()
      case "kind":
        try seen.mark(2)
        value.kind = try reader.string()
      case "result":
        try seen.mark(3)
        value.result = try reader.string()
      case "language":
        try seen.mark(4)
        value.language = try reader.string()
      case "definitionHash":
        try seen.mark(5)
        value.definitionHash = try reader.string()
      case "owner":
        try seen.mark(6)
        value.owner = try reader.string()
      case "comment":
        try seen.mark(7)
        value.comment = try reader.optionalString()
      default: try reader.skipValue(depth: 5)
      }
    }
    try seen.require(0b111_1111)
    return value
  }

  private mutating func collation() throws -> Collation {
    var value = Collation(name: "", provider: "", collate: "", ctype: "", deterministic: true)
    var seen = Seen()
    try object { reader, key in
      switch key {
      case "name":
        try seen.mark(0)
        value.name = try reader.string()
      case "provider":
        try seen.mark(1)
        value.provider = try reader.string()
      case "collate":
        try seen.mark(2)
        value.collate = try reader.string()
      case "ctype":
        try seen.mark(3)
        value.ctype = try reader.string()
      case "deterministic":
        try seen.mark(4)
        value.deterministic = try reader.boolean()
      default: try reader.skipValue(depth: 5)
      }
    }
    try seen.require(0b1_1111)
    return value
  }

  /// Which keys of an object were read, to insist on the required ones and refuse repeats.
  private struct Seen {
    private var bits: UInt32 = 0

    mutating func mark(_ bit: UInt32) throws {
      let mask: UInt32 = 1 << bit
      guard bits & mask == 0 else { throw Unusual() }
      bits |= mask
    }

    func require(_ mask: UInt32) throws {
      guard bits & mask == mask else { throw Unusual() }
    }
  }

  // MARK: - JSON structure

  /// Reads `{ "key": value, … }`, handing each key to `member`, which must read the value.
  private mutating func object(_ member: (inout SnapshotJSONReader, String) throws -> Void) throws {
    try expect(UInt8(ascii: "{"))
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
  private mutating func array<Element>(_ element: (inout SnapshotJSONReader) throws -> Element)
    throws -> [Element]
  {
    try expect(UInt8(ascii: "["))
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

  private mutating func strings() throws -> [String] {
    try array { try $0.string() }
  }

  /// `null`, or what `value` reads.
  private mutating func nullable<Value>(_ value: (inout SnapshotJSONReader) throws -> Value)
    throws -> Value?
  {
    if try peek() == UInt8(ascii: "n") {
      try literal("null")
      return nil
    }
    return try value(&self)
  }

  private mutating func optionalString() throws -> String? {
    try nullable { try $0.string() }
  }

  private mutating func enumeration<Value: RawRepresentable>() throws -> Value
  where Value.RawValue == String {
    guard let value = Value(rawValue: try rawString()) else { throw Unusual() }
    return value
  }

  private mutating func boolean() throws -> Bool {
    if try peek() == UInt8(ascii: "t") {
      try literal("true")
      return true
    }
    try literal("false")
    return false
  }

  /// An integer written as one (`-12`, not `1.0` or `1e3`), within `Int`'s range.
  private mutating func integer() throws -> Int {
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
  private mutating func string() throws -> String {
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

  /// Skips any JSON value, checking its syntax.
  private mutating func skipValue(depth: Int) throws {
    guard depth < Self.maximumDepth else { throw Unusual() }
    switch try peek() {
    case UInt8(ascii: "{"):
      try object { reader, _ in try reader.skipValue(depth: depth + 1) }
    case UInt8(ascii: "["):
      _ = try array { reader in try reader.skipValue(depth: depth + 1) }
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
    func digits(_ reader: inout SnapshotJSONReader) throws -> Int {
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
