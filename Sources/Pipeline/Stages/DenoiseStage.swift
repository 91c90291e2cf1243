import Denoise
import Imaging
import Media

/// Whole-frame denoising before every other stage (``MotionDenoiser``), at the strength the stream's noise
/// calls for: a ``NoiseEstimator`` measures each shot (reset at scene cuts; the first
/// `NoiseEstimator.framesPerShot` frames, then every `measureEveryFrames`-th) unless `denoise.noiseSigmaLinear`
/// fixes σ. A frame is left untouched while no estimate exists (the first frame of a shot in causal mode). Windowed: looks ahead `radiusFrames` and averages
/// raw neighbours within the shot. Causal: looks ahead 0 and averages with the previous output.
public final class DenoiseStage: Stage {
  public static let descriptor = StageDescriptor(
    "denoise", params: \.denoise, enabled: { $0.denoise.enabled },
    lookAhead: (key: "radiusFrames", frames: { $0.denoise.causal ? 0 : $0.denoise.radiusFrames }),
    make: { p, _ in DenoiseStage(params: p.denoise) })

  /// Frames measured at the start of each shot, and the spacing of later measurements.
  static let framesPerShot = 8
  static let measureEveryFrames = 8

  public let name = "denoise"
  public let lookAheadFrames: Int
  let params: DenoiseParams
  let denoiser: MotionDenoiser
  let estimator = NoiseEstimator()
  private var framesInShot = 0
  /// Raw frames: up to `radius` already emitted (past neighbours), then the pending ones.
  private var window: [Frame] = []
  /// The block search's levels of each window frame, built once when first needed (a frame is matched as
  /// centre and as every pending frame's neighbour).
  private var windowLevels: [BlockMotion.Levels?] = []
  private var pendingFrom = 0
  /// The previous output (causal mode), and its search levels when the denoiser made its channel sum.
  private var previousOutput: PlanarImage?
  private var previousLevels: BlockMotion.Levels?
  /// The noise level function in use, and every shot's final estimate (for statistics).
  public private(set) var noise: NoiseLevelFunction?
  public private(set) var shotEstimates: [NoiseLevelFunction] = []
  /// The shot's latest measured estimate (reported even when it is too small to denoise).
  private var measured: NoiseLevelFunction?
  /// Below this σ at 18 % grey on every channel a shot is left untouched: it is about the 8-bit quantisation
  /// step's own noise (1/255/√12 of the code ≈ 0.001 linear at 18 % grey through γ 2.4), where averaging gains
  /// nothing measurable (data/val clean clips score the same either way) and costs most of `fast`'s time.
  static let negligibleSigmaLinear: Float = 0.0015
  /// Reused buffers (fresh 25 MB images at 1080p cost page faults and zeroing): the denoiser's working
  /// images, the frames' search levels, and the emitted images and causal copies (taken back once the rest
  /// of the pipeline has let go of them).
  private let scratch = RecyclingPool(capacity: 8)
  private let levelPool = RecyclingPool(capacity: 12)
  private let outputs = RecyclingPool(capacity: 8)

  public init(params: DenoiseParams) {
    self.params = params
    lookAheadFrames = params.causal ? 0 : params.radiusFrames
    denoiser = MotionDenoiser(
      searchRadiusPixels: params.searchRadiusPixels, strength: params.strength, keepGrain: params.keepGrain,
      spatialRadiusPixels: params.spatialRadiusPixels)
    if params.noiseSigmaLinear > 0 { noise = NoiseLevelFunction(sigma: params.noiseSigmaLinear) }
  }

  public func push(_ frame: Frame) throws -> [Frame] {
    var out: [Frame] = []
    // A cut (or a new size) ends the shot: its frames are emitted with its own estimate, never averaged across.
    if frame.isSceneCut || (window.last.map { $0.width != frame.width || $0.height != frame.height } ?? false) {
      out = drainWindow()
      endShot()
    }
    if params.causal {
      // The frame's search levels, built at most once: the block search's centre and the noise estimate's
      // channel sum.
      var levels: BlockMotion.Levels?
      let frameLevels = {
        if let levels { return levels }
        let l = BlockMotion.Levels(frame.image, pool: self.levelPool)
        levels = l
        return l
      }
      measure(frame.image, levels: frameLevels)
      out.append(emitCausal(frame, levels: frameLevels))
      return out
    }
    window.append(frame)
    windowLevels.append(nil)
    let index = window.count - 1
    // With neighbours every window frame's levels are built anyway; without, the estimate sums the channels.
    measure(frame.image, levels: params.radiusFrames > 0 ? { self.levels(at: index) } : nil)
    while pendingFrom < window.count && window.count - 1 - pendingFrom >= lookAheadFrames {
      out.append(emitWindowed(at: pendingFrom))
      pendingFrom += 1
      dropPast()
    }
    return out
  }

  public func flush() throws -> [Frame] {
    let out = drainWindow()
    endShot()
    return out
  }

  // MARK: - Private

  /// `levels` gives the frame's search levels when the stage keeps them (their channel sum is shared).
  private func measure(_ image: PlanarImage, levels: (() -> BlockMotion.Levels)?) {
    defer { framesInShot += 1 }
    guard params.noiseSigmaLinear == 0 else { return }
    if Self.isMeasured(frameInShot: framesInShot) {
      estimator.add(image, channelSum: levels?().channelSum)
      // One frame gives only the spatial measure, which texture inflates: wait for a second.
      if estimator.framesMeasured >= 2, let estimate = estimator.estimate() {
        measured = estimate
        noise = Self.isNegligible(estimate) ? nil : estimate
      }
    }
  }

  /// Whether the estimate looks at a shot's frame: each of the first `framesPerShot`, then every
  /// `measureEveryFrames`-th.
  static func isMeasured(frameInShot i: Int) -> Bool { i < framesPerShot || i % measureEveryFrames == 0 }

  /// Whether `measure` will look at the shot's next frame (`framesInShot` already counts this one).
  private var willMeasureNextFrame: Bool { params.noiseSigmaLinear == 0 && Self.isMeasured(frameInShot: framesInShot) }

  private func endShot() {
    if params.noiseSigmaLinear == 0 {
      if let measured, estimator.framesMeasured > 0 { shotEstimates.append(measured) }
      estimator.reset()
      noise = nil
      measured = nil
    }
    framesInShot = 0
    previousOutput = nil
    previousLevels = nil
  }

  static func isNegligible(_ f: NoiseLevelFunction) -> Bool {
    (0..<3).allSatisfy { f.sigma(channel: $0, level: 0.18) < negligibleSigmaLinear }
  }

  /// A copy of `image` in a recycled buffer.
  private func copy(_ image: PlanarImage) -> PlanarImage {
    let c = outputs.take(width: image.width, height: image.height, channels: image.channels)
    c.assign(from: image)
    return c
  }

  private func emitCausal(_ frame: Frame, levels: () -> BlockMotion.Levels) -> Frame {
    guard let noise else {
      // The next frame can only start denoising (and need this one as its neighbour) if it is measured.
      previousOutput = willMeasureNextFrame ? copy(frame.image) : nil
      previousLevels = nil
      return frame
    }
    let out = outputs.take(width: frame.width, height: frame.height, channels: 3)
    let neighbours =
      previousOutput.map {
        [MotionDenoiser.Neighbour(image: $0, isClean: true, levels: previousLevels ?? BlockMotion.Levels($0, pool: levelPool))]
      } ?? []
    // Later stages work on the emitted image in place; the next frame needs this stage's own output, written
    // in the same pass (the previous one is still held, so the pool hands out another buffer).
    // Its channel sum for the next block search comes from the same pass too.
    let kept = outputs.take(width: frame.width, height: frame.height, channels: 3)
    let keptSum = levelPool.take(width: frame.width, height: frame.height)
    denoiser.denoise(
      frame.image, neighbours: neighbours, noise: noise, into: out, alsoInto: kept, channelSumInto: keptSum,
      centreLevels: neighbours.isEmpty ? nil : levels(), scratch: scratch)
    previousOutput = kept
    previousLevels = BlockMotion.Levels(channelSum: keptSum, pool: levelPool)
    var f = frame
    f.image = out
    return f
  }

  private func emitWindowed(at index: Int) -> Frame {
    var f = window[index]
    guard let noise else {
      // Later stages work on the emitted image in place, and the raw frame stays here as a past neighbour.
      if params.radiusFrames > 0 { f.image = copy(f.image) }
      return f
    }
    let lo = max(0, index - params.radiusFrames), hi = min(window.count - 1, index + params.radiusFrames)
    let neighbours = (lo...hi).filter { $0 != index }.map {
      MotionDenoiser.Neighbour(image: window[$0].image, isClean: false, levels: levels(at: $0))
    }
    let out = outputs.take(width: f.width, height: f.height, channels: 3)
    denoiser.denoise(
      f.image, neighbours: neighbours, noise: noise, into: out,
      centreLevels: neighbours.isEmpty ? nil : levels(at: index), scratch: scratch)
    f.image = out
    return f
  }

  /// Window frame `index`'s search levels, built on first use.
  private func levels(at index: Int) -> BlockMotion.Levels {
    if let l = windowLevels[index] { return l }
    let l = BlockMotion.Levels(window[index].image, pool: levelPool)
    windowLevels[index] = l
    return l
  }

  /// Keeps only the past frames a pending frame can still reach.
  private func dropPast() {
    let keepFrom = max(0, pendingFrom - params.radiusFrames)
    if keepFrom > 0 {
      window.removeFirst(keepFrom)
      windowLevels.removeFirst(keepFrom)
      pendingFrom -= keepFrom
    }
  }

  private func drainWindow() -> [Frame] {
    var out: [Frame] = []
    while pendingFrom < window.count {
      out.append(emitWindowed(at: pendingFrom))
      pendingFrom += 1
    }
    window.removeAll()
    windowLevels.removeAll()
    pendingFrom = 0
    return out
  }
}

extension PipelineParams {
  /// The `denoise` section.
  public var denoise: DenoiseParams {
    get { self[section: DenoiseParams.self] }
    set { self[section: DenoiseParams.self] = newValue }
  }
}
