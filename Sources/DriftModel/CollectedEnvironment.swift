/// One environment as the comparison receives it: a snapshot, or the reason there is none.
public struct CollectedEnvironment: Sendable, Hashable {
  /// The environment's name.
  public var name: String
  /// The source with any password removed.
  public var source: String
  /// The snapshot, when the environment could be read.
  public var snapshot: Snapshot?
  /// Why it could not be read, when it could not.
  public var error: String?
  /// Whether it could not be read because DDL kept committing while it was (see
  /// ``EnvironmentStatus/Status/changing``), rather than because it could not be reached.
  public var changing: Bool

  /// An environment that was read.
  public init(snapshot: Snapshot) {
    self.name = snapshot.environment.name
    self.source = snapshot.environment.source
    self.snapshot = snapshot
    self.error = nil
    self.changing = false
  }

  /// An environment that could not be read.
  public init(name: String, source: String, error: String, changing: Bool = false) {
    self.name = name
    self.source = source
    self.snapshot = nil
    self.error = error
    self.changing = changing
  }
}
