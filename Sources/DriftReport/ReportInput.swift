import DriftModel

/// What a report is made from: the comparison, and the snapshots behind it for context.
public struct ReportInput: Sendable {
  /// The findings and environment statuses.
  public var comparison: Comparison
  /// The snapshots of the environments that were read, for counts and migration trees.
  public var snapshots: [Snapshot]
  /// The command that produced the report, for the checklist (`envdrift compare dev=… prod=…`).
  public var command: String?

  /// Creates report input.
  public init(comparison: Comparison, snapshots: [Snapshot], command: String? = nil) {
    self.comparison = comparison
    self.snapshots = snapshots
    self.command = command
  }
}

/// The report formats.
public enum ReportFormat: String, Sendable, CaseIterable {
  /// The full on-call report.
  case markdown
  /// A pull-request comment: folded details, always under GitHub's 65,536-character limit.
  case github
  /// The JSON findings document.
  case json
}
