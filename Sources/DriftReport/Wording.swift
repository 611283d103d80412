import DriftModel

/// The sentences findings and causes are written in, with every name a CommonMark code span (as
/// the Markdown reports and the JSON document's `message` and `cause` show them).
enum Wording {
  /// The most names a cause lists before counting the rest.
  static let nameLimit = 5

  /// The sentence `statement` says.
  static func sentence(_ statement: Statement) -> String {
    switch statement {
    case .difference(
      let object, let place, let aspect, let change, let values, let order,
      let baseline, let scope):
      return difference(
        object: object, place: place, aspect: aspect, change: change, values: values,
        order: order, baseline: baseline, scope: scope)
    case .dependencyDiffers(let object, let place, let dependency):
      let reason =
        object == .column
        ? "its type \(Markdown.code(dependency)) differs"
        : "it depends on \(Markdown.code(dependency)), which differs"
      return
        "\(noun(object)) \(Markdown.code(objectName(object, place))) is the same everywhere, but"
        + " \(reason):"
        + " changing that means dropping and recreating it"
    case .renamed(
      let object, let name, let table, let renamedTo, let sides, let baseline,
      let scope):
      return
        "\(object == .index ? "index" : "constraint") \(Markdown.code(name)) on \(Markdown.code(table))"
        + " is named \(Markdown.code(renamedTo)) in \(sides.inWords)"
        + " (\(scope == .tenants ? "reference schema" : "baseline") \(baseline))"
    case .pendingMigration(let migration, let environment, let schema):
      return "migration \(Markdown.code(migration)) is in the code but not applied in"
        + " \(environment) (schema \(Markdown.code(schema)))"
    case .ghostMigration(let migration, let environment, let schema):
      return "migration \(Markdown.code(migration)) is applied in \(environment)"
        + " (schema \(Markdown.code(schema))) but has no file in the code: it was applied from another"
        + " branch, or its file was deleted"
    case .unfulfilledMigration(let migration, let environment, let schema, let effect):
      return "migration \(Markdown.code(migration)) is recorded as applied in \(environment)"
        + " (schema \(Markdown.code(schema))) but its \(Markdown.code(effect)) is absent: the migration was"
        + " faked, failed part-way, or the object was dropped by hand"
    case .unexplainedObject(let object, let name, let environment, let schema):
      return "\(noun(object)) \(Markdown.code(name)) exists in \(environment) (schema"
        + " \(Markdown.code(schema))) but no migration in the code makes it: made by hand,"
        + " by a script, or by a migration since deleted"
    case .inconsistentMigration(let migration, let environment, let schema, let dependency):
      return "migration \(Markdown.code(migration)) is applied in \(environment)"
        + " (schema \(Markdown.code(schema))) before its dependency \(Markdown.code(dependency)):"
        + " Django will refuse to migrate with InconsistentMigrationHistory"
    case .hazard(
      let migration, let environment, let schema, let operation, let error,
      let problem):
      return
        "\(Markdown.code(migration)) will fail in \(environment) (schema \(Markdown.code(schema))):"
        + " \(Markdown.code(operation)) → \(error): \(Markdown.code(problem))"
    case .failedMigration(
      let framework, let version, let description, let environment,
      let schema):
      let place = "\(environment) (schema \(Markdown.code(schema)))"
      if framework == .golangMigrate {
        return
          "golang-migrate left version \(Markdown.code(version)) dirty in \(place): a migration"
          + " stopped part-way. Check what it did, repair the schema, then run"
          + " \(Markdown.code("migrate force \(version)"))"
      }
      let what = description.map { " (\(Markdown.code($0)))" } ?? ""
      return "Flyway migration \(Markdown.code(version))\(what) failed in \(place): Flyway will not"
        + " migrate until the schema is repaired and \(Markdown.code("flyway repair")) removes the"
        + " failed row"
    case .appliedWithoutEffect(let migration, let environment, let schema):
      return "\(Markdown.code(migration)) is recorded as applied in \(environment) (schema"
        + " \(Markdown.code(schema))) but did not take effect: faked, failed part-way, or"
        + " undone by hand"
    case .renamedByHand(let name, let renamedTo, let sides):
      return "\(Markdown.code(name)) was renamed to \(Markdown.code(renamedTo)) in "
        + "\(sides.inWords) by no recorded migration: renamed by hand or by a script"
    case .renamedByMigration(
      let migration, let appliedIn, let baselineLacking, let name,
      let renamedTo, let sides):
      let when = applications(appliedIn)
      var text = "\(when.isEmpty ? "an environment" : when) applied \(Markdown.code(migration))"
      if let baseline = baselineLacking {
        text += "; \(baseline) has no row for it"
      }
      text += ", so \(Markdown.code(name)) is \(Markdown.code(renamedTo)) in \(sides.inWords)"
      if baselineLacking != nil {
        text +=
          ". A RenameIndex assumes the old name exists: make it idempotent (IF EXISTS) before"
          + " promoting it"
      }
      return text
    case .duplicateTable(let table, let schemas, let environment, let migration):
      let place: String
      if schemas.count == 1 {
        place = Markdown.code("\(schemas[0]).\(table)")
      } else {
        let shown = schemas.prefix(nameLimit).map(Markdown.code).joined(separator: ", ")
        let more = schemas.count > nameLimit ? " and \(schemas.count - nameLimit) more" : ""
        place = "\(Markdown.code(table)) (in \(schemas.count) schemas: \(shown)\(more))"
      }
      return "table \(place) exists in \(environment) but no migration that creates it is"
        + " recorded there: applying \(Markdown.code(migration)) will fail with"
        + " DuplicateTable unless it is idempotent (CREATE TABLE IF NOT EXISTS)"
    case .explainedByMigration(let migration, let recordedIn, let missingIn):
      return "explained by \(Markdown.code(migration)), recorded in \(recordedIn.inWords)"
        + " but not in \(missingIn.inWords)"
    case .changedOutsideMigrations(let app):
      return
        "the \(Markdown.code(app)) migration history is the same on both sides: changed outside"
        + " migrations (by hand or by a script)"
    case .differencesOutsideMigrations(let count, let app, let tenantsOf):
      let place = tenantsOf.map { " among the tenant schemas of \($0)" } ?? ""
      return "\(count) difference\(count == 1 ? "" : "s") in \(Markdown.code(app)) tables\(place)"
        + " with no difference in its migration history: changed outside migrations (by hand"
        + " or by a script)"
    case .missingMigration(let migration, let missingIn, let schemas, let appliedIn):
      let location =
        schemas.count > 1
        ? " in \(schemas.count) schemas" : " in schema \(Markdown.code(schemas.first ?? ""))"
      return "\(missingIn.inWords) \(missingIn.count == 1 ? "has" : "have") no row for"
        + " \(Markdown.code(migration))\(location)"
        + " (applied in \(applications(appliedIn))): deploy and run migrations there, or find"
        + " why it was skipped"
    case .tenantsWithoutApp(let tenants, let environment, let app, let count, let reference):
      let shown = tenants.prefix(nameLimit).map(Markdown.code).joined(separator: ", ")
      let more = tenants.count > nameLimit ? " and \(tenants.count - nameLimit) more" : ""
      return "tenant schema\(tenants.count > 1 ? "s" : "") \(shown)\(more) in \(environment)"
        + " never got the \(Markdown.code(app)) app's \(count) migrations"
        + " that \(Markdown.code(reference)) has: the tenant was created before \(Markdown.code(app)) joined"
        + " TENANT_APPS, or migrate_schemas never ran for it"
    case .unreadRelation(let environment, let schema, let name, let reason):
      return
        "\(environment): \(Markdown.code("\(schema).\(name)")) was not read: \(Markdown.text(reason))"
    case .unreadableMigrationTable(let environment, let schema, let name, let reason):
      return
        "\(environment): cannot read \(Markdown.code("\(schema).\(name)")) (\(Markdown.code(reason)));"
        + " its migrations were not compared"
    case .baselineUnreadable(let baseline):
      return "the baseline \(baseline) could not be read, so no environment was compared"
        + " with it; only drift among each environment's own tenant schemas is reported."
        + " Fix access to \(baseline), or choose another baseline with --baseline"
    case .acceptanceExpired(let rule, let until, let reason):
      return "accepted drift \(Markdown.code(rule)) expired on \(until): its findings"
        + " are reported again"
        + (reason.map { " (it was accepted because: \(Markdown.text($0)))" } ?? "")
    case .hazardIn(
      let environment, let migration, let schemas, let operation, let error,
      let problem):
      return "\(environment): applying \(Markdown.code(migration)) will fail in"
        + " \(place(schemas)): \(Markdown.code("\(operation) → \(error): \(problem)")). Make the operation"
        + " idempotent (see the finding's fix) before deploying"
    case .unfulfilledIn(let environment, let migration, let schemas, let effect):
      return "\(environment): \(Markdown.code(migration)) is recorded as applied in"
        + " \(place(schemas)) but its \(Markdown.code(effect)) is absent: the migration was"
        + " faked (`migrate --fake`), failed part-way, or the object was dropped by hand;"
        + " Django will not apply it again"
    case .inconsistentIn(let environment, let migration, let schemas, let dependency):
      return "\(environment): \(Markdown.code(migration)) was applied without its"
        + " dependency \(Markdown.code(dependency)) in \(place(schemas)); Django will stop with"
        + " InconsistentMigrationHistory until the history is repaired"
    case .behindCode(let environment, let source, let migrations, let schemas):
      return "\(environment) is behind \(theCode(source)): \(migrations.count) migration"
        + "\(migrations.count == 1 ? "" : "s") pending in \(place(schemas))"
        + " — \(listed(migrations))"
    case .aheadOfCode(let environment, let source, let migrations):
      return "\(environment) has \(migrations.count) migration\(migrations.count == 1 ? "" : "s")"
        + " applied that \(theCode(source)) does not have (\(listed(migrations))): deployed from"
        + " another branch, or files deleted since"
    case .unreadableCode(let source, let problems):
      let files = problems.prefix(nameLimit).map {
        "\(Markdown.code($0.file)) (\(Markdown.code($0.reason)))"
      }
      return "\(problems.count) migration file\(problems.count == 1 ? "" : "s") in"
        + " \(Markdown.code(source)) could not be read and \(problems.count == 1 ? "was" : "were")"
        + " skipped: \(files.joined(separator: "; "))"
        + (problems.count > nameLimit ? "; …" : "")
    }
  }

  /// A singular, human name for an object kind: `materialized view`.
  static func noun(_ object: ObjectKind) -> String {
    switch object {
    case .materializedView: "materialized view"
    default: String(object.rawValue.map { $0 == "_" ? " " : $0 })
    }
  }

  /// The name an object goes by in a sentence: qualified by its schema and table where it
  /// lives in one.
  static func objectName(_ object: ObjectKind, _ place: Statement.ObjectPlace) -> String {
    switch object {
    case .schema, .migration, .extension, .tablespace, .language, .foreignDataWrapper,
      .foreignServer:
      return place.name
    case .userMapping: return "\(place.name) on server \(place.table ?? "")"
    default:
      return [place.schema, place.table, place.name].compactMap { $0 }.filter { !$0.isEmpty }
        .joined(separator: ".")
    }
  }

  private static func difference(
    object: ObjectKind, place: Statement.ObjectPlace, aspect: Aspect, change: Change,
    values: [String: String?], order: [String], baseline: String, scope: Scope
  ) -> String {
    let named = "\(noun(object)) \(Markdown.code(objectName(object, place)))"
    let subject: String
    switch aspect {
    case .definition, .dependencies: subject = named
    case .owner: subject = "the owner of \(named)"
    case .comment: subject = "the comment on \(named)"
    case .storage: subject = "the storage of \(named)"
    }
    let baselineWord = scope == .tenants ? "reference schema" : "baseline"
    let lead = object == .migration ? "migration \(Markdown.code(place.name))" : subject
    if change == .missing {
      let absent = order.filter { values[$0] ?? nil == nil }
      let present = order.filter { values[$0] ?? nil != nil }
      let role = { (name: String) in name == baseline ? "\(name) (\(baselineWord))" : name }
      var text = "\(lead) is missing in \(absent.map(role).inWords)"
      text += "; present in \(present.map(role).inWords)"
      if object == .migration, let schema = place.schema, !schema.isEmpty {
        text += " (schema \(Markdown.code(schema)))"
      }
      return text
    }
    let parts = order.map { name in
      "\(name)\(name == baseline ? " (\(baselineWord))" : "") has"
        + " \(values[name].flatMap { $0 }.map(Markdown.code) ?? "nothing")"
    }
    return "\(subject) differs: " + parts.joined(separator: "; ")
  }

  /// `3 schemas (`a`, `b`, `c`)`, the names sorted, at most ``nameLimit`` shown.
  private static func place(_ names: [String]) -> String {
    let sorted = names.sorted()
    let shown = sorted.prefix(nameLimit).map(Markdown.code).joined(separator: ", ")
    let more = sorted.count > nameLimit ? " and \(sorted.count - nameLimit) more" : ""
    return "\(sorted.count) schema\(sorted.count == 1 ? "" : "s") (\(shown)\(more))"
  }

  /// Migrations as code spans, at most ``nameLimit`` listed.
  private static func listed(_ migrations: [String]) -> String {
    migrations.prefix(nameLimit).map(Markdown.code).inWords
      + (migrations.count > nameLimit ? " and \(migrations.count - nameLimit) more" : "")
  }

  private static func theCode(_ source: String?) -> String {
    source.map { "the code (\(Markdown.code($0)))" } ?? "the code"
  }

  /// `dev on 21 Nov 2026 03:00 and prod`: the environments with a recorded time, or all of them
  /// when none has one.
  private static func applications(_ applications: [Statement.Application]) -> String {
    let dated = applications.compactMap { application in
      application.at.map { "\(application.environment) on \(Markdown.text(TimeText.readable($0)))" }
    }
    return dated.isEmpty ? applications.map(\.environment).inWords : dated.inWords
  }
}
