import DriftModel

/// How one model type is written to and read from a snapshot file: its fields, each declared
/// once, from which both the writer and the reader work.
///
/// A field is required when its value is not optional, as `JSONDecoder` requires it; the writer
/// leaves absent optionals out and writes keys in sorted order, as `JSONEncoder` does with
/// `.sortedKeys`. A format is made once, as a constant of ``Formats``, and never changed: its
/// closures capture only key names and other formats, so sharing it between threads is safe.
struct Format<Root>: @unchecked Sendable {
  /// How an object of this type is laid out in the file.
  enum Layout: Sendable {
    /// One key per line.
    case object
    /// On one line, `{"name": "id", "notNull": true}`: for objects of scalars and lists of
    /// strings, one line per column, index or migration row, so that a file stays a third of
    /// the size and still diffs line by line.
    case leaf
  }

  let layout: Layout
  /// The value fields are read into; its own values are never kept.
  let empty: Root
  /// The fields in declaration order; a field's position is its bit in ``required``.
  let fields: [Field<Root>]
  /// The fields sorted by name, as the writer writes them.
  let sorted: [Field<Root>]
  /// Each field's position by name.
  let positions: [String: Int]
  /// For each field in ``sorted`` order, its position: the reader expects keys in this order
  /// (the writer's) and compares the next expected name before looking a key up.
  let sortedPositions: [Int]
  /// Each field's index in ``sorted``, by position.
  let sortedIndex: [Int]
  /// One bit per required field.
  let required: UInt64

  init(_ layout: Layout, empty: Root, _ fields: [Field<Root>]) {
    precondition(fields.count <= 64, "a format holds at most 64 fields")
    self.layout = layout
    self.empty = empty
    self.fields = fields
    sorted = fields.sorted { $0.name < $1.name }
    var positions: [String: Int] = [:]
    var required: UInt64 = 0
    for (position, field) in fields.enumerated() {
      precondition(positions[field.name] == nil, "\(field.name) is declared twice")
      positions[field.name] = position
      if field.required { required |= 1 << UInt64(position) }
    }
    self.positions = positions
    self.required = required
    sortedPositions = sorted.map { positions[$0.name] ?? 0 }
    var sortedIndex = Array(repeating: 0, count: fields.count)
    for (index, position) in sortedPositions.enumerated() { sortedIndex[position] = index }
    self.sortedIndex = sortedIndex
  }
}

/// One field of a model type: its key, whether it must be present, and how its value is
/// written and read.
///
/// Declared with a getter and a setter (`{ $0.name }, { $0.name = $1 }`) rather than a key
/// path: applying a key path in generic code looks up type metadata at run time, which made
/// writing a 1,000-tenant snapshot file 40 % slower.
struct Field<Root> {
  let name: String
  let required: Bool
  /// Writes the key and the value, or nothing for an absent optional.
  let write: (inout SnapshotWriter, Root) -> Void
  /// Reads the value (the key is already read) into the root.
  let read: (inout SnapshotReader, inout Root) throws -> Void
}

extension Field {
  @inline(__always)
  static func string(
    _ name: StaticString, _ get: @escaping (Root) -> String,
    _ set: @escaping (inout Root, String) -> Void
  ) -> Field {
    Field(
      name: "\(name)", required: true, write: { $0.field(name, get($1)) },
      read: { set(&$1, try $0.string()) })
  }

  @inline(__always)
  static func string(
    _ name: StaticString, _ get: @escaping (Root) -> String?,
    _ set: @escaping (inout Root, String?) -> Void
  ) -> Field {
    Field(
      name: "\(name)", required: false, write: { $0.field(name, get($1)) },
      read: { set(&$1, try $0.nullable { try $0.string() }) })
  }

  @inline(__always)
  static func boolean(
    _ name: StaticString, _ get: @escaping (Root) -> Bool,
    _ set: @escaping (inout Root, Bool) -> Void
  ) -> Field {
    Field(
      name: "\(name)", required: true, write: { $0.field(name, get($1)) },
      read: { set(&$1, try $0.boolean()) })
  }

  @inline(__always)
  static func boolean(
    _ name: StaticString, _ get: @escaping (Root) -> Bool?,
    _ set: @escaping (inout Root, Bool?) -> Void
  ) -> Field {
    Field(
      name: "\(name)", required: false,
      write: { writer, root in
        guard let value = get(root) else { return }
        writer.field(name, value)
      },
      read: { set(&$1, try $0.nullable { try $0.boolean() }) })
  }

  @inline(__always)
  static func integer(
    _ name: StaticString, _ get: @escaping (Root) -> Int, _ set: @escaping (inout Root, Int) -> Void
  ) -> Field {
    Field(
      name: "\(name)", required: true, write: { $0.field(name, get($1)) },
      read: { set(&$1, try $0.integer()) })
  }

  @inline(__always)
  static func integer(
    _ name: StaticString, _ get: @escaping (Root) -> Int?,
    _ set: @escaping (inout Root, Int?) -> Void
  ) -> Field {
    Field(
      name: "\(name)", required: false,
      write: { writer, root in
        guard let value = get(root) else { return }
        writer.field(name, value)
      },
      read: { set(&$1, try $0.nullable { try $0.integer() }) })
  }

  @inline(__always)
  static func strings(
    _ name: StaticString, _ get: @escaping (Root) -> [String],
    _ set: @escaping (inout Root, [String]) -> Void
  ) -> Field {
    Field(
      name: "\(name)", required: true, write: { $0.field(name, get($1)) },
      read: { set(&$1, try $0.array { try $0.string() }) })
  }

  @inline(__always)
  static func strings(
    _ name: StaticString, _ get: @escaping (Root) -> [String]?,
    _ set: @escaping (inout Root, [String]?) -> Void
  ) -> Field {
    Field(
      name: "\(name)", required: false,
      write: { writer, root in
        guard let values = get(root) else { return }
        writer.field(name, values)
      },
      read: { set(&$1, try $0.nullable { try $0.array { try $0.string() } }) })
  }

  @inline(__always)
  static func enumeration<Value: RawRepresentable>(
    _ name: StaticString, _ get: @escaping (Root) -> Value,
    _ set: @escaping (inout Root, Value) -> Void
  ) -> Field where Value.RawValue == String {
    Field(
      name: "\(name)", required: true, write: { $0.field(name, get($1).rawValue) },
      read: { set(&$1, try $0.enumeration()) })
  }

  @inline(__always)
  static func enumeration<Value: RawRepresentable>(
    _ name: StaticString, _ get: @escaping (Root) -> Value?,
    _ set: @escaping (inout Root, Value?) -> Void
  ) -> Field where Value.RawValue == String {
    Field(
      name: "\(name)", required: false,
      write: { $0.field(name, get($1)?.rawValue) },
      read: { set(&$1, try $0.nullable { try $0.enumeration() }) })
  }

  @inline(__always)
  static func record<Value>(
    _ name: StaticString, _ get: @escaping (Root) -> Value,
    _ set: @escaping (inout Root, Value) -> Void, _ format: Format<Value>
  ) -> Field {
    Field(
      name: "\(name)", required: true,
      write: { writer, root in
        writer.key(name)
        writer.write(get(root), format)
      },
      read: { set(&$1, try $0.record(format)) })
  }

  @inline(__always)
  static func record<Value>(
    _ name: StaticString, _ get: @escaping (Root) -> Value?,
    _ set: @escaping (inout Root, Value?) -> Void, _ format: Format<Value>
  ) -> Field {
    Field(
      name: "\(name)", required: false,
      write: { writer, root in
        guard let value = get(root) else { return }
        writer.key(name)
        writer.write(value, format)
      },
      read: { set(&$1, try $0.nullable { try $0.record(format) }) })
  }

  @inline(__always)
  static func records<Value>(
    _ name: StaticString, _ get: @escaping (Root) -> [Value],
    _ set: @escaping (inout Root, [Value]) -> Void, _ format: Format<Value>
  ) -> Field {
    Field(
      name: "\(name)", required: true,
      write: { writer, root in
        writer.key(name)
        writer.array(get(root)) { $0.write($1, format) }
      },
      read: { set(&$1, try $0.array { try $0.record(format) }) })
  }

  @inline(__always)
  static func records<Value>(
    _ name: StaticString, _ get: @escaping (Root) -> [Value]?,
    _ set: @escaping (inout Root, [Value]?) -> Void, _ format: Format<Value>
  ) -> Field {
    Field(
      name: "\(name)", required: false,
      write: { writer, root in
        guard let values = get(root) else { return }
        writer.key(name)
        writer.array(values) { $0.write($1, format) }
      },
      read: { set(&$1, try $0.nullable { try $0.array { try $0.record(format) } }) })
  }

  /// A list whose equal copies (a table's columns in each of 1,000 tenants) share one buffer
  /// as soon as they are read, rather than after the whole file is: the peak memory of reading
  /// a 1,000-tenant file is then that of its distinct lists.
  @inline(__always)
  static func sharedRecords<Value: Hashable>(
    _ name: StaticString, _ get: @escaping (Root) -> [Value],
    _ set: @escaping (inout Root, [Value]) -> Void, _ format: Format<Value>
  ) -> Field {
    Field(
      name: "\(name)", required: true,
      write: { writer, root in
        writer.key(name)
        writer.array(get(root)) { $0.write($1, format) }
      },
      read: { reader, root in
        let values = try reader.array { try $0.record(format) }
        set(&root, reader.shared(values))
      })
  }
}
