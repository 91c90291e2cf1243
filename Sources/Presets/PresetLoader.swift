import Foundation
import Pipeline
import Yams

/// Reads preset YAML into a validated ``Preset``, reporting every problem at its file position.
///
/// Parses with Yams' node API (`Yams.compose`) so each key and value keeps its `Mark`; applies the keys
/// found through ``PresetSchema`` onto `PipelineParams()` defaults; then runs `validate()` and maps the
/// failing dotted key back to its node. The first error found is thrown.
public enum PresetLoader {
  /// Loads and validates the preset file at `path`; its name is the file's base name.
  /// - Throws: ``PresetError``.
  public static func load(path: String) throws -> Preset {
    // Checked before opening: a FIFO would block open(), a huge file would be read whole.
    var info = stat()
    if stat(path, &info) == 0 {
      if info.st_mode & S_IFMT != S_IFREG {
        throw PresetError.unreadable(.file(path), reason: "not a regular file")
      }
      if Int(info.st_size) > PresetLimits.maxBytes {
        throw PresetError.unreadable(.file(path), reason: tooLarge(Int(info.st_size)))
      }
    }
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      let reason = FileManager.default.fileExists(atPath: path) ? "cannot read as UTF-8 text" : "no such file"
      throw PresetError.unreadable(.file(path), reason: reason)
    }
    let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    return try load(yaml: text, file: path, name: name)
  }

  /// Loads and validates preset YAML; `file` names it in error messages.
  /// - Throws: ``PresetError``.
  public static func load(yaml: String, file: String, name: String) throws -> Preset {
    if yaml.utf8.count > PresetLimits.maxBytes {
      throw PresetError.unreadable(.file(file), reason: tooLarge(yaml.utf8.count))
    }
    if let at = PresetLimits.tooDeep(yaml) {
      throw PresetError.syntax(.file(file, line: at.line, column: at.column), message: tooDeepMessage)
    }
    let root: Node?
    do {
      root = try Yams.compose(yaml: yaml)
    } catch let error as YamlError {
      throw syntaxError(error, file: file)
    }
    let at = { (node: Node) in location(of: node, in: file) }
    guard let root, let document = root.mapping else {
      if let root, !isNull(root) {
        throw PresetError.wrongType(
          at(root), key: "document", expected: "a mapping (version:, description:, sections)", got: describe(root),
          suggestion: nil)
      }
      throw PresetError.missingVersion(.file(file, line: 1, column: 1))
    }
    var preset = Preset(name: name, path: file)
    preset.origins[""] = at(root)
    try checkDuplicates(document, prefix: "", file: file)
    let version = try checkVersion(document, root: root, file: file)
    for (path, value) in PresetMigration.implied(from: version) {
      try PresetSchema.key(path)?.set(value, in: &preset.params, at: at(root))
    }

    for (keyNode, value) in document {
      let key = keyNode.string ?? ""
      switch key {
      case "version":
        continue
      case "description":
        guard let scalar = value.scalar else {
          throw PresetError.wrongType(at(value), key: key, expected: "a string", got: describe(value), suggestion: nil)
        }
        preset.description = isNull(value) ? "" : scalar.string
      case _ where PresetSchema.sections.contains(key) || PresetMigration.isRemovedSection(key, from: version):
        preset.origins[key] = at(keyNode)
        try applySection(key, value, to: &preset, file: file, version: version)
      default:
        throw PresetError.unknownKey(at(keyNode), key: key, suggestion: PresetSchema.suggestion(for: key))
      }
    }
    try preset.validate()
    return preset
  }

  // MARK: - Steps

  /// Reads `version:`; any version from `PresetMigration.oldestVersion` to `PipelineParams.version` is accepted
  /// and its keys are renamed to the current ones as they are read (``PresetMigration``).
  private static func checkVersion(_ document: Node.Mapping, root: Node, file: String) throws -> Int {
    guard let node = document["version"] else {
      throw PresetError.missingVersion(location(of: root, in: file))
    }
    guard let scalar = PresetScalar(node), scalar.isPlain, let version = Int(scalar.text),
      PresetMigration.canRead(version)
    else {
      throw PresetError.unsupportedVersion(location(of: node, in: file), found: PresetScalar(node)?.text ?? describe(node))
    }
    return version
  }

  /// Applies one section's keys; a null section (`masks:` with nothing under it) keeps the defaults.
  private static func applySection(
    _ section: String, _ node: Node, to preset: inout Preset, file: String, version: Int
  ) throws {
    if isNull(node) { return }
    guard let mapping = node.mapping else {
      throw PresetError.wrongType(
        location(of: node, in: file), key: section, expected: "a mapping of \(section) keys", got: describe(node),
        suggestion: nil)
    }
    try checkDuplicates(mapping, prefix: section + ".", file: file)
    for (keyNode, value) in mapping {
      let written = section + "." + (keyNode.string ?? "")
      if PresetMigration.isDropped(written, from: version) { continue }
      let path = PresetMigration.currentKey(written, from: version)
      guard let key = PresetSchema.key(path) else {
        throw PresetError.unknownKey(
          location(of: keyNode, in: file), key: path, suggestion: PresetSchema.suggestion(for: path))
      }
      let valueLocation = location(of: value, in: file)
      guard let scalar = PresetScalar(value) else {
        throw PresetError.wrongType(
          valueLocation, key: path, expected: key.kind.expected, got: describe(value), suggestion: nil)
      }
      try key.set(scalar, in: &preset.params, at: valueLocation)
      preset.origins[path] = valueLocation
    }
  }

  static func tooLarge(_ bytes: Int) -> String {
    "\(bytes) bytes, over the \(PresetLimits.maxBytes >> 20) MiB limit for presets"
  }

  static let tooDeepMessage = "nested deeper than \(PresetLimits.maxDepth) levels (the limit for presets)"

  /// Rejects a key written twice in one mapping (libyaml keeps both; the last would silently win).
  private static func checkDuplicates(_ mapping: Node.Mapping, prefix: String, file: String) throws {
    var firstLines: [String: Int] = [:]
    for keyNode in mapping.keys {
      let key = keyNode.string ?? ""
      let here = location(of: keyNode, in: file)
      if let first = firstLines[key] {
        throw PresetError.duplicateKey(here, key: prefix + key, firstLine: first)
      }
      firstLines[key] = here.line ?? 0
    }
  }

  // MARK: - Helpers

  /// The file position of `node` (libyaml marks are 1-based).
  static func location(of node: Node, in file: String) -> PresetLocation {
    .file(file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
  }

  /// Whether `node` is YAML null (`~`, `null`, or nothing).
  static func isNull(_ node: Node) -> Bool {
    guard let scalar = PresetScalar(node), scalar.isPlain else { return false }
    return ["", "~", "null", "Null", "NULL"].contains(scalar.text)
  }

  /// How a wrong-type message shows `node`: `'text'` for scalars, else `a mapping` / `a list`.
  static func describe(_ node: Node) -> String {
    if let scalar = PresetScalar(node) { return "'\(scalar.written)'" }
    return node.mapping != nil ? "a mapping" : "a list"
  }

  /// A Yams parse error as ``PresetError/syntax(_:message:)`` at libyaml's problem mark.
  static func syntaxError(_ error: YamlError, file: String) -> PresetError {
    switch error {
    case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      let during = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
      return .syntax(.file(file, line: mark.line, column: mark.column), message: problem + during)
    case .reader(let problem, _, _, _):
      return .syntax(.file(file), message: problem)
    default:
      return .syntax(.file(file), message: "\(error)".split(separator: "\n").first.map(String.init) ?? "invalid YAML")
    }
  }
}
