import DriftModel
import Foundation
import UserFiles

/// Where a project's migration files are read from.
public enum CodeLocation: Sendable, Hashable, CustomStringConvertible {
  /// A directory on disk.
  case directory(String)
  /// A folder at a git ref of the repository in the current directory: `git:REF:path`.
  case git(ref: String, path: String)

  /// Parses `git:REF:path` (path optional); `nil` for anything else.
  public init?(gitSpec: String) {
    guard gitSpec.hasPrefix("git:") else { return nil }
    let rest = gitSpec.dropFirst(4)
    guard let colon = rest.firstIndex(of: ":") else {
      guard !rest.isEmpty else { return nil }
      self = .git(ref: String(rest), path: "")
      return
    }
    let ref = String(rest[..<colon])
    guard !ref.isEmpty else { return nil }
    self = .git(ref: ref, path: String(rest[rest.index(after: colon)...]))
  }

  /// Parses a code source as written after `code:` or `verify`: `git:REF:path`, else a directory.
  public init(_ text: String) {
    self = CodeLocation(gitSpec: text) ?? .directory(text)
  }

  /// The location as the user writes it.
  public var description: String {
    switch self {
    case .directory(let path): path
    case .git(let ref, let path): "git:\(ref):\(path)"
    }
  }
}

/// Why the code could not be read at all (single files that fail are ``CodeProblem``s instead).
public enum CodeReadError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The directory does not exist or is not a directory.
  case notADirectory(String)
  /// Nothing that looks like `<app>/migrations/NNNN_*.py` was found.
  case noMigrations(String)
  /// `git` failed; the reason is its first line of error output.
  case git(location: String, reason: String)

  /// One line a user can act on.
  public var description: String {
    switch self {
    case .notADirectory(let path):
      "the code source \(path) is not a directory; give the folder that holds your Django apps"
    case .noMigrations(let location):
      "no Django migration files (<app>/migrations/NNNN_*.py) were found in \(location);"
        + " give the folder that holds your Django apps"
    case .git(let location, let reason):
      "git could not read \(location): \(reason)"
    }
  }
}

/// Reads every Django migration file of a project into ``MigrationCode``.
public enum MigrationCodeReader {
  /// Folders never searched: virtual environments, caches, version control, dependencies.
  static let skippedFolders: Set<String> = [
    ".git", ".hg", ".svn", "__pycache__", "node_modules", "site-packages", "venv", ".venv",
    ".tox", ".mypy_cache", ".pytest_cache", "dist-packages",
  ]

  /// Reads the migrations at `location`.
  ///
  /// - Parameter workingDirectory: where relative directories and `git` are resolved from;
  ///   `nil` is the process's current directory.
  public static func read(
    _ location: CodeLocation,
    workingDirectory: String? = nil
  ) throws(CodeReadError) -> MigrationCode {
    let files: any SourceFiles
    switch location {
    case .directory(let path):
      let root =
        path.hasPrefix("/") || workingDirectory == nil ? path : "\(workingDirectory ?? "")/\(path)"
      files = try DirectoryFiles(root: root, shownAs: path)
    case .git(let ref, let path):
      files = try GitFiles(
        ref: ref, path: path, location: location.description, workingDirectory: workingDirectory)
    }
    return try read(files, source: location.description)
  }

  /// The largest migration file read, in bytes; Django's largest are a few hundred kilobytes.
  static let maximumFileSize = 16 << 20

  static func read(_ files: any SourceFiles, source: String) throws(CodeReadError) -> MigrationCode
  {
    let migrationFiles = files.paths.filter(isMigrationFile).sorted()
    guard !migrationFiles.isEmpty else { throw .noMigrations(source) }
    let appFolders = Set(migrationFiles.map(appFolder))
    let contents = try files.contents(of: migrationFiles + appFolders.map { $0 + "/apps.py" })
    var labels: [String: String] = [:]
    for folder in appFolders {
      let fallback = String(folder.split(separator: "/").last ?? Substring(folder))
      labels[folder] = contents[folder + "/apps.py"].flatMap(appLabel) ?? fallback
    }
    var migrations: [CodeMigration] = []
    var problems: [CodeProblem] = []
    for path in migrationFiles {
      let file = String(path.split(separator: "/").last ?? "")
      let name = String(file.dropLast(3))
      guard let text = contents[path] else {
        problems.append(CodeProblem(file: path, reason: "the file could not be read"))
        continue
      }
      do {
        migrations.append(
          try MigrationFileParser.parse(
            text, app: labels[appFolder(path)] ?? "", name: name, file: path))
      } catch {
        problems.append(CodeProblem(file: path, reason: "line \(error.line): \(error.message)"))
      }
    }
    return MigrationCode(source: source, migrations: migrations, problems: problems)
  }

  /// `…/<app>/migrations/<name>.py`, where Django would load `<name>` as a migration.
  static func isMigrationFile(_ path: String) -> Bool {
    let parts = path.split(separator: "/")
    guard parts.count >= 3, parts[parts.count - 2] == "migrations",
      let file = parts.last, file.hasSuffix(".py"), file.count > 3,
      let first = file.first, first != "_", first != "~", first != "."
    else { return false }
    return !parts.contains { skippedFolders.contains(String($0)) }
  }

  private static func appFolder(_ path: String) -> String {
    path.split(separator: "/").dropLast(2).joined(separator: "/")
  }

  /// The `label = "…"` of an AppConfig in `apps.py`, when it sets one.
  static func appLabel(_ source: String) -> String? {
    guard let tokens = try? PythonLexer.tokens(of: source) else { return nil }
    for index in tokens.indices.dropLast(2)
    where tokens[index] == .name("label") && tokens[index + 1] == .symbol("=") {
      if case .string(let label) = tokens[index + 2] { return label }
    }
    return nil
  }
}

/// A tree of files, listed and read in bulk.
protocol SourceFiles {
  /// Every file's path, relative to the root, with `/` separators.
  var paths: [String] { get }
  /// The text of each of `paths` that exists.
  func contents(of paths: [String]) throws(CodeReadError) -> [String: String]
}

/// Files in a directory on disk.
struct DirectoryFiles: SourceFiles {
  let root: String
  let paths: [String]

  init(root: String, shownAs: String) throws(CodeReadError) {
    do throws(InputFileError) {
      try InputFile.requireDirectory(root, what: "code directory")
    } catch {
      throw .notADirectory(shownAs)
    }
    self.root = root
    var found: [String] = []
    let base = URL(fileURLWithPath: root)
    if let walker = FileManager.default.enumerator(
      at: base,
      includingPropertiesForKeys: [.isDirectoryKey],
      options: [.skipsPackageDescendants]
    ) {
      let prefix = base.standardizedFileURL.path
      for case let url as URL in walker {
        let name = url.lastPathComponent
        let isFolder = (try? url.resourceValues(forKeys: [.isDirectoryKey]))?.isDirectory ?? false
        if isFolder {
          if MigrationCodeReader.skippedFolders.contains(name) { walker.skipDescendants() }
          continue
        }
        guard name.hasSuffix(".py") else { continue }
        var relative = String(url.standardizedFileURL.path.dropFirst(prefix.count))
        while relative.hasPrefix("/") { relative.removeFirst() }
        found.append(relative)
      }
    }
    paths = found
  }

  func contents(of paths: [String]) throws(CodeReadError) -> [String: String] {
    var result: [String: String] = [:]
    for path in paths {
      if let data = try? InputFile.read(
        root + "/" + path, what: "migration file", limit: MigrationCodeReader.maximumFileSize)
      {
        result[path] = String(decoding: data, as: UTF8.self)
      }
    }
    return result
  }
}

/// Files at a git ref, read with `git ls-tree` and one `git cat-file --batch`.
struct GitFiles: SourceFiles {
  let ref: String
  let folder: String
  let location: String
  let workingDirectory: String?
  let paths: [String]

  init(ref: String, path: String, location: String, workingDirectory: String?)
    throws(CodeReadError)
  {
    // A ref is handed to git as an argument and written into `cat-file --batch` lines: one that
    // starts like an option or holds a line break or space could make git do something else.
    guard !ref.isEmpty, !ref.hasPrefix("-"),
      !ref.unicodeScalars.contains(where: { VisibleText.isHidden($0) || $0 == " " })
    else {
      throw .git(
        location: location,
        reason: "\(TerminalText.value(ref)) is not a git ref (a branch, tag or commit name)")
    }
    self.ref = ref
    self.location = location
    self.workingDirectory = workingDirectory
    var folder = path
    while folder.hasPrefix("./") { folder.removeFirst(2) }
    while folder.hasSuffix("/") { folder.removeLast() }
    self.folder = folder
    let listing = try Self.git(
      [
        "ls-tree", "-r", "-z", "--full-tree", "--name-only", ref, "--",
        folder.isEmpty ? "." : folder,
      ],
      input: nil,
      location: location,
      workingDirectory: workingDirectory
    )
    let prefix = folder.isEmpty ? "" : folder + "/"
    paths = String(decoding: listing, as: UTF8.self).split(separator: "\0").compactMap { entry in
      guard entry.hasPrefix(prefix), entry.hasSuffix(".py") else { return nil }
      return String(entry.dropFirst(prefix.count))
    }
  }

  func contents(of paths: [String]) throws(CodeReadError) -> [String: String] {
    guard !paths.isEmpty else { return [:] }
    let prefix = folder.isEmpty ? "" : folder + "/"
    let request = paths.map { "\(ref):\(prefix)\($0)\n" }.joined()
    let output = try Self.git(
      ["cat-file", "--batch"], input: Data(request.utf8), location: location,
      workingDirectory: workingDirectory)
    var result: [String: String] = [:]
    var offset = output.startIndex
    for path in paths {
      guard let newline = output[offset...].firstIndex(of: UInt8(ascii: "\n")) else { break }
      let header = String(decoding: output[offset..<newline], as: UTF8.self)
      offset = newline + 1
      let fields = header.split(separator: " ")
      guard fields.count == 3, fields[1] == "blob", let size = Int(fields[2]) else { continue }
      let end = min(output.endIndex, offset + size)
      result[path] = String(decoding: output[offset..<end], as: UTF8.self)
      offset = min(output.endIndex, end + 1)
    }
    return result
  }

  private static func git(
    _ arguments: [String],
    input: Data?,
    location: String,
    workingDirectory: String?
  ) throws(CodeReadError) -> Data {
    let process = Process()
    if let workingDirectory {
      process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory)
    }
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git"] + arguments
    let output = Pipe()
    let errors = Pipe()
    let stdin = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = stdin
    do {
      try process.run()
    } catch {
      throw .git(location: location, reason: "git could not be started")
    }
    let pending = DispatchGroup()
    let errorText = CollectedData()
    DispatchQueue.global().async(group: pending) {
      if let input { stdin.fileHandleForWriting.write(input) }
      try? stdin.fileHandleForWriting.close()
    }
    DispatchQueue.global().async(group: pending) {
      errorText.data = errors.fileHandleForReading.readDataToEndOfFile()
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    pending.wait()
    guard process.terminationStatus == 0 else {
      let message =
        String(decoding: errorText.data, as: UTF8.self)
        .split(separator: "\n").first.map(String.init)
        ?? "git exited with status \(process.terminationStatus)"
      throw .git(location: location, reason: message)
    }
    return data
  }
}

/// Bytes read on another thread, handed back under a lock.
private final class CollectedData: @unchecked Sendable {
  private let lock = NSLock()
  private var stored = Data()

  var data: Data {
    get { lock.withLock { stored } }
    set { lock.withLock { stored = newValue } }
  }
}
