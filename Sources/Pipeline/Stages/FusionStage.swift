import Foundation
import Fusion
import Imaging
import NN
import VectorMath

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
/// (`peakNits / referenceWhiteNits`), which keeps hue.
public final class FusionStage: Stage {
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
  /// The last frame's low-resolution log2 gain (tests and statistics).
  public private(set) var lastGain: Tensor?

  /// Loads the network. Throws ``ParameterError`` (key prefixed `fusion.`) for bad parameters and
  /// ``PipelineError/modelUnavailable(file:reason:)`` naming the weights file when it is missing or unusable.
  public init(params: FusionParams, output: OutputParams, locator: ModelLocator = ModelLocator()) throws {
    do { try params.validate() } catch let e as ParameterError { throw e.prefixed("fusion") }
    self.params = params
    modelPath = try locator.locate(params.model)
    do {
      network = try REHDRNetwork(contentsOf: modelPath)
    } catch {
      throw PipelineError.modelUnavailable(file: modelPath, reason: "\(error)")
    }
    applier = GainMapApplier(params: .init(radius: params.guideRadius, epsilon: params.guideEpsilon))
    peakLinear = output.peakNits / output.referenceWhiteNits
  }

  public func push(_ frame: Frame) throws -> [Frame] {
    if frame.isSceneCut { state.reset() }
    let image = frame.image
    let (ww, wh) = params.workingSize(width: image.width, height: image.height)
    let full = buffer(&clamped, width: image.width, height: image.height, channels: 3)
    let n = image.planeSize
    let src = image.data, dst = full.data
    Parallel.forRanges(3 * n, minChunk: 16384) { s, e in
      for i in s..<e { dst[i] = min(max(src[i], 0), 1) }
    }
    let work = buffer(&small, width: ww, height: wh, channels: 3)
    Self.resample(full, into: work)
    let events = try frame.events.map { try eventTensor($0, width: ww, height: wh, frameIndex: frame.index) }
    let gain = network.step(input: REHDRInput.encode(work, pool: pool), events: events, state: state, pool: pool)
    lastGain = gain
    apply(applier.upsampledGain(gain, guide: full, scratch: scratch), to: image, overMask: frame.overMask)
    return [frame]
  }

  public func flush() throws -> [Frame] {
    state.reset()
    return []
  }

  // MARK: - Private

  /// Multiplies each pixel by 2^gain, blending rebuilt highlights' own level by `fillWeight`; caps at the peak.
  /// Eight pixels at a time (exp/ln by ``SIMDMath``, relative error ≈ 1e-7).
  func apply(_ gain: PlanarImage, to image: PlanarImage, overMask: PlanarImage?) {
    typealias V = SIMD8<Float>
    let r = image.plane(0), g = image.plane(1), b = image.plane(2), f = gain.data
    let peak = peakLinear
    let alpha = overMask == nil ? 0 : params.fillWeight
    let mask = overMask?.data
    let ln2: Float = 0.693_147_18
    Parallel.forRanges(image.planeSize, minChunk: 8192) { s, e in
      var i = s
      while i + 8 <= e {
        let rv = SIMDLoad.load8(r + i), gv = SIMDLoad.load8(g + i), bv = SIMDLoad.load8(b + i)
        let top = SIMDMath.max(SIMDMath.max(rv, gv), bv)
        var stops = SIMDLoad.load8(f + i)
        let rebuilt = top .> 1
        var level = V(repeating: 1)
        if any(rebuilt) {  // rebuilt above SDR white: keep the hue; the level blends network and rebuild
          level = level.replacing(with: 1 / top, where: rebuilt)
          if alpha > 0, let mask {
            let w = (alpha * SIMDMath.clamp(SIMDLoad.load8(mask + i), 0, 1)).replacing(with: 0, where: .!rebuilt)
            let own = SIMDMath.log(SIMDMath.max(top, V(repeating: 1))) * (1 / ln2)
            stops = (1 - w) * stops + w * own
          }
        }
        let cap = peak / SIMDMath.max(top * level, V(repeating: 1e-6))
        let k = SIMDMath.min(SIMDMath.exp(stops * ln2), cap) * level
        SIMDLoad.store8(rv * k, r + i)
        SIMDLoad.store8(gv * k, g + i)
        SIMDLoad.store8(bv * k, b + i)
        i += 8
      }
      while i < e {
        let top = max(r[i], g[i], b[i])
        var stops = f[i]
        var level: Float = 1
        if top > 1 {
          level = 1 / top
          if alpha > 0, let mask {
            let w = alpha * min(max(mask[i], 0), 1)
            stops = (1 - w) * stops + w * log2f(top)
          }
        }
        let k = min(exp2f(stops), peak / max(top * level, 1e-6)) * level
        r[i] *= k
        g[i] *= k
        b[i] *= k
        i += 1
      }
    }
  }

  /// The event grid [5, h, w] resampled to the working size as a [1, 5, wh, ww] tensor.
  func eventTensor(_ grid: PlanarImage, width: Int, height: Int, frameIndex: Int) throws -> Tensor {
    if grid.channels != REHDRInput.eventBins {
      throw PipelineError.stageFailed(
        stage: name, frameIndex: frameIndex,
        reason: "event grid has \(grid.channels) bins, expected \(REHDRInput.eventBins)")
    }
    let resized = PlanarImage(width: width, height: height, channels: grid.channels)
    Self.resample(grid, into: resized)
    let t = pool.tensor(Shape(1, grid.channels, height, width))
    for c in 0..<grid.channels {
      for y in 0..<height {
        let row = resized.row(c, y), o = t.data + (c * height + y) * width
        for x in 0..<width { o[x] = row[x] }
      }
    }
    return t
  }

  /// Area downscale where `dst` is smaller on both axes, else bilinear.
  static func resample(_ src: PlanarImage, into dst: PlanarImage) {
    if dst.width <= src.width && dst.height <= src.height {
      AreaResize.apply(src, into: dst)
    } else {
      BilinearResize.apply(src, into: dst)
    }
  }

  func buffer(_ slot: inout PlanarImage?, width: Int, height: Int, channels: Int) -> PlanarImage {
    if let b = slot, b.width == width, b.height == height, b.channels == channels { return b }
    let b = PlanarImage(width: width, height: height, channels: channels)
    slot = b
    return b
  }
}
