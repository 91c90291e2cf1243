import Media
import Parameters

/// Everything that configures the pipeline: the input, the temporal window and the output, plus one section per
/// stage of ``StageRegistry``, validated in one place.
///
/// A stage's section is stored by its `ParameterSet` type and reached through a property its stage file declares
/// (`extension PipelineParams { var masks: MaskParams { … } }`), so adding a stage does not touch this file.
/// Each stage has its own params type; a section never written reads as that type's defaults.
public struct PipelineParams: Equatable, Sendable {
  /// Preset format version this struct corresponds to (`PresetMigration` upgrades older files).
  public static let version = 3

  public var input = InputParams()
  public var window = WindowParams()
  public var output = OutputParams()
  private var stageSections: [ObjectIdentifier: any ParameterSet] = [:]

  public init() {}

  /// The stage section of type `P` (its defaults until written).
  public subscript<P: ParameterSet>(section type: P.Type) -> P {
    get { stageSections[ObjectIdentifier(type)] as? P ?? P() }
    set { stageSections[ObjectIdentifier(type)] = newValue }
  }

  public static func == (a: PipelineParams, b: PipelineParams) -> Bool {
    guard a.input == b.input, a.window == b.window, a.output == b.output else { return false }
    for key in Set(a.stageSections.keys).union(b.stageSections.keys) {
      if let x = a.stageSections[key] {
        if !x.isEqual(to: b.stageSections[key]) { return false }
      } else if let y = b.stageSections[key], !y.isEqual(to: nil) {
        return false
      }
    }
    return true
  }

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
    var held: [(name: String, frames: Int)] = []
    for stage in active {
      let frames = stage.lookAheadFrames(self)
      if frames > 0 { held.append((stage.name, frames)) }
      let total = held.reduce(0) { $0 + $1.frames }
      if total > window.maxLookAheadFrames, let key = stage.lookAheadKey {
        let others = held.dropLast().map { "\($0.name) \($0.frames)" }.joined(separator: ", ")
        throw ParameterError(
          key: key,
          message: "must not exceed window.maxLookAheadFrames (\(window.maxLookAheadFrames)), got \(total)"
            + (others.isEmpty ? "" : " with the look-ahead of \(others)"))
      }
    }
    for stage in active {
      for need in stage.requires where !(StageRegistry.stage(need.section)?.isEnabled(self) ?? true) {
        throw ParameterError(
          key: need.section + ".enabled", message: "must be true when \(stage.name).enabled is true (\(need.reason))")
      }
      for clash in stage.excludes
      where stage.excludesWhen(self) && StageRegistry.stage(clash.section)?.isEnabled(self) ?? false {
        throw ParameterError(
          key: clash.section + ".enabled", message: "must be false when \(stage.name).enabled is true (\(clash.reason))")
      }
    }
  }

  /// Whether any stage beyond colour conversion is active (false for the `static` preset).
  public var hasRestoration: Bool { StageRegistry.all.contains { $0.isEnabled(self) } }

  /// The most light the output can hold, cd/m²: the peak, or SDR white when no active stage lifts a pixel
  /// above it (`static`: content peaks at referenceWhiteNits). What MaxCLL declares when not measured.
  public var contentLightCeilingNits: Float {
    let lifts = StageRegistry.all.contains { $0.isEnabled(self) && !$0.keepsWithinWhite }
    return lifts ? output.peakNits : min(output.referenceWhiteNits, output.peakNits)
  }
}
