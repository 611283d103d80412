import DriftCollect
import Foundation

/// Writes reports and snapshots atomically, and never over an existing file unless told to.
public enum OutputWriter {
  /// Writes `data` to `path` through a temporary file in the same directory and a rename.
  ///
  /// Without `force`, an existing file is left alone and the call throws.
  public static func write(_ data: Data, to path: String, force: Bool) throws(RunnerError) {
    try write(to: path, force: force) { write in
      try data.withUnsafeBytes { try write($0.bindMemory(to: UInt8.self)) }
    }
  }

  /// Writes what `produce` hands to its writer, chunk by chunk, to `path`, atomically.
  ///
  /// The chunks go to a temporary file in the same directory, renamed over `path` once all are
  /// written, so a failure half way leaves any earlier file intact. Without `force`, an
  /// existing file is left alone and the call throws.
  public static func write(
    to path: String,
    force: Bool,
    _ produce: (_ write: @escaping (UnsafeBufferPointer<UInt8>) throws -> Void) throws -> Void
  ) throws(RunnerError) {
    var target = path
    switch try existing(path, force: force) {
    case .file:
      // A symbolic link keeps pointing at the file it names, which is what gets replaced.
      if let resolved = realpath(path, nil) {
        target = String(cString: resolved)
        free(resolved)
      }
    case .device:
      // A device or a pipe (`/dev/null`, `/dev/stdout`, a FIFO) is written to as it is:
      // renaming a file over it would replace the device itself.
      try writeInPlace(to: path, produce)
      return
    case nil:
      break
    }
    let url = URL(fileURLWithPath: target)
    let directory = try requireDirectory(of: url, for: path)
    let temporary = directory.appendingPathComponent(
      ".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp"
    ).path
    do {
      let file = try OutputFile(path: temporary)
      try produce { try file.write($0) }
      try file.close()
    } catch {
      unlink(temporary)
      throw .outputFailed(path: path, reason: FileErrors.reason(error))
    }
    if rename(temporary, url.path) != 0 {
      let message = String(cString: strerror(errno))
      unlink(temporary)
      throw .outputFailed(path: path, reason: message.lowercased())
    }
  }
}

extension OutputWriter {
  /// Fails now if writing `path` later would fail for a reason known now: the file exists
  /// (without `force`), it is a directory, or its directory does not exist.
  ///
  /// Runs before any environment is read, so that a report or snapshot that cannot be written
  /// is said at once, not after minutes of reading; the write checks again.
  public static func preflight(_ path: String, force: Bool) throws(RunnerError) {
    guard path != "-" else { return }
    if try existing(path, force: force) == nil {
      _ = try requireDirectory(of: URL(fileURLWithPath: path), for: path)
    }
  }

  /// What already stands at `path` (`nil` for nothing).
  ///
  /// Throws for a directory, and for a file unless `force`.
  fileprivate static func existing(_ path: String, force: Bool) throws(RunnerError) -> Existing? {
    var status = stat()
    guard stat(path, &status) == 0 else { return nil }
    switch status.st_mode & S_IFMT {
    case S_IFREG:
      guard force else { throw .outputExists(path: path) }
      return .file
    case S_IFDIR:
      throw .outputFailed(path: path, reason: "it is a directory")
    default:
      return .device
    }
  }

  /// What stands at an output path.
  fileprivate enum Existing {
    /// A regular file, to be replaced.
    case file
    /// A device or a pipe, to be written to as it is.
    case device
  }

  /// The directory `url` is in; throws, naming `path`, when it does not exist.
  fileprivate static func requireDirectory(of url: URL, for path: String) throws(RunnerError)
    -> URL
  {
    let directory = url.deletingLastPathComponent()
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      throw .outputFailed(path: path, reason: "directory \(directory.path) does not exist")
    }
    return directory
  }

  /// Writes to an existing device or pipe, opened as it is (no creation, no truncation).
  fileprivate static func writeInPlace(
    to path: String,
    _ produce: (_ write: @escaping (UnsafeBufferPointer<UInt8>) throws -> Void) throws -> Void
  ) throws(RunnerError) {
    do {
      let file = try OutputFile(existing: path)
      try produce { try file.write($0) }
      try file.close()
    } catch {
      throw .outputFailed(path: path, reason: FileErrors.reason(error))
    }
  }
}

/// A file opened for writing (a new temporary one, or an existing device or pipe); closes its descriptor in `deinit` if ``close()`` was not called.
private final class OutputFile {
  private var descriptor: Int32

  /// Creates the file (mode 0644 before the umask); fails if it already exists.
  init(path: String) throws {
    descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
  }

  /// Opens an existing device or pipe for writing.
  init(existing path: String) throws {
    descriptor = open(path, O_WRONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
  }

  /// Writes all of `bytes`, retrying short writes and interruptions.
  func write(_ bytes: UnsafeBufferPointer<UInt8>) throws {
    guard var next = bytes.baseAddress else { return }
    var left = bytes.count
    while left > 0 {
      let written = Glibc.write(descriptor, next, left)
      if written < 0 {
        if errno == EINTR { continue }
        throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
      }
      next += written
      left -= written
    }
  }

  /// Closes the file, reporting a failed close (on some file systems, a failed write).
  func close() throws {
    let status = Glibc.close(descriptor)
    descriptor = -1
    if status != 0 { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
  }

  deinit {
    if descriptor >= 0 { _ = Glibc.close(descriptor) }
  }
}
