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
  /// Deeper nesting than any snapshot has; bounds the recursion of ``skipValue()``.
  private static let maximumDepth = 64

  private var buffer: [UInt8]
  private var position = 0
  /// How many objects and arrays the reader is inside.
  private var depth = 0
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
    let empty = Snapshot(formatVersion: 0, environment: EnvironmentInfo(name: "", source: ""))
    let snapshot = try record(empty, required: 0b101_1111) { reader, key, value in
      switch key {
      case "formatVersion":
        value.formatVersion = try reader.integer()
        return 0
      case "environment":
        value.environment = try reader.environment()
        return 1
      case "schemas":
        value.schemas = try reader.array { try $0.schema() }
        return 2
      case "extensions":
        value.extensions = try reader.array { try $0.extensionEntry() }
        return 3
      case "migrationTables":
        value.migrationTables = try reader.array { try $0.migrationTable() }
        return 4
      case "tenantRegistry":
        value.tenantRegistry = try reader.nullable { try $0.tenantRegistry() }
        return 5
      case "unreadable":
        value.unreadable = try reader.array { try $0.unreadableObject() }
        return 6
      default:
        return nil
      }
    }
    skipWhitespace()
    guard try peek() == nil else { throw Unusual() }
    return snapshot
  }

  // MARK: - The model

  private mutating func environment() throws -> EnvironmentInfo {
    return try record(EnvironmentInfo(name: "", source: ""), required: 0b1111_1111) {
      reader, key, value in
      switch key {
      case "name":
        value.name = try reader.string()
        return 0
      case "source":
        value.source = try reader.string()
        return 1
      case "serverVersion":
        value.serverVersion = try reader.string()
        return 2
      case "serverVersionNumber":
        value.serverVersionNumber = try reader.integer()
        return 3
      case "database":
        value.database = try reader.string()
        return 4
      case "user":
        value.user = try reader.string()
        return 5
      case "collectedAt":
        value.collectedAt = try reader.string()
        return 6
      case "envdriftVersion":
        value.envdriftVersion = try reader.string()
        return 7
      default:
        return nil
      }
    }
  }

  private mutating func extensionEntry() throws -> Extension {
    return try record(Extension(name: "", version: "", schema: ""), required: 0b111) {
      reader, key, value in
      switch key {
      case "name":
        value.name = try reader.string()
        return 0
      case "version":
        value.version = try reader.string()
        return 1
      case "schema":
        value.schema = try reader.string()
        return 2
      case "defaultVersion":
        value.defaultVersion = try reader.optionalString()
        return 3
      default:
        return nil
      }
    }
  }

  private mutating func unreadableObject() throws -> UnreadableObject {
    return try record(UnreadableObject(schema: "", object: "", reason: ""), required: 0b111) {
      reader, key, value in
      switch key {
      case "schema":
        value.schema = try reader.string()
        return 0
      case "object":
        value.object = try reader.string()
        return 1
      case "reason":
        value.reason = try reader.string()
        return 2
      case "kind":
        value.kind = try reader.nullable { try $0.enumeration() }
        return 3
      default:
        return nil
      }
    }
  }

  private mutating func tenantRegistry() throws -> TenantRegistry {
    return try record(TenantRegistry(table: "", schemas: []), required: 0b11) {
      reader, key, value in
      switch key {
      case "table":
        value.table = try reader.string()
        return 0
      case "schemas":
        value.schemas = try reader.strings()
        return 1
      default:
        return nil
      }
    }
  }

  private mutating func migrationTable() throws -> MigrationTable {
    return try record(MigrationTable(schema: "", name: "", framework: .django), required: 0b1111) {
      reader, key, value in
      switch key {
      case "schema":
        value.schema = try reader.string()
        return 0
      case "name":
        value.name = try reader.string()
        return 1
      case "framework":
        value.framework = try reader.enumeration()
        return 2
      case "rows":
        value.rows = try reader.array { try $0.migrationRow() }
        return 3
      case "unreadableReason":
        value.unreadableReason = try reader.optionalString()
        return 4
      case "environmentName":
        value.environmentName = try reader.optionalString()
        return 5
      default:
        return nil
      }
    }
  }

  private mutating func migrationRow() throws -> MigrationRow {
    return try record(MigrationRow(app: "", name: ""), required: 0b111) { reader, key, value in
      switch key {
      case "app":
        value.app = try reader.string()
        return 0
      case "name":
        value.name = try reader.string()
        return 1
      case "success":
        value.success = try reader.boolean()
        return 2
      case "appliedAt":
        value.appliedAt = try reader.optionalString()
        return 3
      case "description":
        value.description = try reader.optionalString()
        return 4
      case "checksum":
        value.checksum = try reader.optionalString()
        return 5
      default:
        return nil
      }
    }
  }

  private mutating func schema() throws -> Schema {
    return try record(Schema(name: ""), required: 0b1111_1111) { reader, key, value in
      switch key {
      case "name":
        value.name = try reader.string()
        return 0
      case "owner":
        value.owner = try reader.string()
        return 1
      case "tables":
        value.tables = try reader.array { try $0.table() }
        return 2
      case "views":
        value.views = try reader.array { try $0.view() }
        return 3
      case "sequences":
        value.sequences = try reader.array { try $0.sequenceEntry() }
        return 4
      case "types":
        value.types = try reader.array { try $0.typeDefinition() }
        return 5
      case "functions":
        value.functions = try reader.array { try $0.functionEntry() }
        return 6
      case "collations":
        value.collations = try reader.array { try $0.collation() }
        return 7
      case "comment":
        value.comment = try reader.optionalString()
        return 8
      default:
        return nil
      }
    }
  }

  private mutating func table() throws -> Table {
    return try record(Table(name: ""), required: 0b1_1111_1111_1111) { reader, key, value in
      switch key {
      case "name":
        value.name = try reader.string()
        return 0
      case "kind":
        value.kind = try reader.enumeration()
        return 1
      case "unlogged":
        value.unlogged = try reader.boolean()
        return 2
      case "owner":
        value.owner = try reader.string()
        return 3
      case "rowSecurity":
        value.rowSecurity = try reader.boolean()
        return 4
      case "forceRowSecurity":
        value.forceRowSecurity = try reader.boolean()
        return 5
      case "inherits":
        value.inherits = try reader.strings()
        return 6
      case "columns":
        value.columns = try reader.array { try $0.column() }
        return 7
      case "indexes":
        value.indexes = try reader.array { try $0.index() }
        return 8
      case "constraints":
        value.constraints = try reader.array { try $0.constraint() }
        return 9
      case "triggers":
        value.triggers = try reader.array { try $0.trigger() }
        return 10
      case "policies":
        value.policies = try reader.array { try $0.policy() }
        return 11
      case "privileges":
        value.privileges = try reader.array { try $0.privilege() }
        return 12
      case "partitionKey":
        value.partitionKey = try reader.optionalString()
        return 13
      case "partitionOf":
        value.partitionOf = try reader.optionalString()
        return 14
      case "partitionBound":
        value.partitionBound = try reader.optionalString()
        return 15
      case "comment":
        value.comment = try reader.optionalString()
        return 16
      default:
        return nil
      }
    }
  }

  private mutating func column() throws -> Column {
    return try record(Column(name: "", type: ""), required: 0b1111) { reader, key, value in
      switch key {
      case "name":
        value.name = try reader.string()
        return 0
      case "position":
        value.position = try reader.integer()
        return 1
      case "type":
        value.type = try reader.string()
        return 2
      case "notNull":
        value.notNull = try reader.boolean()
        return 3
      case "defaultValue":
        value.defaultValue = try reader.optionalString()
        return 4
      case "identity":
        value.identity = try reader.optionalString()
        return 5
      case "generated":
        value.generated = try reader.optionalString()
        return 6
      case "collation":
        value.collation = try reader.optionalString()
        return 7
      case "comment":
        value.comment = try reader.optionalString()
        return 8
      case "generatedStorage":
        guard let text = try reader.optionalString() else { return 9 }
        guard let storage = GeneratedStorage(rawValue: text) else { throw Unusual() }
        value.generatedStorage = storage
        return 9
      default:
        return nil
      }
    }
  }

  private mutating func index() throws -> Index {
    return try record(Index(name: "", definition: ""), required: 0b1_1111) { reader, key, value in
      switch key {
      case "name":
        value.name = try reader.string()
        return 0
      case "definition":
        value.definition = try reader.string()
        return 1
      case "isUnique":
        value.isUnique = try reader.boolean()
        return 2
      case "isPrimary":
        value.isPrimary = try reader.boolean()
        return 3
      case "isValid":
        value.isValid = try reader.boolean()
        return 4
      case "predicate":
        value.predicate = try reader.optionalString()
        return 5
      case "constraint":
        value.constraint = try reader.optionalString()
        return 6
      case "comment":
        value.comment = try reader.optionalString()
        return 7
      default:
        return nil
      }
    }
  }

  private mutating func constraint() throws -> Constraint {
    return try record(Constraint(name: "", kind: .check, definition: ""), required: 0b11_1111) {
      reader, key, value in
      switch key {
      case "name":
        value.name = try reader.string()
        return 0
      case "kind":
        value.kind = try reader.enumeration()
        return 1
      case "definition":
        value.definition = try reader.string()
        return 2
      case "deferrable":
        value.deferrable = try reader.boolean()
        return 3
      case "deferred":
        value.deferred = try reader.boolean()
        return 4
      case "validated":
        value.validated = try reader.boolean()
        return 5
      default:
        return nil
      }
    }
  }

  private mutating func trigger() throws -> Trigger {
    return try record(Trigger(name: "", definition: ""), required: 0b111) { reader, key, value in
      switch key {
      case "name":
        value.name = try reader.string()
        return 0
      case "definition":
        value.definition = try reader.string()
        return 1
      case "enabled":
        value.enabled = try reader.string()
        return 2
      default:
        return nil
      }
    }
  }

  private mutating func policy() throws -> Policy {
    return try record(Policy(name: "", command: ""), required: 0b1111) { reader, key, value in
      switch key {
      case "name":
        value.name = try reader.string()
        return 0
      case "command":
        value.command = try reader.string()
        return 1
      case "permissive":
        value.permissive = try reader.boolean()
        return 2
      case "roles":
        value.roles = try reader.strings()
        return 3
      case "using":
        value.using = try reader.optionalString()
        return 4
      case "withCheck":
        value.withCheck = try reader.optionalString()
        return 5
      default:
        return nil
      }
    }
  }

  private mutating func privilege() throws -> Privilege {
    return try record(Privilege(grantee: "", privileges: []), required: 0b11) {
      reader, key, value in
      switch key {
      case "grantee":
        value.grantee = try reader.string()
        return 0
      case "privileges":
        value.privileges = try reader.strings()
        return 1
      default:
        return nil
      }
    }
  }

  private mutating func view() throws -> View {
    return try record(View(name: "", definition: ""), required: 0b111_1111) { reader, key, value in
      switch key {
      case "name":
        value.name = try reader.string()
        return 0
      case "materialized":
        value.materialized = try reader.boolean()
        return 1
      case "definition":
        value.definition = try reader.string()
        return 2
      case "owner":
        value.owner = try reader.string()
        return 3
      case "indexes":
        value.indexes = try reader.array { try $0.index() }
        return 4
      case "triggers":
        value.triggers = try reader.array { try $0.trigger() }
        return 5
      case "dependsOn":
        value.dependsOn = try reader.strings()
        return 6
      case "comment":
        value.comment = try reader.optionalString()
        return 7
      default:
        return nil
      }
    }
  }

  private mutating func sequenceEntry() throws -> DriftModel.Sequence {
    return try record(DriftModel.Sequence(name: ""), required: 0b1_1111_1111) {
      reader, key, value in
      switch key {
      case "name":
        value.name = try reader.string()
        return 0
      case "dataType":
        value.dataType = try reader.string()
        return 1
      case "start":
        value.start = try reader.string()
        return 2
      case "increment":
        value.increment = try reader.string()
        return 3
      case "minimum":
        value.minimum = try reader.string()
        return 4
      case "maximum":
        value.maximum = try reader.string()
        return 5
      case "cache":
        value.cache = try reader.string()
        return 6
      case "cycle":
        value.cycle = try reader.boolean()
        return 7
      case "owner":
        value.owner = try reader.string()
        return 8
      case "ownedBy":
        value.ownedBy = try reader.optionalString()
        return 9
      default:
        return nil
      }
    }
  }

  private mutating func typeDefinition() throws -> TypeDefinition {
    return try record(TypeDefinition(name: "", kind: .enum, definition: ""), required: 0b1111) {
      reader, key, value in
      switch key {
      case "name":
        value.name = try reader.string()
        return 0
      case "kind":
        value.kind = try reader.enumeration()
        return 1
      case "definition":
        value.definition = try reader.string()
        return 2
      case "owner":
        value.owner = try reader.string()
        return 3
      case "comment":
        value.comment = try reader.optionalString()
        return 4
      default:
        return nil
      }
    }
  }

  private mutating func functionEntry() throws -> Function {
    return try record(Function(name: ""), required: 0b111_1111) { reader, key, value in
      switch key {
      case "name":
        value.name = try reader.string()
        return 0
      case "arguments":
        value.arguments = try reader.string()
        return 1
      case "kind":
        value.kind = try reader.string()
        return 2
      case "result":
        value.result = try reader.string()
        return 3
      case "language":
        value.language = try reader.string()
        return 4
      case "definitionHash":
        value.definitionHash = try reader.string()
        return 5
      case "owner":
        value.owner = try reader.string()
        return 6
      case "comment":
        value.comment = try reader.optionalString()
        return 7
      default:
        return nil
      }
    }
  }

  private mutating func collation() throws -> Collation {
    return try record(
      Collation(name: "", provider: "", collate: "", ctype: "", deterministic: true),
      required: 0b1_1111
    ) { reader, key, value in
      switch key {
      case "name":
        value.name = try reader.string()
        return 0
      case "provider":
        value.provider = try reader.string()
        return 1
      case "collate":
        value.collate = try reader.string()
        return 2
      case "ctype":
        value.ctype = try reader.string()
        return 3
      case "deterministic":
        value.deterministic = try reader.boolean()
        return 4
      default:
        return nil
      }
    }
  }

  /// Reads one object into `initial`'s fields; `field` reads the value of a key it knows and
  /// returns that key's bit, or returns `nil` for a key to skip.
  ///
  /// A key read twice, or a required bit never returned, makes the input ``Unusual``.
  private mutating func record<Value>(
    _ initial: Value,
    required: UInt32,
    _ field: (inout SnapshotJSONReader, String, inout Value) throws -> UInt32?
  ) throws -> Value {
    var value = initial
    var seen: UInt32 = 0
    try object { reader, key in
      guard let bit = try field(&reader, key, &value) else {
        try reader.skipValue()
        return
      }
      let mask: UInt32 = 1 << bit
      guard seen & mask == 0 else { throw Unusual() }
      seen |= mask
    }
    guard seen & required == required else { throw Unusual() }
    return value
  }

  // MARK: - JSON structure

  /// Reads `{ "key": value, … }`, handing each key to `member`, which must read the value.
  private mutating func object(_ member: (inout SnapshotJSONReader, String) throws -> Void) throws {
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
  private mutating func array<Element>(_ element: (inout SnapshotJSONReader) throws -> Element)
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

  /// Counts one more level of nesting, refusing more than ``maximumDepth``.
  private mutating func enter() throws {
    depth += 1
    guard depth <= Self.maximumDepth else { throw Unusual() }
  }

  /// Skips any JSON value, checking its syntax.
  private mutating func skipValue() throws {
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
