import Denoise
import Imaging
import Media
import Parameters

/// Temporal shadow denoising over a ±`radiusFrames` window (``ShadowDenoiser``).
///
/// Looks ahead `radiusFrames` frames (0 when disabled). Keeps the original images of up to `radiusFrames`
/// already emitted frames as past neighbours; the window never crosses a scene cut (`isSceneCut`). A frame
/// without `underMask` passes through untouched. With `radiusFrames` 0 the frame's image is denoised in
/// place (no neighbour needs its original). Otherwise each emitted frame gets a new `image` from a recycling
/// pool (an image is reused only once nothing else references it, e.g. an original that has left the
/// window), and the originals are kept unmodified for later neighbours. `flush()` emits every held frame
/// (with the neighbours that exist) and clears the window.
public final class ShadowDenoiseStage: Stage {
  public static let descriptor = StageDescriptor(
    "shadows", params: \.shadows, enabled: { $0.shadows.enabled }, readsMasks: { _ in true },
    lookAhead: (key: "radiusFrames", frames: { $0.shadows.strength > 0 ? $0.shadows.radiusFrames : 0 }),
    make: { p, _ in try ShadowDenoiseStage(params: p.shadows) })

  public let name = "shadows"
  public let lookAheadFrames: Int
  /// The denoiser.
  public let denoiser: ShadowDenoiser
  private let radius: Int
  private let active: Bool
  /// Original frames: up to `radius` emitted ones, then the pending ones from `nextToEmit`.
  private var window: [Frame] = []
  private var nextToEmit = 0
  /// Output images for radius > 0.
  private let outputs = RecyclingPool(capacity: 32)

  /// Creates the stage; throws ``ParameterError`` (key prefixed `shadows.`) when `params` is out of range.
  public init(params: ShadowParams = ShadowParams()) throws {
    do { denoiser = try ShadowDenoiser(params: params) } catch let e as ParameterError { throw e.prefixed("shadows") }
    active = params.enabled && params.strength > 0
    radius = active ? params.radiusFrames : 0
    lookAheadFrames = radius
  }

  public func push(_ frame: Frame) throws -> [Frame] {
    if !active { return [frame] }
    if let first = window.first, first.width != frame.width || first.height != frame.height {
      // A geometry change ends the temporal context: drain, then start afresh.
      var out = try flush()
      out += try push(frame)
      return out
    }
    window.append(frame)
    var out: [Frame] = []
    while nextToEmit < window.count && window.count - 1 - nextToEmit >= radius {
      out.append(process(nextToEmit))
      nextToEmit += 1
    }
    trim()
    return out
  }

  public func flush() throws -> [Frame] {
    var out: [Frame] = []
    while nextToEmit < window.count {
      out.append(process(nextToEmit))
      nextToEmit += 1
    }
    window.removeAll()
    nextToEmit = 0
    return out
  }

  /// Denoises window[i] with the neighbours of the same scene.
  private func process(_ i: Int) -> Frame {
    var f = window[i]
    guard let mask = f.underMask else { return f }
    var lo = i, hi = i
    while lo > 0 && i - (lo - 1) <= radius && !window[lo].isSceneCut { lo -= 1 }
    while hi + 1 < window.count && hi + 1 - i <= radius && !window[hi + 1].isSceneCut { hi += 1 }
    let images = window[lo...hi].map(\.image)
    if radius == 0 {
      denoiser.denoise(window: images, center: i - lo, underMask: mask, into: f.image)
    } else {
      let out = outputs.take(width: f.width, height: f.height, channels: 3)
      denoiser.denoise(window: images, center: i - lo, underMask: mask, into: out)
      f.image = out
    }
    return f
  }

  /// Drops past frames older than `radius`.
  private func trim() {
    let drop = nextToEmit - radius
    if drop > 0 {
      window.removeFirst(drop)
      nextToEmit -= drop
    }
  }
}

extension PipelineParams {
  /// The `shadows` section.
  public var shadows: ShadowParams {
    get { self[section: ShadowParams.self] }
    set { self[section: ShadowParams.self] = newValue }
  }
}
