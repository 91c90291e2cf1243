import Imaging
import VectorMath

/// Estimates a shot's noise level function from the stream itself (linear RGB frames, 1 = SDR white).
///
/// Per 16×16 block and channel it measures the noise variance two ways: spatially, from the response to
/// Immerkær's Laplacian-difference kernel (J. Immerkær, "Fast noise variance estimation", CVIU 1996: for white
/// noise E|I∗M| = 6σ·√(2/π)), which texture inflates; and temporally, from the difference to the previous
/// frame at the block's best displacement within ±`searchRadiusPixels` (E|Δ| = σ·√2·√(2/π)), which motion the
/// search cannot follow inflates. The block keeps the smaller of the two. Blocks are binned by level; each bin's
/// low percentile (blocks where neither texture nor motion added anything), scaled by the percentile's known
/// bias on pure noise, is one point of σ²(x), and `shot·x + read` is fitted to the points (non-negative, by
/// relative error). Clipped and crushed blocks carry no noise and are skipped. `reset()` at a scene cut.
public final class NoiseEstimator {
  /// Block side in pixels.
  public static let blockSizePixels = 16
  /// Displacement searched for the temporal difference, in pixels each way.
  public static let searchRadiusPixels = 4
  /// Blocks measured per frame at most (spread over the frame), which bounds the cost at any resolution.
  public static let maxBlocksPerFrame = 768
  /// Level bins, uniform in √level.
  static let binCount = 8
  /// A bin counts once it holds this many blocks.
  static let minBlocksPerBin = 12
  /// The percentile taken of each bin's block variances, and its bias on pure white noise (measured on
  /// Gaussian noise, 16×16 blocks: the 20th percentile of block σ is 0.91 σ for both estimators).
  static let percentile: Float = 0.2
  static let percentileBias: Float = 0.91 * 0.91
  /// Levels at or above this (clipped) or at or below `crushedLinear` carry no measurable noise.
  static let clippedLinear: Float = 0.98
  static let crushedLinear: Float = 0.0005
  /// Samples kept per bin and channel (the oldest are dropped).
  static let maxSamplesPerBin = 8192

  /// Block variances per channel and bin: (level, variance).
  private var samples: [[[SIMD2<Float>]]]
  private var previous: PlanarImage?
  /// 3×3 box mean of the previous frame's channel sum (what displacements are ranked on).
  private var previousGuide: PlanarImage?
  /// Frames measured since the last reset.
  public private(set) var framesMeasured = 0
  /// The guide's planes and the box blur's scratch, reused across frames (fresh 8 MB planes at 1080p cost
  /// page faults and zeroing on every measured frame). Holds at most the current and the previous guide, the
  /// channel sum and the scratch.
  private let pool = RecyclingPool(capacity: 4)

  public init() {
    samples = Array(repeating: Array(repeating: [], count: Self.binCount), count: 3)
  }

  /// Forgets the shot (call at a scene cut).
  public func reset() {
    samples = Array(repeating: Array(repeating: [], count: Self.binCount), count: 3)
    previous = nil
    previousGuide = nil
    framesMeasured = 0
  }

  /// Measures `image` ([3, H, W] linear), against the previously added frame when it has the same size.
  /// - Parameter channelSum: `image`'s ``BlockMotion/channelSum(_:pool:)`` if the caller has it (the denoise
  ///   stage builds it for the block search anyway); computed here otherwise.
  public func add(_ image: PlanarImage, channelSum: PlanarImage? = nil) {
    let b = Self.blockSizePixels
    let w = image.width, h = image.height
    guard image.channels >= 3, w >= b + 2, h >= b + 2 else { return }
    let prev = previous.flatMap { $0.width == w && $0.height == h ? $0 : nil }
    // The previous guide is held while this one is taken, so the pool hands out another plane.
    let sum = channelSum.flatMap { $0.width == w && $0.height == h && $0.channels == 1 ? $0 : nil }
    let guide = Self.guide(image, channelSum: sum, pool: pool)
    let prevGuide = prev == nil ? nil : previousGuide
    let cols = (w - 2) / b, rows = (h - 2) / b
    let stride = max(1, Int((Double(cols * rows) / Double(Self.maxBlocksPerFrame)).squareRoot().rounded(.up)))
    var blocks: [(x: Int, y: Int)] = []
    for by in Swift.stride(from: 0, to: rows, by: stride) {
      for bx in Swift.stride(from: 0, to: cols, by: stride) { blocks.append((1 + bx * b, 1 + by * b)) }
    }
    var found = [SIMD2<Float>?](repeating: nil, count: blocks.count * 3)
    found.withUnsafeMutableBufferPointer { out in
      let out = out
      Parallel.forRanges(blocks.count, minChunk: 8) { s, e in
        for i in s..<e {
          let m = Self.measure(
            image, previous: prev, guides: prevGuide.map { (guide, $0) }, x: blocks[i].x, y: blocks[i].y)
          for c in 0..<3 { out[i * 3 + c] = m[c] }
        }
      }
    }
    for (i, _) in blocks.enumerated() {
      for c in 0..<3 {
        guard let m = found[i * 3 + c] else { continue }
        let bin = min(Self.binCount - 1, Int(m.x.squareRoot() * Float(Self.binCount)))
        samples[c][bin].append(SIMD2(m.x, m.y))
        if samples[c][bin].count > Self.maxSamplesPerBin { samples[c][bin].removeFirst(Self.maxSamplesPerBin / 4) }
      }
    }
    // The private copy is overwritten in place once it exists (a fresh 1080p frame costs page faults and zeroing).
    if let p = previous, p.hasSameShape(as: image) { p.assign(from: image) } else { previous = image.copy() }
    previousGuide = guide
    framesMeasured += 1
  }

  /// The fitted noise level function, or nil while no channel has a populated bin.
  public func estimate() -> NoiseLevelFunction? {
    var shot = SIMD3<Float>.zero, read = SIMD3<Float>.zero
    var any = false
    var measured: [Int] = []
    for c in 0..<3 {
      var points: [(x: Float, v: Float, n: Float)] = []
      for bin in samples[c] where bin.count >= Self.minBlocksPerBin {
        let variances = bin.map(\.y).sorted()
        let v = variances[Int(Float(variances.count - 1) * Self.percentile)] / Self.percentileBias
        let x = bin.reduce(0) { $0 + $1.x } / Float(bin.count)
        points.append((x, v, Float(bin.count)))
      }
      guard !points.isEmpty else { continue }
      any = true
      measured.append(c)
      (shot[c], read[c]) = Self.fit(points)
    }
    // A channel with no usable block (saturated colours leave one channel clipped or crushed everywhere) takes
    // the other channels' mean: noise is never absent from one channel alone, and zero would make every
    // difference in it look like motion.
    for c in 0..<3 where !measured.contains(c) && !measured.isEmpty {
      shot[c] = measured.reduce(0) { $0 + shot[$1] } / Float(measured.count)
      read[c] = measured.reduce(0) { $0 + read[$1] } / Float(measured.count)
    }
    return any ? NoiseLevelFunction(shot: shot, read: read) : nil
  }

  /// Non-negative `a·x + b` through the points, each weighted by its block count over its variance squared
  /// (relative error, so dark bins count as much as bright ones).
  public static func fit(_ points: [(x: Float, v: Float, n: Float)]) -> (Float, Float) {
    let ws = points.map { Double($0.n) / max(Double($0.v * $0.v), 1e-24) }
    var sw = 0.0, sx = 0.0, sv = 0.0, sxx = 0.0, sxv = 0.0
    for (p, w) in zip(points, ws) {
      let x = Double(p.x), v = Double(p.v)
      sw += w; sx += w * x; sv += w * v; sxx += w * x * x; sxv += w * x * v
    }
    let det = sw * sxx - sx * sx
    if points.count >= 2, det > 1e-18 * sw * sxx {
      let a = (sw * sxv - sx * sv) / det, b = (sv - a * sx) / sw
      if a >= 0 && b >= 0 { return (Float(a), Float(b)) }
      if a < 0 { return (0, Float(sv / sw)) }
      return (Float(sxv / sxx), 0)
    }
    return (0, Float(sv / sw))
  }

  /// (level, variance) of the block at (x, y) per channel; nil where the block is clipped or crushed.
  static func measure(
    _ image: PlanarImage, previous: PlanarImage?, guides: (PlanarImage, PlanarImage)?, x x0: Int, y y0: Int
  ) -> [SIMD2<Float>?] {
    let b = blockSizePixels, w = image.width, h = image.height
    let displacement = guides.map { bestDisplacement($0.0, $0.1, x: x0, y: y0) }
    var out: [SIMD2<Float>?] = []
    for c in 0..<3 {
      let p = image.plane(c)
      var sum: Float = 0, lo = Float.infinity, hi = -Float.infinity, lap: Float = 0
      for y in y0..<(y0 + b) {
        for x in x0..<(x0 + b) {
          let v = p[y * w + x]
          sum += v
          lo = min(lo, v)
          hi = max(hi, v)
          // Immerkær's kernel [1 −2 1; −2 4 −2; 1 −2 1], whose response cancels planes and ramps.
          let up = (y - 1) * w + x, mid = y * w + x, down = (y + 1) * w + x
          let r = p[up - 1] - 2 * p[up] + p[up + 1] - 2 * (p[mid - 1] - 2 * p[mid] + p[mid + 1])
            + p[down - 1] - 2 * p[down] + p[down + 1]
          lap += abs(r)
        }
      }
      let n = Float(b * b)
      let level = sum / n
      if hi >= clippedLinear || lo <= crushedLinear {
        out.append(nil)
        continue
      }
      let meanLap = lap / n
      var variance = Float.pi / 2 * meanLap * meanLap / 36
      if let previous, let d = displacement {
        let q = previous.plane(c)
        var diff: Float = 0
        for y in y0..<(y0 + b) {
          let ys = min(max(y + d.y, 0), h - 1)
          for x in x0..<(x0 + b) { diff += abs(p[y * w + x] - q[ys * w + min(max(x + d.x, 0), w - 1)]) }
        }
        let meanDiff = diff / n
        variance = min(variance, Float.pi / 4 * meanDiff * meanDiff)
      }
      out.append(SIMD2(level, variance))
    }
    return out
  }

  /// The 3×3 box mean of the channel sum: displacements are ranked on it so noise does not steer the choice.
  /// `channelSum` is `image`'s when the caller has it; `pool` supplies the planes.
  static func guide(_ image: PlanarImage, channelSum: PlanarImage? = nil, pool: RecyclingPool? = nil) -> PlanarImage {
    let sum = channelSum ?? BlockMotion.channelSum(image, pool: pool)
    let w = image.width, h = image.height
    let out = pool?.take(width: w, height: h) ?? PlanarImage(width: w, height: h, channels: 1)
    let scratch = pool?.take(width: w, height: h) ?? PlanarImage(width: w, height: h, channels: 1)
    BoxBlur.apply(sum, radius: 1, into: out, scratch: scratch)
    return out
  }

  /// The displacement into the previous frame that best matches the block, ranked on the two frames' guides
  /// (``guide(_:)``), every other pixel; zero motion wins unless another is clearly (10 %) better.
  /// `lanes: false` ranks every block with the scalar loop (the reference in the tests).
  static func bestDisplacement(
    _ current: PlanarImage, _ previous: PlanarImage, x x0: Int, y y0: Int, lanes: Bool = true
  ) -> (x: Int, y: Int) {
    let b = blockSizePixels, r = searchRadiusPixels, w = current.width, h = current.height
    let pc = current.data, pp = previous.data
    func cost(_ dx: Int, _ dy: Int) -> Float {
      var s: Float = 0
      for y in Swift.stride(from: y0, to: y0 + b, by: 2) {
        let ys = min(max(y + dy, 0), h - 1)
        for x in Swift.stride(from: x0, to: x0 + b, by: 2) { s += abs(pc[y * w + x] - pp[ys * w + min(max(x + dx, 0), w - 1)]) }
      }
      return s
    }
    // Interior blocks (no sample's displacement reaches past an edge, so no clamping): the candidates' dx
    // −4…3 in the lanes of one vector, each lane summed in the scalar order, so the costs are the same floats.
    let interior = lanes && r == 4 && x0 - r >= 0 && x0 + b - 2 + r <= w - 1 && y0 - r >= 0 && y0 + b - 2 + r <= h - 1
    var best = (x: 0, y: 0), bestCost: Float
    if interior {
      var costs = [Float](repeating: 0, count: (2 * r + 1) * (2 * r + 1))
      for dy in -r...r {
        var lanes = SIMD8<Float>.zero, last: Float = 0
        for y in Swift.stride(from: y0, to: y0 + b, by: 2) {
          let row = pp + (y + dy) * w
          for x in Swift.stride(from: x0, to: x0 + b, by: 2) {
            let c = pc[y * w + x]
            lanes += SIMDMath.abs(SIMD8<Float>(repeating: c) - SIMDLoad.load8(row + x - r))
            last += abs(c - row[x + r])
          }
        }
        for l in 0..<8 { costs[(dy + r) * (2 * r + 1) + l] = lanes[l] }
        costs[(dy + r) * (2 * r + 1) + 2 * r] = last
      }
      bestCost = costs[r * (2 * r + 1) + r] * 0.9
      for dy in -r...r {
        for dx in -r...r where dx != 0 || dy != 0 {
          let c = costs[(dy + r) * (2 * r + 1) + dx + r]
          if c < bestCost { (best, bestCost) = ((dx, dy), c) }
        }
      }
      return best
    }
    bestCost = cost(0, 0) * 0.9
    for dy in -r...r {
      for dx in -r...r where dx != 0 || dy != 0 {
        let c = cost(dx, dy)
        if c < bestCost { (best, bestCost) = ((dx, dy), c) }
      }
    }
    return best
  }
}
