import DriftModel
import Foundation
import SnapshotFormat
import UserFiles

/// Reads and writes snapshot files: versioned, deterministic JSON that diffs cleanly in git.
public enum SnapshotFile {
  /// Encodes `snapshot` as pretty JSON with sorted keys and a final newline.
  public static func encode(_ snapshot: Snapshot) throws -> Data {
    var data = Data()
    try SnapshotFormat.encode(snapshot) { data.append($0) }
    return data
  }

  /// Encodes `snapshot` as ``encode(_:)`` does, handing the bytes to `sink` a chunk at a time.
  ///
  /// A large snapshot is written this way without ever being held in memory whole; the first
  /// error `sink` throws ends the encoding and is rethrown.
  public static func encode(
    _ snapshot: Snapshot,
    into sink: @escaping (UnsafeBufferPointer<UInt8>) throws -> Void
  ) throws {
    try SnapshotFormat.encode(snapshot, into: sink)
  }

  /// Decodes a snapshot file's contents; `path` only names the file in errors.
  public static func decode(_ data: Data, path: String) throws(SnapshotFileError) -> Snapshot {
    if let snapshot = fastDecode(data) { return snapshot }
    return try decodeWithFoundation(data, path: path)
  }

  /// Decodes with the streaming reader alone; `nil` where it leaves the file to `JSONDecoder`.
  ///
  /// ``decode(_:path:)`` tries this first. Public so that tests can hold it to `JSONDecoder`'s
  /// results (``decodeWithFoundation(_:path:)``) and see that it does the work on real files.
  public static func fastDecode(_ data: Data) -> Snapshot? {
    SnapshotFormat.decode(bytes: Array(data)).flatMap(finish)
  }

  /// A snapshot read by ``SnapshotFormat``, sorted and with equal arrays shared; `nil` when
  /// its format version is not one this envdrift reads, for `JSONDecoder` to report.
  private static func finish(_ snapshot: Snapshot) -> Snapshot? {
    guard (1...Snapshot.currentFormatVersion).contains(snapshot.formatVersion) else {
      return nil
    }
    var snapshot = snapshot
    snapshot.sort()
    snapshot.shareEqualArrays()
    return snapshot
  }

  /// Decodes with `JSONDecoder` alone, whose errors say what is wrong with a file; the fast
  /// reader falls back to it for anything it is not sure of.
  public static func decodeWithFoundation(_ data: Data, path: String) throws(SnapshotFileError)
    -> Snapshot
  {
    struct Header: Decodable {
      var formatVersion: Int?
    }
    let header: Header
    do {
      header = try JSONDecoder().decode(Header.self, from: data)
    } catch {
      throw .notJSON(path: path)
    }
    guard let version = header.formatVersion else {
      throw .notASnapshot(path: path, reason: "it has no formatVersion")
    }
    guard (1...Snapshot.currentFormatVersion).contains(version) else {
      throw .unsupportedVersion(path: path, version: version)
    }
    do {
      var snapshot = try JSONDecoder().decode(Snapshot.self, from: data)
      snapshot.sort()
      snapshot.shareEqualArrays()
      return snapshot
    } catch let error as DecodingError {
      throw .notASnapshot(path: path, reason: describe(error))
    } catch {
      throw .notASnapshot(path: path, reason: "\(error)")
    }
  }

  /// The largest snapshot file read: a 1,000-tenant database's is about 200 MB.
  public static let maximumSize = 8 << 30

  /// Reads the snapshot file at `path`, which must be a regular file.
  ///
  /// The file is streamed through ``SnapshotFormat`` a mebibyte at a time; if that reader
  /// gives up, the file is read whole and decoded by `JSONDecoder`, which explains any problem.
  public static func read(path: String) throws(SnapshotFileError) -> Snapshot {
    let descriptor: Int32
    do {
      descriptor = try InputFile.open(path, what: "snapshot file", limit: maximumSize)
    } catch {
      throw .unreadable(path: path, reason: error.reason)
    }
    defer { close(descriptor) }
    if let snapshot = SnapshotFormat.decode(descriptor: descriptor), let finished = finish(snapshot)
    {
      return finished
    }
    let data: Data
    do throws(InputFileError) {
      guard lseek(descriptor, 0, SEEK_SET) == 0 else {
        throw InputFileError(
          what: "snapshot file", path: path, reason: InputFile.reason(errno))
      }
      data = try InputFile.read(
        descriptor: descriptor, path: path, what: "snapshot file", limit: maximumSize)
    } catch {
      throw .unreadable(path: path, reason: error.reason)
    }
    return try decodeWithFoundation(data, path: path)
  }

  private static func describe(_ error: DecodingError) -> String {
    func path(_ context: DecodingError.Context) -> String {
      let keys = context.codingPath.map { key in
        key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)"
      }
      .joined()
      return keys.isEmpty ? "the top level" : String(keys.drop { $0 == "." })
    }
    switch error {
    case .keyNotFound(let key, let context):
      return "\(path(context)) lacks the key \"\(key.stringValue)\""
    case .typeMismatch(_, let context), .valueNotFound(_, let context):
      return "\(path(context)) has the wrong type"
    case .dataCorrupted(let context):
      return "\(path(context)) is invalid: \(context.debugDescription)"
    @unknown default:
      return "it does not match the snapshot format"
    }
  }
}

/// Why a snapshot file could not be used.
public enum SnapshotFileError: Error, CustomStringConvertible, Sendable, Equatable {
  /// The file could not be read.
  case unreadable(path: String, reason: String)
  /// The file is not JSON (or is truncated).
  case notJSON(path: String)
  /// The file is JSON but not a snapshot.
  case notASnapshot(path: String, reason: String)
  /// The file was written by a newer envdrift.
  case unsupportedVersion(path: String, version: Int)

  /// A sentence the user can act on.
  public var description: String {
    switch self {
    case .unreadable(let path, let reason):
      "cannot read snapshot file \(path): \(reason)"
    case .notJSON(let path):
      "snapshot file \(path) is not valid JSON (is it truncated?)"
    case .notASnapshot(let path, let reason):
      "\(path) is not an envdrift snapshot: \(reason)"
    case .unsupportedVersion(let path, let version) where version > Snapshot.currentFormatVersion:
      "snapshot file \(path) has format version \(version), but this envdrift reads up to "
        + "version \(Snapshot.currentFormatVersion); upgrade envdrift to read it"
    case .unsupportedVersion(let path, let version):
      "snapshot file \(path) has format version \(version), which no envdrift writes: this"
        + " envdrift reads versions 1 to \(Snapshot.currentFormatVersion)"
    }
  }
}

/// Turns Foundation file errors into short reasons.
public enum FileErrors {
  /// A short, lower-case reason for a failed read or write: `no such file or directory`.
  public static func reason(_ error: any Error) -> String {
    if let posix = error as? POSIXError {
      return String(cString: strerror(posix.code.rawValue)).lowercased()
    }
    let nsError = error as NSError
    if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError,
      underlying.domain == NSPOSIXErrorDomain,
      let code = POSIXErrorCode(rawValue: Int32(underlying.code))
    {
      return String(cString: strerror(code.rawValue)).lowercased()
    }
    switch nsError.code {
    case NSFileReadNoSuchFileError, NSFileNoSuchFileError: return "no such file or directory"
    case NSFileReadNoPermissionError, NSFileWriteNoPermissionError: return "permission denied"
    default: return nsError.localizedDescription
    }
  }
}
