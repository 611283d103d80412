import DriftModel

/// `ALTER ROLE … SET` and `ALTER DATABASE … SET` statements that give a drifted environment the
/// role and database settings the baseline has, for ``FixSuggester``.
///
/// A setting the baseline has is set to its value; one only the drifted side has is reset. The
/// values are read from the snapshots, not the findings' text. A setting's name must be a plain
/// name (`statement_timeout`, `app.tenant`) or no statement is suggested; each value is a
/// string literal, and a list setting (`search_path`, the preload libraries) is split into its
/// elements first, one literal each, as `pg_dump` writes them. Server settings come from the
/// server's configuration and get no statement.
enum SettingFixes {
  /// The settings whose value is a list, each element quoted on its own.
  static let listSettings: Set<String> = [
    "search_path", "temp_tablespaces", "session_preload_libraries", "local_preload_libraries",
    "shared_preload_libraries",
  ]

  /// A setting as one side has it: its value, and whether it is for this database alone.
  private struct Setting: Equatable {
    var value: String
    var thisDatabase: Bool
  }

  /// The statements for a `setting.*` finding, for `targets` to match `reference`.
  static func statements(
    _ finding: Finding, in snapshots: [Snapshot], reference: String, targets: [String]
  ) -> [String] {
    guard isPlainName(finding.name) else { return [] }
    let onDatabase = finding.values.values.contains { $0?.hasSuffix(" (ALTER DATABASE)") == true }
    if let role = finding.table {
      func setting(_ environment: String) -> Setting? {
        guard
          let text = snapshots.snapshot(of: environment)?.roles?.first(where: { $0.name == role })?
            .settings.first(where: { Self.name(of: $0) == finding.name })
        else { return nil }
        let suffix = " (this database)"
        let value = String(text.dropFirst(finding.name.count + 1))
        return value.hasSuffix(suffix)
          ? Setting(value: String(value.dropLast(suffix.count)), thisDatabase: true)
          : Setting(value: value, thisDatabase: false)
      }
      let wanted = setting(reference)
      return targets.compactMap { target in
        let have = setting(target)
        guard have != wanted, let database = snapshots.snapshot(of: target)?.environment.database
        else {
          return nil
        }
        let scope =
          (wanted ?? have)?.thisDatabase == true ? " IN DATABASE \(SQL.identifier(database))" : ""
        return statement(
          "ALTER ROLE \(SQL.identifier(role))\(scope)", name: finding.name, value: wanted?.value)
      }
    }
    guard onDatabase else { return [] }
    func setting(_ environment: String) -> String? {
      snapshots.snapshot(of: environment)?.database?.settings.first {
        Self.name(of: $0) == finding.name
      }
      .map { String($0.dropFirst(finding.name.count + 1)) }
    }
    let wanted = setting(reference)
    return targets.compactMap { target in
      guard setting(target) != wanted,
        let database = snapshots.snapshot(of: target)?.environment.database
      else { return nil }
      return statement(
        "ALTER DATABASE \(SQL.identifier(database))", name: finding.name, value: wanted)
    }
  }

  /// `head SET name TO 'value';`, or `head RESET name;` when there is no value.
  private static func statement(_ head: String, name: String, value: String?) -> String? {
    guard let value else { return "\(head) RESET \(name);" }
    let elements = listSettings.contains(name.lowercased()) ? listElements(value) : [value]
    guard let elements, !elements.isEmpty else { return nil }
    return "\(head) SET \(name) TO \(elements.map(SQL.literal).joined(separator: ", "));"
  }

  /// The elements of a list setting as PostgreSQL stores it (`"$user", public`): split at
  /// commas outside double quotes, each trimmed and unquoted; `nil` when a quote is left open
  /// or text follows a closing one.
  static func listElements(_ value: String) -> [String]? {
    var elements: [String] = []
    var current = ""
    var quoted = false
    var wasQuoted = false
    var characters = Array(value)[...]
    while let character = characters.popFirst() {
      if quoted {
        if character == "\"" {
          if characters.first == "\"" {
            current.append("\"")
            characters.removeFirst()
          } else {
            quoted = false
          }
        } else {
          current.append(character)
        }
      } else if character == "\"" {
        quoted = true
        wasQuoted = true
      } else if character == "," {
        elements.append(wasQuoted ? current : current.trimmingSpaces)
        current = ""
        wasQuoted = false
      } else if character == " " && (current.isEmpty || wasQuoted) {
        continue
      } else if wasQuoted {
        // Only spaces may follow a quoted element before its comma.
        return nil
      } else {
        current.append(character)
      }
    }
    guard !quoted else { return nil }
    elements.append(wasQuoted ? current : current.trimmingSpaces)
    return elements
  }

  /// Whether `name` can stand in a statement unquoted: letters, digits, `_` and `.` (a
  /// custom setting's class), not starting with a digit.
  static func isPlainName(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else {
      return false
    }
    return name.unicodeScalars.allSatisfy {
      ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
        || $0 == "_" || $0 == "."
    }
  }

  private static func name(of setting: String) -> String {
    setting.firstIndex(of: "=").map { String(setting[..<$0]) } ?? setting
  }
}

extension String {
  /// The text without spaces at either end.
  fileprivate var trimmingSpaces: String {
    var text = Substring(self)
    while text.first == " " { text.removeFirst() }
    while text.last == " " { text.removeLast() }
    return String(text)
  }
}
