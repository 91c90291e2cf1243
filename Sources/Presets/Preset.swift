import Parameters
import Parameters
import Pipeline

/// A loaded, validated preset: its name, description and the `PipelineParams` it configures.
///
/// Built by ``PresetLoader`` or ``PresetCatalog``; `--set` overrides go through ``apply(overrides:)``,
/// which re-validates. Equality compares name, description and params (not where values came from).
public struct Preset: Equatable, Sendable {
  /// Preset name: the file's base name (`hlg-broadcast`), or the name given to the loader.
  public var name: String
  /// One-line human description (the file's `description:`), shown by `--list-presets`.
  public var description: String
  /// The effective, validated parameters.
  public var params: PipelineParams
  /// File the preset was read from, nil when built from a string without one.
  public var path: String?
  /// Where each dotted key (and each section name, and "" for the document) was last set; used to point
  /// `validate()` errors at the node or `--set` argument responsible.
  var origins: [String: PresetLocation] = [:]

  /// A preset over `params`, with no file behind it.
  public init(name: String, description: String = "", params: PipelineParams = PipelineParams(), path: String? = nil) {
    self.name = name
    self.description = description
    self.params = params
    self.path = path
  }

  /// Same name, description and params; `path` and value origins are not compared.
  public static func == (a: Preset, b: Preset) -> Bool {
    a.name == b.name && a.description == b.description && a.params == b.params
  }

  /// The effective configuration as a preset file with every key (`--print-preset`).
  public func rendered() -> String { PresetLoader.render(params, name: name, description: description) }

  /// Runs `PipelineParams.validate()`, turning its `ParameterError` into `PresetError.outOfRange` at the
  /// node or `--set` argument that set the key (else its section, else the file).
  func validate() throws {
    do {
      try params.validate()
    } catch let error as ParameterError {
      let section = String(error.key.prefix { $0 != "." })
      let location = origins[error.key] ?? origins[section] ?? origins[""] ?? .file(path ?? name)
      throw PresetError.outOfRange(location, key: error.key, message: error.message)
    }
  }
}
