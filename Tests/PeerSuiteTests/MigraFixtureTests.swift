import DriftCollect
import DriftCompare
import DriftModel
import Foundation
import PostgresClient
import TestSupport
import Testing

/// migra's fixtures: every object its `expected.sql` creates, drops or alters must be named by an
/// envdrift finding of the same kind, and a database compared with itself must give none.
@Suite("Peer suite: migra fixtures", .enabled(if: TestPostgres.isAvailable))
struct MigraFixtureTests {
  @Test(arguments: TestFixtures.migraCases)
  func everyObjectMigraChangesIsAFinding(fixture: String) throws {
    try TestFixtures.ensureMigraRole()
    let sqlA = try TestFixtures.text("migra/fixtures/\(fixture)/a.sql")
    let sqlB = try TestFixtures.text("migra/fixtures/\(fixture)/b.sql")
    if let missing = try TestPostgres.lacks(for: sqlA + sqlB) {
      print("\(fixture): skipped, this PostgreSQL build lacks \(missing)")
      return
    }
    let a = try TestPostgres.createDatabase("migra_a", sql: sqlA)
    defer { a.drop() }
    let b = try TestPostgres.createDatabase("migra_b", sql: sqlB)
    defer { b.drop() }
    let collector = SnapshotCollector()
    let snapshotA = try collector.collect(name: "a", source: a.name, connection: a.connect())
    let snapshotB = try collector.collect(name: "b", source: b.name, connection: b.connect())

    let itself = Comparer().compare(
      [
        CollectedEnvironment(snapshot: snapshotA),
        CollectedEnvironment(snapshot: Self.renamed(snapshotA, "b")),
      ],
      baseline: "b",
      generatedAt: ""
    )
    #expect(
      itself.findings.isEmpty,
      "\(fixture): A compared with A: \(itself.findings.map { "\($0.kind) \($0.name)" })")

    let comparison = Comparer().compare(
      [CollectedEnvironment(snapshot: snapshotA), CollectedEnvironment(snapshot: snapshotB)],
      baseline: "b",
      generatedAt: ""
    )
    let expected = ExpectedObjects.parse(
      try TestFixtures.text("migra/fixtures/\(fixture)/expected.sql"))
    var missed: [String] = []
    for object in expected where !Self.covers(comparison.findings, object, [snapshotA, snapshotB]) {
      if let artifact = Artifact.known.first(where: { $0.fixture == fixture && $0.object == object }
      ) {
        #expect(
          artifact.holds(snapshotA, snapshotB),
          "\(fixture): \(object) was excused because \(artifact.reason), but that is not so"
        )
        print("peer suite \(fixture): \(object) not a difference: \(artifact.reason)")
        continue
      }
      missed.append("\(object.kind.rawValue) \(object.name)")
    }
    let found = expected.count - missed.count
    print("peer suite \(fixture): recall \(found)/\(expected.count)")
    #expect(missed.isEmpty, "\(fixture): no finding names \(missed)")
  }

  /// Statements in `expected.sql` that change nothing in the catalog, each with a check that it
  /// really changes nothing (so an excuse can never hide a real miss).
  struct Artifact: Sendable {
    var fixture: String
    var object: ExpectedObjects.Object
    var reason: String
    var holds: @Sendable (Snapshot, Snapshot) -> Bool

    static func privileges(_ fixture: String, _ table: String) -> Artifact {
      Artifact(
        fixture: fixture,
        object: .init(kind: .privilege, name: table),
        reason: "the grantee owns \(table), so its ACL is the same in A and B"
      ) { a, b in
        let left = a.schema(named: "public")?.table(named: table)?.privileges
        let right = b.schema(named: "public")?.table(named: table)?.privileges
        return left != nil && left == right
      }
    }

    static let known: [Artifact] = [
      privileges("privileges", "any_table"),
      privileges("everything", "products"),
      Artifact(
        fixture: "generated_added",
        object: .init(kind: .column, name: "the_column"),
        reason: "a.sql and b.sql define demo_gencol.the_column identically (migra's fixture"
          + " expects a change its SQL does not make)"
      ) { a, b in
        let left = a.schema(named: "public")?.table(named: "demo_gencol")?.columns
        let right = b.schema(named: "public")?.table(named: "demo_gencol")?.columns
        return left != nil && left == right
      },
    ]
  }

  static func renamed(_ snapshot: Snapshot, _ name: String) -> Snapshot {
    var copy = snapshot
    copy.environment.name = name
    return copy
  }

  /// Whether a finding names `object`, or its table is itself reported missing.
  static func covers(
    _ findings: [Finding], _ object: ExpectedObjects.Object, _ snapshots: [Snapshot]
  ) -> Bool {
    let direct = findings.contains { finding in
      guard finding.kind.object == object.kind else { return false }
      switch object.kind {
      case .privilege: return finding.table == object.name
      case .function: return finding.name.hasPrefix(object.name + "(")
      default:
        return finding.name == object.name || finding.renamedTo == object.name
          || finding.table == object.name && object.kind == .table
      }
    }
    if direct { return true }
    let tables = Self.tables(holding: object, in: snapshots)
    return findings.contains { finding in
      guard tables.contains(finding.name) else { return false }
      switch finding.kind.object {
      case .table:
        return finding.kind.change == .missing
      case .view, .materializedView:
        // A changed view is dropped and recreated, and its triggers and indexes with it.
        return true
      default:
        return false
      }
    }
  }

  static func tables(holding object: ExpectedObjects.Object, in snapshots: [Snapshot]) -> Set<
    String
  > {
    var result = Set<String>()
    if object.kind == .privilege { result.insert(object.name) }
    for snapshot in snapshots {
      for schema in snapshot.schemas {
        for table in schema.tables {
          let names: [String]
          switch object.kind {
          case .column: names = table.columns.map(\.name)
          case .index: names = table.indexes.map(\.name)
          case .constraint: names = table.constraints.map(\.name)
          case .trigger: names = table.triggers.map(\.name)
          case .policy: names = table.policies.map(\.name)
          case .sequence:
            names = schema.sequences.filter { $0.ownedBy?.hasPrefix(table.name + ".") == true }.map(
              \.name)
          default: names = []
          }
          if names.contains(object.name) { result.insert(table.name) }
        }
        for view in schema.views
        where view.indexes.contains(where: { $0.name == object.name })
          || view.triggers.contains(where: { $0.name == object.name })
        {
          result.insert(view.name)
        }
      }
    }
    return result
  }
}

/// Reads the objects a migra `expected.sql` creates, drops or alters.
enum ExpectedObjects {
  struct Object: Hashable, CustomStringConvertible {
    var kind: ObjectKind
    var name: String
    var description: String { "\(kind.rawValue) \(name)" }
  }

  private static let identifier = #"("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)"#
  private static let qualified = #"(?:"# + identifier + #"\.)?"# + identifier

  private static let rules: [(String, ObjectKind, Int)] = [
    (#"^create table "# + qualified, .table, 2),
    (#"^drop table "# + qualified, .table, 2),
    (
      #"^alter table (?:only )?"# + qualified
        + #" (?:add|drop|alter) column (?:if (?:not )?exists )?"# + identifier, .column, 3
    ),
    (
      #"^alter table (?:only )?"# + qualified + #" (?:add|drop|validate) constraint "# + identifier,
      .constraint, 3
    ),
    (
      #"^alter table (?:only )?"# + qualified
        + #" (?:enable|disable|force|no force) row level security"#, .table, 2
    ),
    (#"^alter table (?:only )?"# + qualified + #" set (?:logged|unlogged)"#, .table, 2),
    (
      #"^alter table (?:only )?"# + qualified + #" (?:attach|detach) partition "# + qualified,
      .table, 4
    ),
    (#"^drop index (?:concurrently )?(?:if exists )?"# + qualified, .index, 2),
    (#"^create (?:unique )?index (?:concurrently )?(?:if not exists )?"# + identifier, .index, 1),
    (#"^create (?:or replace )?view "# + qualified, .view, 2),
    (#"^drop view (?:if exists )?"# + qualified, .view, 2),
    (#"^create materialized view "# + qualified, .materializedView, 2),
    (#"^drop materialized view (?:if exists )?"# + qualified, .materializedView, 2),
    (#"^create type "# + qualified, .type, 2),
    (#"^drop type "# + qualified, .type, 2),
    (#"^alter type "# + qualified + " rename to", .type, 2),
    (#"^create sequence "# + qualified, .sequence, 2),
    (#"^drop sequence (?:if exists )?"# + qualified, .sequence, 2),
    (#"^alter sequence "# + qualified, .sequence, 2),
    (#"^create extension (?:if not exists )?"# + identifier, .extension, 1),
    (#"^drop extension (?:if exists )?"# + identifier, .extension, 1),
    (#"^alter extension "# + identifier, .extension, 1),
    (#"^create schema (?:if not exists )?"# + identifier, .schema, 1),
    (#"^drop schema (?:if exists )?"# + identifier, .schema, 1),
    (#"^create (?:or replace )?(?:function|procedure) "# + qualified, .function, 2),
    (#"^drop (?:function|procedure) (?:if exists )?"# + qualified, .function, 2),
    (#"^create (?:constraint )?trigger "# + identifier, .trigger, 1),
    (#"^drop trigger (?:if exists )?"# + identifier, .trigger, 1),
    (#"^create policy "# + identifier, .policy, 1),
    (#"^drop policy (?:if exists )?"# + identifier, .policy, 1),
    (#"^alter policy "# + identifier, .policy, 1),
    (#"^(?:grant|revoke) .* on (?:table )?"# + qualified, .privilege, 2),
    (#"^create collation (?:if not exists )?"# + qualified, .collation, 2),
    (#"^drop collation (?:if exists )?"# + qualified, .collation, 2),
  ]

  static func parse(_ sql: String) -> [Object] {
    var objects: [Object] = []
    for rawLine in sql.split(whereSeparator: \.isNewline) {
      var line = rawLine.trimmingCharacters(in: .whitespaces)
      if line.hasPrefix("select 1; -- ") { line = String(line.dropFirst("select 1; -- ".count)) }
      for statement in line.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) {
        for (pattern, kind, group) in rules {
          guard let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]),
            let match = regex.firstMatch(
              in: statement, range: NSRange(statement.startIndex..., in: statement)),
            let range = Range(match.range(at: group), in: statement)
          else { continue }
          var name = String(statement[range])
          if name.hasPrefix("\"") {
            name = String(name.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
          }
          if !name.hasSuffix("__old_version_to_be_dropped") {
            objects.append(Object(kind: kind, name: name))
          }
          break
        }
      }
    }
    var seen = Set<Object>()
    return objects.filter { seen.insert($0).inserted }
  }
}
