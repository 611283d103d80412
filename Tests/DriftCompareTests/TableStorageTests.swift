import DriftModel
import Foundation
import Testing

/// A table keeps its fields in storage its copies share until one of them is changed.
@Suite struct TableStorageTests {
  let original = Table(
    name: "invoices",
    owner: "app",
    columns: [
      Column(name: "id", position: 1, type: "bigint", notNull: true),
      Column(name: "total", position: 2, type: "numeric(10,2)", notNull: false),
    ],
    indexes: [Index(name: "invoices_total_idx", definition: "CREATE INDEX … (total)")]
  )

  @Test func aChangedCopyLeavesTheOriginalAsItWas() {
    var copy = original
    #expect(copy.sharesStorage(with: original))
    copy.name = "bills"
    copy.columns.append(Column(name: "due", position: 3, type: "date", notNull: false))
    copy.columns[0].type = "integer"
    copy.indexes.removeAll()
    copy.options = ["fillfactor=70"]

    #expect(!copy.sharesStorage(with: original))
    #expect(original.name == "invoices")
    #expect(original.columns.map(\.name) == ["id", "total"])
    #expect(original.columns[0].type == "bigint")
    #expect(original.indexes.count == 1)
    #expect(original.options == nil)
    #expect(copy.name == "bills")
    #expect(copy.columns.map(\.name) == ["id", "total", "due"])
    #expect(copy.columns[0].type == "integer")
    #expect(copy.indexes.isEmpty)
    #expect(copy.options == ["fillfactor=70"])
  }

  @Test func tablesAreEqualByValueWhetherOrNotTheyShareStorage() {
    let rebuilt = Table(
      name: original.name, owner: original.owner, columns: original.columns,
      indexes: original.indexes)
    #expect(!rebuilt.sharesStorage(with: original))
    #expect(rebuilt == original)
    #expect(rebuilt.hashValue == original.hashValue)

    var changed = original
    changed.comment = "billing"
    #expect(changed != original)
    changed.comment = nil
    #expect(changed == original)
    #expect(!changed.sharesStorage(with: original))
  }

  @Test func aTableIsWrittenAndReadAsItsFieldsAreWithAbsentOptionalsLeftOut() throws {
    var table = original
    table.replicaIdentity = "FULL"
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let data = try encoder.encode(table)
    let keys = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any]).keys
    #expect(keys.contains("replicaIdentity"))
    #expect(!keys.contains("options"))
    #expect(!keys.contains("rules"))
    #expect(try JSONDecoder().decode(Table.self, from: data) == table)
  }
}
