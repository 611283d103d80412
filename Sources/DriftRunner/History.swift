import Foundation

/// Saved snapshots of earlier runs (`--save-snapshot DIR` writes `DIR/NAME/<time>.json`).
public enum History {
  /// The newest snapshot saved for `environment` under `directory`.
  public static func newest(in directory: String, for environment: String) throws(RunnerError)
    -> String
  {
    let folder = "\(directory)/\(environment)"
    let files: [String]
    do {
      files = try FileManager.default.contentsOfDirectory(atPath: folder)
    } catch {
      throw .snapshotFile("no saved snapshots for \(environment) in \(folder)")
    }
    guard let newest = files.filter({ $0.hasSuffix(".json") && !$0.hasPrefix(".") }).max() else {
      throw .snapshotFile("no saved snapshots for \(environment) in \(folder)")
    }
    return "\(folder)/\(newest)"
  }
}
