import DriftCode
import DriftRunner
import Foundation
import Testing

@Suite("NAME=SOURCE arguments: environments and the code")
struct SourceListTests {
  @Test func eachSourceIsReadAsCodeASnapshotOrAConnectionString() throws {
    let directory = try CompareRequestTests.directory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("prod.snap")
    try Data().write(to: file)
    let cases: [(String, SourceArgument)] = [
      (
        "main=git:main:backend",
        .code(CodeSpec(name: "main", location: .git(ref: "main", path: "backend")))
      ),
      (
        "local=\(directory.path)",
        .code(CodeSpec(name: "local", location: .directory(directory.path)))
      ),
      (
        "dev=missing/dev.json",
        .environment(EnvironmentSpec(name: "dev", source: .snapshotFile("missing/dev.json")))
      ),
      (
        "prod=\(file.path)",
        .environment(EnvironmentSpec(name: "prod", source: .snapshotFile(file.path)))
      ),
      (
        "uat=host=db dbname=app",
        .environment(EnvironmentSpec(name: "uat", source: .database("host=db dbname=app")))
      ),
      (
        "qa=postgresql://qa/app",
        .environment(EnvironmentSpec(name: "qa", source: .database("postgresql://qa/app")))
      ),
    ]
    for (argument, expected) in cases {
      #expect(try SourceArgument(parsing: argument) == expected, "\(argument)")
    }
  }

  @Test func theCodeIsKeptApartButItsNameKeepsItsPlace() throws {
    let sources = try SourceList(parsing: ["dev=dev.json", "code=git:main:", "prod=prod.json"])
    #expect(sources.environments.map(\.name) == ["dev", "prod"])
    #expect(sources.code == CodeSpec(name: "code", location: .git(ref: "main", path: "")))
    #expect(sources.names == ["dev", "code", "prod"])
    try sources.require(minimum: 2)
  }

  @Test func aNameGivenTwiceOrASecondCodeIsRefused() {
    #expect(throws: RunnerError.duplicateName("dev")) {
      try SourceList(parsing: ["dev=dev.json", "dev=git:main:"])
    }
    #expect(throws: RunnerError.moreThanOneCode(["a", "b"])) {
      try SourceList(parsing: ["a=git:main:", "prod=prod.json", "b=git:next:"])
    }
    #expect(throws: RunnerError.malformedEnvironment("prod")) {
      try SourceList(parsing: ["prod"])
    }
  }

  @Test func tooFewSourcesOrOnlyCodeCannotBeCompared() throws {
    #expect(throws: RunnerError.tooFewEnvironments(needed: 2)) {
      try SourceList(parsing: ["dev=dev.json"]).require(minimum: 2)
    }
    #expect(throws: RunnerError.onlyCode) {
      try SourceList(parsing: ["code=git:main:"]).require(minimum: 1)
    }
    var sources = try SourceList(parsing: ["prod=prod.json"])
    #expect(throws: RunnerError.duplicateName("prod")) {
      try sources.prepend(EnvironmentSpec(name: "prod", source: .snapshotFile("old.json")))
    }
    try sources.prepend(EnvironmentSpec(name: "prod-previous", source: .snapshotFile("old.json")))
    #expect(sources.names == ["prod-previous", "prod"])
  }
}
