import Color
import Denoise
import Diffusion
import Fusion
import Inpaint
import Masks
import Media
import Parameters

/// Everything that configures the pipeline: one section per stage (see ``StageRegistry``) plus the input,
/// the temporal window and the output, validated in one place.
public struct PipelineParams: Equatable, Sendable {
  /// Preset format version this struct corresponds to (`PresetMigration` upgrades older files).
  public static let version = 2

  public var input = InputParams()
  public var window = WindowParams()
  public var masks = MaskParams()
  public var highlights = HighlightParams()
  public var diffusion = DiffusionParams()
  public var shadows = ShadowParams()
  public var expansion = ExpansionParams()
  public var fusion = FusionParams()
  public var output = OutputParams()

  public init() {}

  /// Every section in preset-file order: input, window, the stages in processing order, output.
  public static let sections: [ParameterSection] =
    [ParameterSection("input", \.input), ParameterSection("window", \.window)]
    + StageRegistry.all.map(\.section) + [ParameterSection("output", \.output)]

  /// Every field of every section, keys dotted, in file order.
  public static var parameters: [Parameter<PipelineParams>] { sections.flatMap(\.parameters) }

  /// Validates every section, then what stages demand of each other; the error's key is dotted.
  public func validate() throws {
    for section in Self.sections { try section.validate(self) }
    let active = StageRegistry.all.filter { $0.isEnabled(self) }
    // The window bounds how many frames the active stages together may hold (memory and latency).
    var total = 0
    for stage in active {
      let frames = stage.lookAheadFrames(self)
      total += frames
      if total > window.maxLookAheadFrames, let key = stage.lookAheadKey {
        throw ParameterError(
          key: key, message: "must not exceed window.maxLookAheadFrames (\(window.maxLookAheadFrames)), got \(total)")
      }
    }
    for stage in active {
      for need in stage.requires where !(StageRegistry.stage(need.section)?.isEnabled(self) ?? true) {
        throw ParameterError(
          key: need.section + ".enabled", message: "must be true when \(stage.name).enabled is true (\(need.reason))")
      }
      for clash in stage.excludes where StageRegistry.stage(clash.section)?.isEnabled(self) ?? false {
        throw ParameterError(
          key: clash.section + ".enabled", message: "must be false when \(stage.name).enabled is true (\(clash.reason))")
      }
    }
  }

  /// Whether any stage beyond colour conversion is active (false for the `static` preset).
  public var hasRestoration: Bool { StageRegistry.all.contains { $0.isEnabled(self) } }
}
