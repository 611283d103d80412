/// The privileges one grantee holds on an object, independent of ACL order.
///
/// Effective grants: where the object has no ACL, the owner's implicit rights and PUBLIC's
/// defaults (`acldefault`) are written out, the same way in every environment.
public struct Privilege: Codable, Sendable, Hashable {
  /// The role granted to; `PUBLIC` for everyone.
  public var grantee: String
  /// The privileges, sorted: `DELETE, INSERT, SELECT`.
  public var privileges: [String]
  /// Those of ``privileges`` held `WITH GRANT OPTION`, sorted; `nil` when none (or in a
  /// snapshot file from before grant options were read).
  public var grantable: [String]?

  /// The grantee that stands for an object's owner where grants are compared, so that the
  /// owner's own rights compare equal whoever the owner is, and a changed owner is one finding
  /// (the owner), not three.
  public static let ownerGrantee = "(owner)"

  /// What a grant on the database itself names as its object: each environment's database
  /// has its own name, and its grants are compared all the same.
  public static let databaseObject = "(database)"

  /// Creates a grant.
  public init(grantee: String, privileges: [String], grantable: [String]? = nil) {
    self.grantee = grantee
    self.privileges = privileges.sorted()
    self.grantable = grantable.flatMap { $0.isEmpty ? nil : $0.sorted() }
  }

  /// `INSERT, SELECT`, with `(with grant option: SELECT)` when some are grantable.
  public var summary: String {
    let shown = privileges.joined(separator: ", ")
    guard let grantable else { return shown }
    return shown + " (with grant option: \(grantable.joined(separator: ", ")))"
  }
}

/// One grantee of an `ALTER DEFAULT PRIVILEGES` entry: what objects `role` creates (in one
/// schema, or anywhere) grant to the grantee from the start.
///
/// An entry for every schema replaces PostgreSQL's built-in defaults for that role and kind
/// (the owner's rights; `EXECUTE` on functions and `USAGE` on types for PUBLIC), so it is
/// recorded as its difference from them: what it grants beyond them in ``privilege``, what it
/// takes away in ``revoked``. A role with no entry then compares equal to one whose entry
/// restates the built-in defaults, as PostgreSQL treats them. An entry for one schema adds to
/// those and is recorded as it is.
public struct DefaultPrivilege: Codable, Sendable, Hashable {
  /// The role whose new objects get the grants.
  public var role: String
  /// The schema it applies in; `nil` for every schema (`ALTER DEFAULT PRIVILEGES FOR ROLE r`
  /// without `IN SCHEMA`).
  public var schema: String?
  /// The kind of object: `tables`, `sequences`, `functions`, `types` or `schemas`.
  public var objects: String
  /// The grant (its privileges empty when it only revokes).
  public var privilege: Privilege
  /// Built-in default privileges the entry takes from the grantee, sorted; `nil` when none.
  public var revoked: [String]?

  /// Creates a default privilege.
  public init(
    role: String, schema: String?, objects: String, privilege: Privilege,
    revoked: [String]? = nil
  ) {
    self.role = role
    self.schema = schema
    self.objects = objects
    self.privilege = privilege
    self.revoked = revoked.flatMap { $0.isEmpty ? nil : $0.sorted() }
  }

  /// `SELECT`, `revoked EXECUTE`, or both: what is compared.
  public var summary: String {
    var parts: [String] = []
    if !privilege.privileges.isEmpty { parts.append(privilege.summary) }
    if let revoked { parts.append("revoked " + revoked.joined(separator: ", ")) }
    return parts.joined(separator: "; ")
  }
}
