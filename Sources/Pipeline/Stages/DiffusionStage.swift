import Diffusion
import Imaging
import Media
import Parameters

/// Diffusion inpainting of over-exposed regions (``DiffusionInpainter``): a small conditional UNet,
/// sampled with DDIM from the PDE fill of the highlight stage (run it first), recreates detail inside the
/// over-exposure mask; pixels outside the mask are untouched. Looks ahead 0 frames; its "previous output"
/// condition resets at scene cuts and at `flush()`. Needs the mask stage before it.
public final class DiffusionStage: ReferenceConditionedStage {
  public static let descriptor = StageDescriptor(
    "diffusion", params: \.diffusion, enabled: { $0.diffusion.enabled }, readsMasks: { _ in true },
    requires: [("highlights", "diffusion starts from its fill")],
    make: { p, env in try DiffusionStage(params: p.diffusion, locator: env.models) })

  public let name = "diffusion"
  public let lookAheadFrames = 0
  /// The inpainter (network, parameters, previous output).
  public let inpainter: DiffusionInpainter
  /// Where the weights came from.
  public let modelPath: String

  /// Loads the network. Throws ``ParameterError`` (key prefixed `diffusion.`) for bad parameters and
  /// ``PipelineError/modelUnavailable(file:reason:)`` naming the weights file when it is missing or unusable.
  public init(params: DiffusionParams, locator: ModelLocator = ModelLocator()) throws {
    modelPath = try locator.locate(params.model)
    do {
      inpainter = try DiffusionInpainter(contentsOf: modelPath, params: params)
    } catch let e as ParameterError {
      throw e.prefixed("diffusion")
    } catch {
      throw PipelineError.modelUnavailable(file: modelPath, reason: "\(error)")
    }
  }

  /// Sets (nil clears) the reference still that conditions the network: linear HDR [3, h, w], any size.
  public func setReference(_ image: PlanarImage?) { inpainter.setReference(image) }

  public func push(_ frame: Frame) throws -> [Frame] {
    if frame.isSceneCut { inpainter.reset() }
    guard let over = frame.overMask else {
      throw PipelineError.stageFailed(stage: name, frameIndex: frame.index, reason: "no over-exposure mask (the mask stage must run first)")
    }
    if over.width != frame.width || over.height != frame.height {
      throw PipelineError.stageFailed(stage: name, frameIndex: frame.index, reason: "over mask size differs from image")
    }
    inpainter.apply(to: frame.image, overMask: over, underMask: frame.underMask)
    return [frame]
  }

  public func flush() throws -> [Frame] {
    inpainter.reset()
    return []
  }
}

extension PipelineParams {
  /// The `diffusion` section.
  public var diffusion: DiffusionParams {
    get { self[section: DiffusionParams.self] }
    set { self[section: DiffusionParams.self] = newValue }
  }
}
