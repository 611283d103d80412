import Foundation

/// Runs a program to completion and collects what it wrote: the one way the tests start
/// `envdrift`, `psql`, `git`, `cmark-gfm` and the rest.
///
/// Standard input is written and standard error read on threads of their own while standard
/// output is read, so that no pipe filling up can leave the child and the test waiting on each
/// other.
public enum Subprocess {
  /// What a finished program left.
  public struct Result: Sendable {
    /// Its exit status (or the signal that ended it).
    public var status: Int32
    /// Its standard output, as UTF-8.
    public var output: String
    /// Its standard error, as UTF-8.
    public var error: String
  }

  /// Runs `executable` with `arguments`.
  ///
  /// - Parameters:
  ///   - environment: the child's environment; the test's own when `nil`.
  ///   - directory: its working directory; the test's own when `nil`.
  ///   - input: what it reads on standard input; none (`/dev/null`) when `nil`.
  ///   - killAfter: seconds after which a child still running is terminated, so that a hang
  ///     fails the test on its exit status instead of stalling the run.
  public static func run(
    _ executable: URL, _ arguments: [String], environment: [String: String]? = nil,
    directory: URL? = nil, input: String? = nil, killAfter: Double? = nil
  ) throws -> Result {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let environment { process.environment = environment }
    if let directory { process.currentDirectoryURL = directory }
    let output = Pipe()
    let error = Pipe()
    let standardInput = Pipe()
    process.standardOutput = output
    process.standardError = error
    process.standardInput = input == nil ? FileHandle.nullDevice : standardInput
    try process.run()
    if let input {
      let data = Data(input.utf8)
      Thread.detachNewThread {
        try? standardInput.fileHandleForWriting.write(contentsOf: data)
        try? standardInput.fileHandleForWriting.close()
      }
    }
    if let killAfter {
      DispatchQueue.global().asyncAfter(deadline: .now() + killAfter) { [process] in
        if process.isRunning { process.terminate() }
      }
    }
    let errorData = Collected()
    let errorRead = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
      errorData.data = error.fileHandleForReading.readDataToEndOfFile()
      errorRead.signal()
    }
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    errorRead.wait()
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus,
      output: String(decoding: outputData, as: UTF8.self),
      error: String(decoding: errorData.data, as: UTF8.self))
  }

  /// Runs a program found on `PATH`, as `/usr/bin/env` finds it.
  public static func run(
    _ program: String, _ arguments: [String], environment: [String: String]? = nil,
    directory: URL? = nil, input: String? = nil
  ) throws -> Result {
    try run(
      URL(fileURLWithPath: "/usr/bin/env"), [program] + arguments, environment: environment,
      directory: directory, input: input)
  }

  /// Bytes one thread writes and another reads after a semaphore says they are there.
  private final class Collected: @unchecked Sendable {
    var data = Data()
  }
}
