import Yams

/// `--set key=value` overrides.
extension Preset {
  /// Applies `key=value` overrides in order (`output.peakNits=4000`), each value parsed as a YAML scalar,
  /// then re-validates. Errors name the argument: `--set output.peakNits=50: must be in 203.0...10000.0, got 50.0`.
  /// All or nothing: on error the preset is left unchanged.
  /// - Throws: ``PresetError`` (`malformedOverride`, `unknownKey`, `wrongType`, `outOfRange`, `syntax`).
  public mutating func apply(overrides: [String]) throws {
    var result = self
    try result.applyInPlace(overrides)
    self = result
  }

  private mutating func applyInPlace(_ overrides: [String]) throws {
    for text in overrides {
      let location = PresetLocation.override(text)
      guard let equals = text.firstIndex(of: "=") else { throw PresetError.malformedOverride(location) }
      let path = text[..<equals].trimmingCharacters(in: .whitespaces)
      let valueText = String(text[text.index(after: equals)...])
      guard !path.isEmpty else { throw PresetError.malformedOverride(location) }
      let scalar = try Self.scalar(valueText, at: location, key: path)
      if path == "description" {
        description = scalar.text
        continue
      }
      guard let key = PresetSchema.key(path) else {
        throw PresetError.unknownKey(location, key: path, suggestion: PresetSchema.suggestion(for: path))
      }
      try key.set(scalar, in: &params, at: location)
      origins[path] = location
    }
    try validate()
  }

  /// `text` parsed as one YAML scalar (so `"1000"` stays a string and `1_000` is a number).
  private static func scalar(_ text: String, at location: PresetLocation, key: String) throws -> PresetScalar {
    if text.utf8.count > PresetLimits.maxBytes {
      throw PresetError.syntax(location, message: "\(key): value of \(PresetLoader.tooLarge(text.utf8.count))")
    }
    if PresetLimits.tooDeep(text) != nil {
      throw PresetError.syntax(location, message: "\(key): value " + PresetLoader.tooDeepMessage)
    }
    let node: Node?
    do {
      node = try Yams.compose(yaml: text)
    } catch let error as YamlError {
      throw PresetError.syntax(location, message: "\(key): " + PresetLoader.syntaxError(error, file: "").what)
    }
    guard let node else { return PresetScalar(text: "") }
    guard let scalar = PresetScalar(node) else {
      throw PresetError.wrongType(
        location, key: key, expected: PresetSchema.key(key)?.kind.expected ?? "a scalar",
        got: PresetLoader.describe(node), suggestion: nil)
    }
    return scalar
  }
}
