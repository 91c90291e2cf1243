import Fusion
import Imaging
import Media
import NN
import Parameters

/// REHDR fusion: a recurrent network predicts a log2 gain map from the frame at a reduced working size
/// (optionally guided by the frame's event voxels), and the gain is applied to the full-resolution frame
/// with guided upsampling. It is the learned replacement for ``ExpansionStage``. Looks ahead 0 frames;
/// the recurrent state carries across frames and resets at scene cuts and at `flush()`.
///
/// Per frame: the network input is the frame clamped to SDR white [0, 1] (what the network was trained
/// on: a linearised SDR frame), area-downscaled to the working size. A highlight stage before this one
/// may have rebuilt clipped pixels above 1 (largest channel L > 1): such a pixel keeps its rebuilt hue, and
/// its level blends the network's and the rebuild's in log2, by w = `fillWeight` × over mask:
/// out = (F / L) · 2^((1 − w)·gain + w·log2 L) (w = 0: the network sets the level). Unclipped pixels get
/// F · 2^gain. The factor is capped per pixel so no channel exceeds the output peak
/// (`peakNits / referenceWhiteNits`), which keeps hue. With `fusion.residual` the network corrects the frame
/// the stages before it made (usually after `expansion`'s `recover`): every pixel gets F · 2^gain, capped.
public final class FusionStage: Stage {
  public static let descriptor = StageDescriptor(
    "fusion", params: \.fusion, enabled: { $0.fusion.enabled },
    // The over mask weights a residual gain when asked; otherwise it matters only where an earlier stage
    // rebuilt a highlight, and those stages read masks.
    readsMasks: { $0.fusion.gainWeightedByOverMask },
    excludes: [("expansion", "the network expands unless fusion.residual is true")],
    excludesWhen: { !$0.fusion.residual },
    make: { p, env in try FusionStage(params: p.fusion, output: p.output, locator: env.models) })

  public let name = "fusion"
  public let lookAheadFrames = 0
  /// The validated parameters.
  public let params: FusionParams
  /// The loaded network.
  public let network: REHDRNetwork
  /// The recurrent state of the stream.
  public let state = REHDRState()
  /// Where the weights came from.
  public let modelPath: String
  let applier: GainMapApplier
  let peakLinear: Float
  let pool = TensorPool()
  let scratch = GainMapScratch()
  /// Full-resolution clamped frame and the working-size frame, reused across frames of one size.
  var clamped: PlanarImage?
  var small: PlanarImage?
  var padded: PlanarImage?
  /// The last frame's low-resolution log2 gain (tests and statistics).
  public private(set) var lastGain: Tensor?

  /// Loads the network. Throws ``ParameterError`` (key prefixed `fusion.`) for bad parameters and
  /// ``PipelineError/modelUnavailable(file:reason:)`` naming the weights file when it is missing or unusable.
  public init(params: FusionParams, output: OutputParams, locator: ModelLocator = ModelLocator()) throws {
    self.params = params
    modelPath = try locator.locate(params.model)
    do {
      network = try REHDRNetwork(contentsOf: modelPath)
    } catch {
      throw PipelineError.modelUnavailable(file: modelPath, reason: "\(error)")
    }
    applier = GainMapApplier(params: .init(radius: params.guideRadiusPixels, epsilon: params.guideEpsilon))
    peakLinear = output.peakNits / output.referenceWhiteNits
  }

  public func push(_ frame: Frame) throws -> [Frame] {
    if frame.isSceneCut { state.reset() }
    let image = frame.image
    let (ww, wh) = params.workingSize(width: image.width, height: image.height)
    let full = buffer(&clamped, width: image.width, height: image.height, channels: 3)
    FusionKernels.clampToSDRWhite(image, into: full)
    let work = buffer(&small, width: ww, height: wh, channels: 3)
    FusionKernels.resample(full, into: work)
    let pad = params.borderPaddingPixels
    var input = work
    if pad > 0 {
      input = buffer(&padded, width: ww + 2 * pad, height: wh + 2 * pad, channels: 3)
      FusionKernels.reflectPad(work, by: pad, into: input)
    }
    let events = try frame.events.map { try eventTensor($0, width: ww, height: wh, pad: pad, frameIndex: frame.index) }
    let step = network.step(input: REHDRInput.encode(input, pool: pool), events: events, state: state, pool: pool)
    let gain = pad > 0 ? crop(step, by: pad) : step
    lastGain = gain
    FusionKernels.applyGain(
      applier.upsampledGain(gain, guide: full, scratch: scratch), to: image, overMask: frame.overMask,
      fillWeight: params.fillWeight, peakLinear: peakLinear, residual: params.residual,
      maskedResidual: params.gainWeightedByOverMask, rebuiltRamp: params.residualRebuiltRampLinear)
    return [frame]
  }

  public func flush() throws -> [Frame] {
    state.reset()
    return []
  }

  // MARK: - Private

  /// The gain [1, 1, h + 2·pad, w + 2·pad] without its `pad` border.
  func crop(_ gain: Tensor, by pad: Int) -> Tensor {
    let s = gain.shape
    let out = pool.tensor(Shape(1, 1, s.h - 2 * pad, s.w - 2 * pad))
    let w = s.w - 2 * pad
    for y in 0..<(s.h - 2 * pad) {
      (out.data + y * w).update(from: gain.data + (y + pad) * s.w + pad, count: w)
    }
    return out
  }

  /// The event grid [5, h, w] resampled to the working size and mirrored by `pad`, as a [1, 5, wh + 2·pad,
  /// ww + 2·pad] tensor.
  func eventTensor(_ grid: PlanarImage, width: Int, height: Int, pad: Int, frameIndex: Int) throws -> Tensor {
    if grid.channels != REHDRInput.eventBins {
      throw PipelineError.stageFailed(
        stage: name, frameIndex: frameIndex,
        reason: "event grid has \(grid.channels) bins, expected \(REHDRInput.eventBins)")
    }
    var resized = PlanarImage(width: width, height: height, channels: grid.channels)
    FusionKernels.resample(grid, into: resized)
    if pad > 0 {
      let mirrored = PlanarImage(width: width + 2 * pad, height: height + 2 * pad, channels: grid.channels)
      FusionKernels.reflectPad(resized, by: pad, into: mirrored)
      resized = mirrored
    }
    let t = pool.tensor(Shape(1, grid.channels, resized.height, resized.width))
    (t.data).update(from: resized.data, count: resized.count)
    return t
  }

  func buffer(_ slot: inout PlanarImage?, width: Int, height: Int, channels: Int) -> PlanarImage {
    if let b = slot, b.width == width, b.height == height, b.channels == channels { return b }
    let b = PlanarImage(width: width, height: height, channels: channels)
    slot = b
    return b
  }
}

extension PipelineParams {
  /// The `fusion` section.
  public var fusion: FusionParams {
    get { self[section: FusionParams.self] }
    set { self[section: FusionParams.self] = newValue }
  }
}
