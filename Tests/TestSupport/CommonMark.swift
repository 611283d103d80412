import Foundation

/// GitHub's Markdown renderer, cmark-gfm from Debian, for checking what reports look like.
public enum CommonMark {
  /// Whether cmark-gfm is installed.
  public static var isAvailable: Bool {
    FileManager.default.isExecutableFile(atPath: "/usr/bin/cmark-gfm")
  }

  /// Renders `markdown` to HTML with the GFM table and strikethrough extensions.
  public static func html(_ markdown: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/cmark-gfm")
    process.arguments = ["--extension", "table", "--extension", "strikethrough"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(Data(markdown.utf8))
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }
}
