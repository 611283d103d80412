import DriftModel

/// The JSON findings document of `--format json`: a ``Comparison`` with every finding's and
/// cause's statement worded.
///
/// Its shape is a contract (DESIGN.md): fields may be added, never removed or renamed. `null` is
/// written for a finding's absent `schema` or `table` and for each side where its object is
/// absent; other absent fields are left out.
struct FindingsDocument: Encodable {
  var comparison: Comparison

  private enum CodingKeys: String, CodingKey {
    case formatVersion, generatedAt, baseline, environments, findings, causes, timeline
    case acceptedCount, code, versions, sharedClusters
  }

  func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(comparison.formatVersion, forKey: .formatVersion)
    try container.encode(comparison.generatedAt, forKey: .generatedAt)
    try container.encode(comparison.baseline, forKey: .baseline)
    try container.encode(comparison.environments, forKey: .environments)
    try container.encode(comparison.findings.map(FindingRecord.init), forKey: .findings)
    try container.encode(comparison.causes.map(CauseRecord.init), forKey: .causes)
    try container.encode(comparison.timeline, forKey: .timeline)
    try container.encode(comparison.acceptedCount, forKey: .acceptedCount)
    try container.encodeIfPresent(comparison.code, forKey: .code)
    try container.encodeIfPresent(comparison.versions, forKey: .versions)
    try container.encodeIfPresent(comparison.sharedClusters, forKey: .sharedClusters)
  }

  /// One finding as the document writes it.
  private struct FindingRecord: Encodable {
    var finding: Finding

    private enum CodingKeys: String, CodingKey {
      case kind, schema, table, name, values, severity, message, scope, renamedTo, environment
      case reference, migration, cause, aspect, failure, detail, fix, normalised
    }

    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(finding.kind, forKey: .kind)
      try container.encode(finding.schema, forKey: .schema)
      try container.encode(finding.table, forKey: .table)
      try container.encode(finding.name, forKey: .name)
      try container.encode(finding.values, forKey: .values)
      try container.encode(finding.severity, forKey: .severity)
      try container.encode(Wording.sentence(finding.statement), forKey: .message)
      try container.encode(finding.scope, forKey: .scope)
      try container.encodeIfPresent(finding.renamedTo, forKey: .renamedTo)
      try container.encodeIfPresent(finding.environment, forKey: .environment)
      try container.encodeIfPresent(finding.reference, forKey: .reference)
      try container.encodeIfPresent(finding.migration, forKey: .migration)
      try container.encodeIfPresent(finding.cause.map(Wording.sentence), forKey: .cause)
      try container.encode(finding.aspect, forKey: .aspect)
      try container.encodeIfPresent(finding.failure, forKey: .failure)
      try container.encodeIfPresent(finding.detail, forKey: .detail)
      try container.encodeIfPresent(finding.fix, forKey: .fix)
      try container.encodeIfPresent(finding.normalised, forKey: .normalised)
    }
  }

  /// One likely cause as the document writes it.
  private struct CauseRecord: Encodable {
    var severity: Severity
    var message: String

    init(_ cause: Cause) {
      severity = cause.severity
      message = Wording.sentence(cause.statement)
    }
  }
}
