import Pipeline

/// Every dotted preset key, derived from the `Parameter` declarations of `PipelineParams.sections` (input,
/// window, each stage of `StageRegistry`, output). The loader, `--set`, `render`, `--print-preset` and the
/// README table all read it.
public enum PresetSchema {
  /// Top-level keys that are not sections.
  public static let topLevelKeys = ["version", "description"]

  /// Section names in file order.
  public static let sections = PipelineParams.sections.map(\.name)

  /// Every key, grouped by section in `sections` order, fields in declaration order.
  public static let keys: [PresetKey] = PipelineParams.parameters.map(PresetKey.init)

  /// The key called `path` (`output.peakNits`), or nil.
  public static func key(_ path: String) -> PresetKey? { byPath[path] }

  private static let byPath = Dictionary(uniqueKeysWithValues: keys.map { ($0.path, $0) })

  /// Keys of one section, in table order.
  public static func keys(in section: String) -> [PresetKey] { keys.filter { $0.section == section } }
}
