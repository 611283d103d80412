import DriftCode
import DriftModel
import Foundation
import TestSupport
import Testing

@Suite("Reading Django migration files")
struct MigrationFileTests {
  static let project = TestFixtures.repositoryRoot
    .appendingPathComponent("Tests/Fixtures/django-project/backend")

  static func write(_ files: [String: String]) throws -> URL {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent(
      "envdrift-code-\(UUID())")
    for (path, text) in files {
      let url = root.appendingPathComponent(path)
      try FileManager.default.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(text.utf8).write(to: url)
    }
    return root
  }

  static func migration(_ body: String) -> String {
    "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n"
      + body
  }

  @Test func everyMigrationOfTheFixtureProjectIsReadWithItsAppLabel() throws {
    let code = try MigrationCodeReader.read(.directory(Self.project.path))
    #expect(code.problems.isEmpty)
    #expect(
      code.migrations.map(\.key.description) == [
        "finance.0001_initial", "finance.0002_invoice_due", "finance.0003_remove_invoice_legacy",
        "tenants.0001_initial", "tenants.0002_client_paid_until", "tenants.0003_client_domain",
        "tenants.0004_rename_tenants_ten_domain_6df599_idx_tenants_ten_domain_f3abe6_idx",
      ])
    let finance = try #require(
      code.migrations.first { $0.name == "0001_initial" && $0.app == "finance" })
    #expect(finance.file == "apps/billing/migrations/0001_initial.py")
    #expect(finance.dependencies == [MigrationKey(app: "tenants", name: "0001_initial")])
  }

  @Test func operationsKeepTheNamesAndTablesAPreflightCheckNeeds() throws {
    let code = try MigrationCodeReader.read(.directory(Self.project.path))
    func operations(_ app: String, _ prefix: String) throws -> [MigrationOperation] {
      try #require(code.migrations.first { $0.app == app && $0.name.hasPrefix(prefix) }).operations
    }
    let initial = try operations("tenants", "0001")
    #expect(initial.map(\.kind) == [.createModel, .createModel])
    #expect(initial[0].model == "client" && initial[0].table == "tenants_client")
    #expect(initial[1].indexes == ["tenants_ten_domain_6df599_idx"])
    #expect(
      initial[1].fields.map(\.column) == ["id", "domain", "tenant_id"],
      "a ForeignKey is stored in <name>_id")

    let rename = try #require(try operations("tenants", "0004").first)
    #expect(rename.kind == .renameIndex)
    #expect(rename.model == "tenantdomain")
    #expect(rename.oldName == "tenants_ten_domain_6df599_idx")
    #expect(rename.newName == "tenants_ten_domain_f3abe6_idx")

    let separate = try operations("tenants", "0003")
    #expect(separate.map(\.kind) == [.runSQL, .runSQL, .createModel])
    #expect(separate[0].touchesDatabase && !separate[0].changesState)
    #expect(
      separate[0].sql.first?.contains("CREATE TABLE IF NOT EXISTS tenants_domain") == true,
      "a RunSQL naming a module constant reads the constant")
    #expect(separate[1].sql.first?.hasPrefix("CREATE INDEX IF NOT EXISTS") == true)
    #expect(!separate[2].touchesDatabase && separate[2].changesState)

    let due = try operations("finance", "0002")
    #expect(due.map(\.kind) == [.addField, .addIndex, .addConstraint])
    #expect(due[1].name == "finance_inv_due_idx")
    #expect(due[2].name == "finance_invoice_number_uniq" && due[2].constraintHasIndex)
    #expect(
      try operations("finance", "0003").map(\.kind) == [.runPython, .removeIndex, .removeField])
  }

  @Test func pythonLiteralsAreReadTheWayPythonReadsThem() throws {
    let root = try Self.write([
      "shop/migrations/0001_initial.py": Self.migration(
        """
            dependencies = [('auth', '0012_alter_user_first_name_max_length'),
                            migrations.swappable_dependency(settings.AUTH_USER_MODEL)]  # a comment
            operations = [
                migrations.RunSQL(
                    sql=[(r"CREATE TABLE IF NOT EXISTS \\"odd\\" (x int)", None), '''
                        CREATE INDEX IF NOT EXISTS odd_x ON "odd" (x)'''],
                ),
                migrations.AlterModelOptions(name='Order', options={'ordering': ['-id'], **extra}),
                migrations.CreateModel(
                    name='Order',
                    fields=[('id', models.AutoField(primary_key=True)),
                            ('customer', models.ForeignKey(on_delete=lambda x: x, to='auth.user', db_column='cust')),
                            ('tags', models.ManyToManyField(to='shop.tag'))],
                    options={'db_table': 'shop_' 'orders', 'unique_together': {('id', 'customer')}},
                ),
            ]
        """)
    ])
    defer { try? FileManager.default.removeItem(at: root) }
    let code = try MigrationCodeReader.read(.directory(root.path))
    let migration = try #require(code.migrations.first)
    #expect(
      migration.dependencies == [
        MigrationKey(app: "auth", name: "0012_alter_user_first_name_max_length")
      ])
    let operations = migration.operations
    #expect(operations.map(\.kind) == [.runSQL, .other, .createModel])
    #expect(operations[0].sql.first == #"CREATE TABLE IF NOT EXISTS \"odd\" (x int)"#)
    #expect(operations[0].sql.last?.contains("odd_x") == true)
    #expect(operations[1].operationName == "AlterModelOptions")
    #expect(operations[2].table == "shop_orders")
    #expect(operations[2].fields.map(\.column) == ["id", "cust", nil])
  }

  @Test func aFileThatCannotBeParsedIsReportedAndTheRestAreStillRead() throws {
    let root = try Self.write([
      "shop/migrations/0001_initial.py": Self.migration("    operations = []\n"),
      "shop/migrations/0002_broken.py": Self.migration(
        "    operations = [migrations.RunSQL('oops\n"),
      "shop/migrations/0003_not_a_migration.py": "VALUE = 1\n",
      "shop/migrations/__init__.py": "",
      "shop/migrations/_helpers.py": "x = 1\n",
      ".venv/lib/site-packages/other/migrations/0001_initial.py": Self.migration(
        "    operations = []\n"),
    ])
    defer { try? FileManager.default.removeItem(at: root) }
    let code = try MigrationCodeReader.read(.directory(root.path))
    #expect(code.migrations.map(\.key.description) == ["shop.0001_initial"])
    #expect(
      code.problems == [
        CodeProblem(
          file: "shop/migrations/0002_broken.py", reason: "line 5: a string is never closed"),
        CodeProblem(
          file: "shop/migrations/0003_not_a_migration.py",
          reason: "line 1: the file defines no Migration class"),
      ])
  }

  @Test func bracketsNestedTensOfThousandsDeepAreReportedNotACrash() throws {
    let deep = 50_000
    let shallow = 98  // just under the limit of 100, counting the list around it
    let root = try Self.write([
      "shop/migrations/0001_initial.py": Self.migration(
        "    dependencies = []\n    operations = ["
          + String(repeating: "[", count: shallow) + String(repeating: "]", count: shallow)
          + "]\n"),
      "shop/migrations/0002_deep.py": Self.migration(
        "    dependencies = [('shop', '0001_initial')]\n\n    operations = "
          + String(repeating: "(", count: deep) + String(repeating: ")", count: deep) + "\n"),
      "shop/migrations/0003_fifo.py": "",
    ])
    defer { try? FileManager.default.removeItem(at: root) }
    let fifo = root.appendingPathComponent("shop/migrations/0003_fifo.py").path
    try FileManager.default.removeItem(atPath: fifo)
    #expect(mkfifo(fifo, 0o600) == 0)
    let code = try MigrationCodeReader.read(.directory(root.path))
    #expect(code.migrations.map(\.key.description) == ["shop.0001_initial"])
    #expect(
      code.problems == [
        CodeProblem(
          file: "shop/migrations/0002_deep.py",
          reason: "line 7: brackets are nested more than 100 levels deep"),
        CodeProblem(file: "shop/migrations/0003_fifo.py", reason: "the file could not be read"),
      ])
  }

  @Test func aDirectoryWithoutMigrationsIsAClearError() throws {
    let root = try Self.write(["app/models.py": "x = 1\n"])
    defer { try? FileManager.default.removeItem(at: root) }
    #expect(throws: CodeReadError.noMigrations(root.path)) {
      try MigrationCodeReader.read(.directory(root.path))
    }
    #expect(throws: CodeReadError.notADirectory("/nonexistent/envdrift")) {
      try MigrationCodeReader.read(.directory("/nonexistent/envdrift"))
    }
    #expect(
      CodeReadError.noMigrations("./x").description
        == "no Django migration files (<app>/migrations/NNNN_*.py) were found in ./x; give the"
        + " folder that holds your Django apps")
  }

  @Test func gitSourcesAreParsedFromTheirSpecification() {
    #expect(CodeLocation(gitSpec: "git:main:backend") == .git(ref: "main", path: "backend"))
    #expect(CodeLocation(gitSpec: "git:v1.2") == .git(ref: "v1.2", path: ""))
    #expect(CodeLocation(gitSpec: "git::backend") == nil)
    #expect(CodeLocation(gitSpec: "./backend") == nil)
  }

  @Test func aGitRefIsReadAsCommittedNotAsInTheWorkingTree() throws {
    let repository = FileManager.default.temporaryDirectory.appendingPathComponent(
      "envdrift-git-\(UUID())")
    defer { try? FileManager.default.removeItem(at: repository) }
    try FileManager.default.createDirectory(at: repository, withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      at: Self.project, to: repository.appendingPathComponent("backend"))
    func git(_ arguments: String...) throws {
      let result = try Subprocess.run(
        "git", ["-c", "user.name=envdrift", "-c", "user.email=envdrift@example.com"] + arguments,
        directory: repository)
      try #require(result.status == 0, "git \(arguments.joined(separator: " ")): \(result.error)")
    }
    try git("init", "-q", "-b", "main")
    try git("add", ".")
    try git("commit", "-q", "-m", "migrations")
    try FileManager.default.removeItem(
      at: repository.appendingPathComponent(
        "backend/apps/billing/migrations/0003_remove_invoice_legacy.py"))

    let committed = try MigrationCodeReader.read(
      .git(ref: "main", path: "backend"), workingDirectory: repository.path)
    let onDisk = try MigrationCodeReader.read(
      .directory("backend"), workingDirectory: repository.path)
    #expect(committed.migrations.count == 7)
    #expect(onDisk.migrations.count == 6)
    #expect(committed.source == "git:main:backend")
    #expect(
      committed.migrations.first { $0.app == "finance" }?.file
        == "apps/billing/migrations/0001_initial.py")
    #expect(
      committed.migrations.map(\.operations)
        == (try MigrationCodeReader.read(.directory(Self.project.path))).migrations.map(
          \.operations))
    #expect(throws: CodeReadError.self) {
      try MigrationCodeReader.read(
        .git(ref: "no-such-branch", path: "backend"), workingDirectory: repository.path)
    }
  }
}
