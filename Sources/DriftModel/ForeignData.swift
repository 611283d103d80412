/// A foreign-data wrapper (`CREATE FOREIGN DATA WRAPPER`), as `postgres_fdw` installs one.
public struct ForeignDataWrapper: Codable, Sendable, Hashable {
  /// Its name.
  public var name: String
  /// The role that owns it.
  public var owner: String
  /// Its handler function, when it has one.
  public var handler: String?
  /// Its validator function, when it has one.
  public var validator: String?
  /// Its options, `name=value`, sorted, secret values redacted (see ``OptionRedaction``).
  public var options: [String]
  /// Grants on it (`USAGE`), effective, sorted by grantee.
  public var privileges: [Privilege]
  /// The extension it belongs to (`postgres_fdw`), when one created it.
  public var fromExtension: String?

  /// Creates a wrapper.
  public init(
    name: String, owner: String, handler: String? = nil, validator: String? = nil,
    options: [String] = [], privileges: [Privilege] = [], fromExtension: String? = nil
  ) {
    self.name = name
    self.owner = owner
    self.handler = handler
    self.validator = validator
    self.options = options
    self.privileges = privileges
    self.fromExtension = fromExtension
  }

  /// `HANDLER postgres_fdw_handler VALIDATOR postgres_fdw_validator`: what is compared.
  public var summary: String {
    var parts: [String] = []
    parts.append(handler.map { "HANDLER \($0)" } ?? "NO HANDLER")
    parts.append(validator.map { "VALIDATOR \($0)" } ?? "NO VALIDATOR")
    if !options.isEmpty { parts.append("OPTIONS (\(options.joined(separator: ", ")))") }
    return parts.joined(separator: " ")
  }
}

/// A foreign server (`CREATE SERVER`) and the user mappings for it.
public struct ForeignServer: Codable, Sendable, Hashable {
  /// Its name.
  public var name: String
  /// The wrapper it uses.
  public var wrapper: String
  /// The role that owns it.
  public var owner: String
  /// `TYPE '…'`, when given.
  public var type: String?
  /// `VERSION '…'`, when given.
  public var version: String?
  /// Its options, `name=value`, sorted, secret values redacted (see ``OptionRedaction``).
  public var options: [String]
  /// Grants on it (`USAGE`), effective, sorted by grantee.
  public var privileges: [Privilege]
  /// Its user mappings, sorted by user.
  public var userMappings: [UserMapping]

  /// Creates a server.
  public init(
    name: String, wrapper: String, owner: String, type: String? = nil, version: String? = nil,
    options: [String] = [], privileges: [Privilege] = [], userMappings: [UserMapping] = []
  ) {
    self.name = name
    self.wrapper = wrapper
    self.owner = owner
    self.type = type
    self.version = version
    self.options = options
    self.privileges = privileges
    self.userMappings = userMappings
  }

  /// `FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname=app, host=db1, fetch_size=500)`.
  ///
  /// With `comparing`, the values of the options that say where the server is
  /// (``OptionRedaction/addressNames``) are left out: every environment points at its own.
  public func summary(comparing: Bool = false) -> String {
    var text = "FOREIGN DATA WRAPPER \(wrapper)"
    if let type { text += " TYPE \(type)" }
    if let version { text += " VERSION \(version)" }
    let shown = comparing ? options.map(OptionRedaction.withoutAddress) : options
    if !shown.isEmpty { text += " OPTIONS (\(shown.joined(separator: ", ")))" }
    return text
  }
}

/// A user mapping (`CREATE USER MAPPING FOR user SERVER server`).
///
/// Only the names of its options are kept, except ``OptionRedaction/userMappingValues``: the
/// others (a password above all) never enter a snapshot.
public struct UserMapping: Codable, Sendable, Hashable {
  /// The local role, or `PUBLIC`.
  public var user: String
  /// Its options, `name=value` for the names whose values are kept, else `name=(redacted)`,
  /// sorted; `nil` when the connecting role may not see them (`pg_user_mappings` hides them
  /// from all but the mapping's user and the server's owner).
  public var options: [String]?

  /// Creates a user mapping.
  public init(user: String, options: [String]?) {
    self.user = user
    self.options = options
  }

  /// `OPTIONS (password=(redacted), user=app)`; with `comparing`, the values of address
  /// options are left out as a server's are.
  public func summary(comparing: Bool = false) -> String {
    guard let options else { return "options not readable by the connecting role" }
    if options.isEmpty { return "no options" }
    let shown = comparing ? options.map(OptionRedaction.withoutAddress) : options
    return "OPTIONS (\(shown.joined(separator: ", ")))"
  }
}

/// What envdrift keeps of the options of wrappers, servers, user mappings and foreign tables.
///
/// Options are free text that a wrapper interprets, and some hold secrets: an option whose name
/// suggests one (``isSecret(_:)``) has its value replaced by `(redacted)` before it is stored
/// anywhere. A user mapping keeps the values of ``userMappingValues`` alone.
public enum OptionRedaction {
  /// What a redacted value reads as.
  public static let redacted = "(redacted)"

  /// The user-mapping options whose values are kept.
  public static let userMappingValues: Set<String> = ["user", "username", "password_required"]

  /// The options that say where a remote server is: each environment has its own, so their
  /// values are shown but not compared.
  public static let addressNames: Set<String> = [
    "host", "hostaddr", "port", "dbname", "service", "user", "username", "filename", "program",
  ]

  /// Whether an option's name suggests its value is a secret (`password`, `passfile`,
  /// `api_key`, `secret_token`, `credentials`, `sslkey`).
  public static func isSecret(_ name: String) -> Bool {
    let lowered = name.lowercased()
    return ["pass", "secret", "token", "credential", "key", "auth", "pwd"].contains {
      lowered.contains($0)
    }
  }

  /// `name=value` from a catalog's `name=value` option, the value redacted when its name or the
  /// value itself suggests a secret, or always but for ``userMappingValues`` in a user mapping.
  public static func stored(_ option: String, userMapping: Bool = false) -> String {
    let name = Self.name(of: option)
    let value = option.dropFirst(name.count + 1).lowercased()
    // A value may be a connection string of its own (`dsn 'host=… password=…'`).
    let keep =
      userMapping
      ? userMappingValues.contains(name)
      : !isSecret(name)
        && !["password", "passwd", "secret", "pwd="].contains { value.contains($0) }
    return keep ? option : "\(name)=\(redacted)"
  }

  /// `host=…` for an address option, the option itself otherwise.
  public static func withoutAddress(_ option: String) -> String {
    let name = Self.name(of: option)
    return addressNames.contains(name) ? "\(name)=…" : option
  }

  private static func name(of option: String) -> String {
    option.firstIndex(of: "=").map { String(option[..<$0]) } ?? option
  }
}
