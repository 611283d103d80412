import ArgumentParser
import CMalloc
import DriftRunner
import Foundation
import PostgresClient

/// Runs the command, turning every failure into one line on standard error and the contract's
/// exit code: 2 for usage, configuration and output errors.
@main
enum Main {
  static func main() async {
    limitMallocArenas()
    for argument in CommandLine.arguments.dropFirst() { SecretRegistry.shared.register(argument) }
    do {
      var command = try Envdrift.parseAsRoot()
      if var asyncCommand = command as? any AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
    } catch let exit as ExitCode {
      Foundation.exit(exit.rawValue)
    } catch let error as RunnerError {
      Output.error(error.description)
      Foundation.exit(RunOutcome.usage.rawValue)
    } catch {
      let code = Envdrift.exitCode(for: error)
      if code == .success {
        Envdrift.exit(withError: error)
      }
      let message =
        Envdrift.message(for: error)
        .split(whereSeparator: \.isNewline).first.map(String.init) ?? "invalid arguments"
      Output.error(message.replacingOccurrences(of: "Error: ", with: "") + " (see envdrift --help)")
      Foundation.exit(RunOutcome.usage.rawValue)
    }
  }

  /// Keeps glibc's allocator to two arenas instead of one per thread (up to eight per core).
  ///
  /// Snapshots are read on several threads and compared on every core; with an arena per
  /// thread, memory freed by one phase's threads cannot be reused by the next phase's, and a
  /// 1,000-tenant comparison's peak RSS grew by about 60 MB of such stranded free memory.
  private static func limitMallocArenas() {
    _ = mallopt(M_ARENA_MAX, 2)
  }
}
