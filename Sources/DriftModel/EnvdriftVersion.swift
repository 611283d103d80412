/// The version of envdrift, written into every snapshot and report.
public enum EnvdriftVersion {
  /// The current version.
  public static let current = "0.1.0"
}
