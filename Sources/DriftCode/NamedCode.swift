import DriftModel

/// The code given to a comparison, under the name the user gave it.
public struct NamedCode: Sendable, Hashable {
  /// The name, such as `code` in `code=./backend`.
  public var name: String
  /// The parsed migration files.
  public var files: MigrationCode

  /// Creates named code.
  public init(name: String, files: MigrationCode) {
    self.name = name
    self.files = files
  }

  /// What the comparison document records about it.
  public var status: CodeStatus {
    CodeStatus(
      name: name,
      source: files.source,
      migrations: files.migrations.count,
      apps: files.apps.count,
      problems: files.problems
    )
  }
}
