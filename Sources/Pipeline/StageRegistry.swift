/// Every stage, in processing order. `ReexposePipeline`, the preset schema, the generated preset docs and
/// the stage-contract test iterate this list; a new stage is its algorithm module, its stage file (with its
/// `descriptor`) and one line here (plus its section's property in `PipelineParams`).
public enum StageRegistry {
  public static let all: [StageDescriptor] = [
    DenoiseStage.descriptor,
    MaskStage.descriptor,
    HighlightStage.descriptor,
    DiffusionStage.descriptor,
    ExpansionStage.descriptor,
    FusionStage.descriptor,
    RecallStage.descriptor,
  ]

  /// The stage called `name`, or nil.
  public static func stage(_ name: String) -> StageDescriptor? { all.first { $0.name == name } }
}
