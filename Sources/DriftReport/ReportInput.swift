import DriftModel

/// What a report is made from: the comparison, which carries everything a report shows, and the
/// command that produced it.
public struct ReportInput: Sendable {
  /// The findings, environment statuses and overview.
  public var comparison: Comparison
  /// The command that produced the report, for the checklist (`envdrift compare dev=… prod=…`).
  public var command: String?

  /// Creates report input.
  public init(comparison: Comparison, command: String? = nil) {
    self.comparison = comparison
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
