import Foundation

/// Opens the files a user names (snapshots, templates, configurations, migration code) so that
/// each is what it claims to be before a byte is read.
///
/// A FIFO with no writer would block `open` for ever and `/dev/zero` would never end, so files
/// are opened without blocking and must be regular files; a symbolic-link loop, a directory, a
/// device or a socket gets a one-line error instead of a hang or a Foundation error domain.
public enum InputFile {
  /// Opens `path` for reading; the caller closes the descriptor.
  ///
  /// - Parameters:
  ///   - what: how errors name the file, such as "snapshot file" or "template".
  ///   - limit: the largest size accepted, in bytes.
  public static func open(_ path: String, what: String, limit: Int) throws(InputFileError)
    -> Int32
  {
    let descriptor = Foundation.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
    guard descriptor >= 0 else {
      throw InputFileError(what: what, path: path, reason: reason(errno))
    }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      let code = errno
      close(descriptor)
      throw InputFileError(what: what, path: path, reason: reason(code))
    }
    guard status.st_mode & S_IFMT == S_IFREG else {
      close(descriptor)
      throw InputFileError(what: what, path: path, reason: describe(mode: status.st_mode))
    }
    guard status.st_size <= limit else {
      close(descriptor)
      throw InputFileError(
        what: what, path: path, reason: "it is larger than \(sizeText(limit)), the most accepted")
    }
    _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
    return descriptor
  }

  /// The whole contents of the regular file at `path`, at most `limit` bytes.
  public static func read(_ path: String, what: String, limit: Int) throws(InputFileError) -> Data {
    let descriptor = try open(path, what: what, limit: limit)
    defer { close(descriptor) }
    return try read(descriptor: descriptor, path: path, what: what, limit: limit)
  }

  /// The rest of `descriptor`'s contents, at most `limit` bytes (a file may grow while read).
  public static func read(descriptor: Int32, path: String, what: String, limit: Int)
    throws(InputFileError) -> Data
  {
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = buffer.withUnsafeMutableBytes {
        Foundation.read(descriptor, $0.baseAddress, $0.count)
      }
      if count < 0 {
        if errno == EINTR { continue }
        throw InputFileError(what: what, path: path, reason: reason(errno))
      }
      if count == 0 { return data }
      data.append(contentsOf: buffer[0..<count])
      if data.count > limit {
        throw InputFileError(
          what: what, path: path, reason: "it is larger than \(sizeText(limit)), the most accepted"
        )
      }
    }
  }

  /// The text of the regular file at `path`, which must be UTF-8.
  public static func text(_ path: String, what: String, limit: Int) throws(InputFileError)
    -> String
  {
    let data = try read(path, what: what, limit: limit)
    guard let text = String(data: data, encoding: .utf8) else {
      throw InputFileError(what: what, path: path, reason: "it is not UTF-8 text")
    }
    return text
  }

  /// Checks that `path` is a directory (following symbolic links).
  public static func requireDirectory(_ path: String, what: String) throws(InputFileError) {
    var status = stat()
    guard stat(path, &status) == 0 else {
      throw InputFileError(what: what, path: path, reason: reason(errno))
    }
    guard status.st_mode & S_IFMT == S_IFDIR else {
      throw InputFileError(
        what: what, path: path,
        reason: describe(mode: status.st_mode).replacingOccurrences(
          of: "not a regular file", with: "not a directory"))
    }
  }

  /// What a file of `mode` is, for a file that had to be a regular one.
  static func describe(mode: mode_t) -> String {
    switch mode & S_IFMT {
    case S_IFDIR: "it is a directory, not a regular file"
    case S_IFIFO: "it is a named pipe (FIFO), not a regular file"
    case S_IFCHR, S_IFBLK: "it is a device, not a regular file"
    case S_IFSOCK: "it is a socket, not a regular file"
    case S_IFREG: "it is a regular file, not a directory"
    default: "it is not a regular file"
    }
  }

  /// The system's reason for `code`, in lower case: `no such file or directory`.
  public static func reason(_ code: Int32) -> String {
    String(cString: strerror(code)).lowercased()
  }

  private static func sizeText(_ bytes: Int) -> String {
    bytes >= 1 << 30 ? "\(bytes >> 30) GiB" : "\(bytes >> 20) MiB"
  }
}

/// A file named on the command line or in a configuration that cannot be used.
public struct InputFileError: Error, CustomStringConvertible, Sendable, Equatable {
  /// How the file is named: "snapshot file", "template", "configuration file".
  public var what: String
  /// The path as given.
  public var path: String
  /// Why it cannot be used, as a clause: "it is a directory, not a regular file".
  public var reason: String

  /// Creates an error about the file at `path`, named as `what`, unusable for `reason`.
  public init(what: String, path: String, reason: String) {
    self.what = what
    self.path = path
    self.reason = reason
  }

  /// A sentence the user can act on.
  public var description: String { "cannot read \(what) \(path): \(reason)" }
}
