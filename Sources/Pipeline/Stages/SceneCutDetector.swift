import Imaging
import Media
import Parameters

/// Flags scene cuts from the mean absolute luma difference of consecutive frames' signals.
///
/// Score = mean |Y'_t − Y'_{t−1}| with Y' = 0.2126·R' + 0.7152·G' + 0.0722·B' on the non-linear signal
/// (0...1), sampled on every second pixel of every second row. A cut is a score above `threshold`
/// (WindowParams.sceneCutThreshold; ≥ 1 never fires). The first frame, and the first after a size change or
/// ``reset()``, is not a cut. Call once per frame in stream order, before the mask stage.
public final class SceneCutDetector {
  /// Score above which a frame starts a new scene.
  public let threshold: Float
  /// Subsampled luma of the previous frame, [1, ⌈H/2⌉, ⌈W/2⌉].
  private var previous: PlanarImage?
  /// The luma buffer of two frames ago, reused for the next frame (no allocation per frame).
  private var spare: PlanarImage?
  private var previousSize = (0, 0)

  public init(threshold: Float) { self.threshold = threshold }

  /// Uses `params.sceneCutThreshold`.
  public convenience init(params: WindowParams) { self.init(threshold: params.sceneCutThreshold) }

  /// Forgets the previous frame.
  public func reset() { previous = nil }

  /// Scores `signal` ([3, H, W] non-linear) against the previous one and remembers it; 0 for the first frame.
  public func score(_ signal: PlanarImage) -> Float {
    let w = signal.width, h = signal.height
    let lw = (w + 1) / 2, lh = (h + 1) / 2
    let luma: PlanarImage
    if let s = spare, s.width == lw, s.height == lh, s !== previous {
      luma = s
    } else {
      luma = PlanarImage(width: lw, height: lh, channels: 1)
    }
    let prev = previous
    let hasPrev = prev != nil && previousSize == (w, h) && signal.channels >= 3
    let rowSums = UnsafeMutablePointer<Double>.allocate(capacity: lh)
    defer { rowSums.deallocate() }
    Parallel.forRanges(lh, minChunk: 8) { start, end in
      for y in start..<end {
        let r = signal.row(0, 2 * y), g = signal.row(min(1, signal.channels - 1), 2 * y)
        let b = signal.row(min(2, signal.channels - 1), 2 * y)
        let l = luma.row(0, y)
        var s: Float = 0
        for x in 0..<lw {
          let v = 0.2126 * r[2 * x] + 0.7152 * g[2 * x] + 0.0722 * b[2 * x]
          l[x] = v
          if hasPrev { s += abs(v - prev!.row(0, y)[x]) }
        }
        rowSums[y] = Double(s)
      }
    }
    spare = previous
    previous = luma
    previousSize = (w, h)
    if !hasPrev { return 0 }
    var total = 0.0
    for y in 0..<lh { total += rowSums[y] }
    return Float(total / Double(lw * lh))
  }

  /// Sets `frame.isSceneCut` from its signal (frames without a signal are never cuts and reset the state).
  public func mark(_ frame: inout Frame) {
    guard let s = frame.signal else {
      frame.isSceneCut = false
      reset()
      return
    }
    frame.isSceneCut = score(s) > threshold && threshold < 1
  }
}
