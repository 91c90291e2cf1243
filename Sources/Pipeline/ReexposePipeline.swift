import Execution
import Denoise
import Imaging
import Media
import Parameters

/// The whole restoration pipeline built from `PipelineParams`: scene-cut marking, then the active stages of
/// ``StageRegistry`` in its order (denoise → masks → highlights → diffusion → expansion or fusion).
///
/// It owns the stream's invariants: every frame keeps its size (the first frame sets it), indexes are
/// assigned in arrival order, and each pushed frame comes out exactly once, in order. Stages that nothing
/// needs are left out (the `static` preset runs none). Look-ahead is the sum of its stages'.
public final class ReexposePipeline {
  /// The validated parameters.
  public let params: PipelineParams
  let chain: StageChain
  let sceneCuts: SceneCutDetector
  var size: (width: Int, height: Int)?
  var nextIndex = 0
  /// The execution context every push and flush runs under (its worker count and kernel choices).
  public let context: ExecutionContext

  /// Builds the stages; throws `ParameterError` (dotted key) for invalid parameters and
  /// ``PipelineError/modelUnavailable(file:reason:)`` when a learned stage's weights cannot be loaded
  /// (`models` finds them by name).
  public init(params: PipelineParams, models: ModelLocator = ModelLocator(), context: ExecutionContext = .default) throws {
    self.context = context
    try params.validate()
    self.params = params
    let environment = StageEnvironment(models: models)
    chain = StageChain(try StageRegistry.all.filter { $0.isEnabled(params) }.map { try $0.make(params, environment) })
    sceneCuts = SceneCutDetector(params: params.window)
  }

  /// Frames held back before the first output.
  public var lookAheadFrames: Int { chain.lookAheadFrames }

  /// The active stages, in order.
  public var stages: [Stage] { chain.stages }

  /// The noise level function the denoise stage measured for each shot so far (empty when it does not run, or
  /// runs with a fixed σ); complete after `flush()`.
  public var noiseEstimates: [NoiseLevelFunction] {
    chain.stages.compactMap { $0 as? DenoiseStage }.flatMap(\.shotEstimates)
  }

  /// Names of the active stages, in order.
  public var stageNames: [String] { chain.stages.map(\.name) }

  /// Whether pushed frames need their non-linear `signal` (masks and scene-cut marking read it). False when
  /// no stage runs (the `static` preset): callers may then push frames without a signal, which also skips
  /// scene-cut detection, since nothing would read `isSceneCut`.
  public var needsSignal: Bool { !chain.stages.isEmpty }

  /// Hands a still of the scene to the stages it conditions (diffusion inpainting); nil clears it.
  /// - Throws: ``PipelineError/invalidParameter(_:)`` when no active stage takes a reference.
  public func setReference(_ image: PlanarImage?) throws {
    let takers = chain.stages.compactMap { $0 as? ReferenceConditionedStage }
    if takers.isEmpty {
      throw PipelineError.invalidParameter("a reference image needs a preset with diffusion inpainting (quality)")
    }
    for stage in takers { stage.setReference(image) }
  }

  /// Pushes one frame (its `index` is reassigned in arrival order); returns the frames ready now.
  public func push(_ input: Frame) throws -> [Frame] {
    var frame = input
    if let size {
      if frame.width != size.width || frame.height != size.height {
        throw PipelineError.geometryChanged(
          frameIndex: nextIndex, expected: "\(size.width)x\(size.height)", got: "\(frame.width)x\(frame.height)")
      }
    } else {
      size = (frame.width, frame.height)
    }
    frame.index = nextIndex
    nextIndex += 1
    return try context.run {
      if frame.signal != nil { sceneCuts.mark(&frame) }
      return try chain.push(frame)
    }
  }

  /// Returns every frame still held (end of stream).
  public func flush() throws -> [Frame] {
    try context.run { try chain.flush() }
  }
}
