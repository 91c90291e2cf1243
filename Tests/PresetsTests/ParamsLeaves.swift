import Pipeline

/// A Mirror walk of `PipelineParams`: every leaf field by dotted path, with its value as text.
///
/// Independent of the schema, so a field added to a Params struct but not to `PresetSchema.keys`
/// shows up as a difference.
enum ParamsLeaves {
  /// `["output.peakNits": "1000.0", …]` for every stored leaf property of `params`.
  static func of(_ params: PipelineParams) -> [String: String] {
    var leaves: [String: String] = [:]
    walk(params, path: "", into: &leaves)
    return leaves
  }

  private static func walk(_ value: Any, path: String, into leaves: inout [String: String]) {
    let mirror = Mirror(reflecting: value)
    guard mirror.displayStyle == .struct, !mirror.children.isEmpty else {
      leaves[path] = "\(value)"
      return
    }
    for child in mirror.children {
      guard let label = child.label else { continue }
      walk(child.value, path: path.isEmpty ? label : path + "." + label, into: &leaves)
    }
  }
}
