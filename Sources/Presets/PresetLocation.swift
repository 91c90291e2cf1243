/// Where a preset value came from: a file position, or one `--set key=value` argument.
public struct PresetLocation: Equatable, Sendable, CustomStringConvertible {
  /// File path as given to the loader, or the override text `--set output.peakNits=50`.
  public var source: String
  /// 1-based line, nil when the error concerns the whole file or an override.
  public var line: Int?
  /// 1-based column in Unicode scalars (as libyaml counts), nil with `line`.
  public var column: Int?
  /// Whether `source` is a `--set` argument rather than a file.
  public var isOverride: Bool

  /// A position in a file.
  public static func file(_ path: String, line: Int? = nil, column: Int? = nil) -> PresetLocation {
    PresetLocation(source: path, line: line, column: column, isOverride: false)
  }

  /// A `--set` argument, `text` being `key=value`.
  public static func override(_ text: String) -> PresetLocation {
    PresetLocation(source: "--set " + text, line: nil, column: nil, isOverride: true)
  }

  /// The message prefix: `FILE:LINE:COLUMN: error:`, `FILE: error:` or `--set key=value:`.
  public var description: String {
    if isOverride { return source + ":" }
    guard let line else { return source + ": error:" }
    return "\(source):\(line):\(column ?? 1): error:"
  }
}
