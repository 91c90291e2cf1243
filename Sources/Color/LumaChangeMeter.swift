import Imaging

/// How much the picture changed between consecutive frames: the mean |Y'_t − Y'_{t−1}| with BT.709 luma
/// weights (ITU-R BT.709 item 3.2) on the non-linear signal (0...1), sampled on every second pixel of every
/// second row. The first frame, and the first after a size change or ``reset()``, scores 0.
public final class LumaChangeMeter {
  /// Subsampled luma of the previous frame, [1, ⌈H/2⌉, ⌈W/2⌉].
  private var previous: PlanarImage?
  /// The luma buffer of two frames ago, reused for the next frame (no allocation per frame).
  private var spare: PlanarImage?
  private var previousSize = (0, 0)

  public init() {}

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
}
