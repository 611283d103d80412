import DriftCollect
import Foundation

/// Writes reports and snapshots atomically, and never over an existing file unless told to.
public enum OutputWriter {
  /// Writes `text` to `path` through a temporary file in the same directory and a rename.
  ///
  /// Without `force`, an existing file is left alone and the call throws.
  public static func write(_ data: Data, to path: String, force: Bool) throws(RunnerError) {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent()
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      throw .outputFailed(path: path, reason: "directory \(directory.path) does not exist")
    }
    if FileManager.default.fileExists(atPath: path), !force {
      throw .outputExists(path: path)
    }
    let temporary = directory.appendingPathComponent(
      ".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp"
    )
    do {
      try data.write(to: temporary)
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw .outputFailed(path: path, reason: FileErrors.reason(error))
    }
    if rename(temporary.path, url.path) != 0 {
      let message = String(cString: strerror(errno))
      try? FileManager.default.removeItem(at: temporary)
      throw .outputFailed(path: path, reason: message.lowercased())
    }
  }
}
