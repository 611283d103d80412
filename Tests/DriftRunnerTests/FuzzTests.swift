import DriftCollect
import DriftRunner
import Foundation
import TestSupport
import Testing

/// Random damage to a valid file: flipped bytes, cut, repeated or inserted runs, truncation.
enum Mutator {
  static let interesting: [[UInt8]] = [
    Array("null".utf8), Array("[]".utf8), Array("{}".utf8), Array("-1".utf8), Array("1e999".utf8),
    Array("\"\\u0000\"".utf8), Array("\t".utf8), Array(": [".utf8), Array("&a *a".utf8),
    Array("!!binary".utf8), [0xFF, 0xFE], [0xC3], Array("formatVersion".utf8),
  ]

  static func mutate(_ input: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
    var bytes = input
    for _ in 0..<Int.random(in: 1...4, using: &random) where !bytes.isEmpty {
      let position = Int.random(in: 0..<bytes.count, using: &random)
      switch Int.random(in: 0..<6, using: &random) {
      case 0: bytes[position] ^= UInt8.random(in: 1...255, using: &random)
      case 1:
        bytes.removeSubrange(
          position..<min(bytes.count, position + Int.random(in: 1...64, using: &random)))
      case 2:
        bytes.insert(contentsOf: interesting.randomElement(using: &random) ?? [], at: position)
      case 3: bytes = Array(bytes.prefix(position))
      case 4:
        let end = min(bytes.count, position + Int.random(in: 1...200, using: &random))
        bytes.insert(contentsOf: bytes[position..<end], at: end)
      default: bytes[position] = UInt8.random(in: 0...127, using: &random)
      }
    }
    return bytes
  }

  /// How many mutations each reader gets: `ENVDRIFT_FUZZ_ITERATIONS`, else a quick default.
  static var iterations: Int {
    ProcessInfo.processInfo.environment["ENVDRIFT_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 1_500
  }
}

@Suite("Fuzzing the file readers")
struct FuzzTests {
  @Test func damagedSnapshotFilesAreRejectedNeverCrash() throws {
    let file = TestFixtures.repositoryRoot.appendingPathComponent(
      "Tests/DriftReportTests/Golden/uat.snapshot.json")
    let valid = Array(try Data(contentsOf: file))
    var random = SplitMix64(state: 0x5EED_0001)
    var accepted = 0
    for _ in 0..<Mutator.iterations {
      let damaged = Mutator.mutate(valid, &random)
      if let fast = SnapshotFile.fastDecode(Data(damaged)) {
        // Whatever the streaming reader accepts, JSONDecoder accepts as the same snapshot.
        #expect(fast == (try? SnapshotFile.decodeWithFoundation(Data(damaged), path: "fuzz.json")))
      }
      do {
        _ = try SnapshotFile.decode(Data(damaged), path: "fuzz.json")
        accepted += 1
      } catch {
        #expect(!error.description.isEmpty)
        #expect(!error.description.contains("\n"))
      }
    }
    #expect(accepted < Mutator.iterations, "no mutation was ever rejected: the mutator is broken")
  }

  @Test func damagedConfigurationsAreRejectedNeverCrash() throws {
    let valid = Array((Configuration.example + "\n").utf8)
    var random = SplitMix64(state: 0x5EED_0002)
    var rejected = 0
    for _ in 0..<Mutator.iterations {
      let damaged = Mutator.mutate(valid, &random)
      do {
        _ = try Configuration.parse(
          String(decoding: damaged, as: UTF8.self),
          path: "fuzz.yml",
          environment: ["PROD_DATABASE_URL": "service=prod"]
        )
      } catch {
        rejected += 1
        #expect(error.description.hasPrefix("fuzz.yml"))
      }
    }
    #expect(rejected > 0, "no mutation was ever rejected: the mutator is broken")
  }
}
