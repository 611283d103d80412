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

  /// An environment that was read.
  public init(snapshot: Snapshot) {
    self.name = snapshot.environment.name
    self.source = snapshot.environment.source
    self.snapshot = snapshot
    self.error = nil
  }

  /// An environment that could not be read.
  public init(name: String, source: String, error: String) {
    self.name = name
    self.source = source
    self.snapshot = nil
    self.error = error
  }
}
