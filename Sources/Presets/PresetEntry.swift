/// One row of ``PresetCatalog/list()`` (`--list-presets`).
public struct PresetEntry: Equatable, Sendable {
  /// Name to pass to `--preset` (the file's base name).
  public var name: String
  /// The file's `description:`, or the load error's text if the file is broken.
  public var description: String
  /// File the entry was found at.
  public var path: String
  /// Whether the file loads and validates.
  public var isValid: Bool

  /// An entry; `isValid` false when the file failed to load and `description` holds the error.
  public init(name: String, description: String, path: String, isValid: Bool = true) {
    self.name = name
    self.description = description
    self.path = path
    self.isValid = isValid
  }
}
