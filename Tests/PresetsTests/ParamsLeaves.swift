import Pipeline

/// A Mirror walk of every section of `PipelineParams`: each stored field by dotted path, with its value as
/// text.
///
/// Reads the sections' stored properties, not their declarations, so a field added to a Params struct without
/// a `Parameter` declaration shows up as a difference from `PresetSchema.keys`.
enum ParamsLeaves {
  /// `["output.peakNits": "1000.0", …]` for every stored leaf property of `params`.
  static func of(_ params: PipelineParams) -> [String: String] {
    var leaves: [String: String] = [:]
    for section in PipelineParams.sections {
      walk(section.values(in: params), path: section.name, into: &leaves)
    }
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
      walk(child.value, path: path + "." + label, into: &leaves)
    }
  }
}
