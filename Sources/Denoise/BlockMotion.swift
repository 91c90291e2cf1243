import Imaging

/// Whole-pixel block motion between two frames of the same size: for each `blockSizePixels` block of `from`,
/// the displacement into `to` within ±`radiusPixels` that minimises the sum of absolute differences of the
/// channel sum. Searched coarse-to-fine (half resolution, then ±1 at full resolution); zero motion is kept
/// unless another displacement is clearly (5 %) better, so flat and noisy areas do not wander.
public struct BlockMotion: Sendable {
  public static let blockSizePixels = 16
  public let blocksX: Int
  public let blocksY: Int
  /// Displacement per block, row-major.
  public private(set) var vectors: [SIMD2<Int32>]

  /// The displacement of the block holding pixel (x, y).
  @inline(__always)
  public func vector(x: Int, y: Int) -> SIMD2<Int32> {
    vectors[min(y / Self.blockSizePixels, blocksY - 1) * blocksX + min(x / Self.blockSizePixels, blocksX - 1)]
  }

  /// Zero motion everywhere.
  public init(width: Int, height: Int) {
    blocksX = max(1, (width + Self.blockSizePixels - 1) / Self.blockSizePixels)
    blocksY = max(1, (height + Self.blockSizePixels - 1) / Self.blockSizePixels)
    vectors = Array(repeating: .zero, count: blocksX * blocksY)
  }

  /// What the search reads of one frame: its channel sum (R + G + B) and that at half resolution. Build it
  /// once for a frame matched against several others (a stage keeps it with the frame).
  public struct Levels: @unchecked Sendable {
    let full: PlanarImage
    let half: PlanarImage
    /// The frame's ``BlockMotion/channelSum(_:pool:)`` (also what ``NoiseEstimator`` builds its guide from).
    public var channelSum: PlanarImage { full }

    /// `pool` supplies the two planes (fresh 8 MB buffers cost page faults at 1080p).
    public init(_ image: PlanarImage, pool: RecyclingPool? = nil) {
      full = BlockMotion.channelSum(image, pool: pool)
      half = BlockMotion.halve(full, pool: pool)
    }

    /// The levels of a frame whose ``BlockMotion/channelSum(_:pool:)`` is already made (taken over, not copied).
    public init(channelSum: PlanarImage, pool: RecyclingPool? = nil) {
      full = channelSum
      half = BlockMotion.halve(full, pool: pool)
    }
  }

  /// Motion from `from` to `to` (same size, ≥ 1 channel; the first three are summed).
  public init(from: PlanarImage, to: PlanarImage, radiusPixels: Int) {
    self.init(from: Levels(from), to: Levels(to), radiusPixels: radiusPixels)
  }

  /// Motion between two frames' prepared ``Levels``.
  public init(from: Levels, to: Levels, radiusPixels: Int) {
    self.init(width: from.full.width, height: from.full.height)
    let a = from.full, b = to.full, ha = from.half, hb = to.half
    let bx = blocksX, b2 = Self.blockSizePixels / 2, coarse = max(1, radiusPixels / 2)
    var out = vectors
    out.withUnsafeMutableBufferPointer { buf in
      let buf = buf
      Parallel.forRanges(blocksX * blocksY, minChunk: 4) { s, e in
        for i in s..<e {
          let x0 = (i % bx) * 2 * b2, y0 = (i / bx) * 2 * b2
          let c =
            BlockSearch.interior(ha, hb, x: x0 / 2, y: y0 / 2, size: b2, around: .zero, radius: coarse, step: 2)
            ?? Self.search(ha, hb, x: x0 / 2, y: y0 / 2, size: b2, around: .zero, radius: coarse, step: 2)
          let f =
            BlockSearch.interior(a, b, x: x0, y: y0, size: 2 * b2, around: c &* 2, radius: 1, step: 2)
            ?? Self.search(a, b, x: x0, y: y0, size: 2 * b2, around: c &* 2, radius: 1, step: 2)
          buf[i] = f
        }
      }
    }
    vectors = out
  }

  /// The displacement near `around` (±radius) with the least SAD over the block, sampled every `step` pixels
  /// (edges clamped). The reference for ``BlockSearch``, which takes the blocks that need no clamping.
  static func search(
    _ a: PlanarImage, _ b: PlanarImage, x x0: Int, y y0: Int, size: Int, around: SIMD2<Int32>, radius: Int, step: Int
  ) -> SIMD2<Int32> {
    let w = a.width, h = a.height, pa = a.plane(0), pb = b.plane(0)
    func sad(_ d: SIMD2<Int32>) -> Float {
      var s: Float = 0
      for y in Swift.stride(from: y0, to: min(y0 + size, h), by: step) {
        let ys = min(max(y + Int(d.y), 0), h - 1)
        for x in Swift.stride(from: x0, to: min(x0 + size, w), by: step) {
          s += abs(pa[y * w + x] - pb[ys * w + min(max(x + Int(d.x), 0), w - 1)])
        }
      }
      return s
    }
    var best = around, bestCost = sad(around) * (around == .zero ? 0.95 : 1)
    for dy in -radius...radius {
      for dx in -radius...radius where dx != 0 || dy != 0 {
        let d = around &+ SIMD2(Int32(dx), Int32(dy))
        let c = sad(d)
        if c < bestCost { (best, bestCost) = (d, c) }
      }
    }
    return best
  }

  /// R + G + B as one plane.
  static func channelSum(_ img: PlanarImage, pool: RecyclingPool? = nil) -> PlanarImage {
    let out =
      pool?.take(width: img.width, height: img.height) ?? PlanarImage(width: img.width, height: img.height, channels: 1)
    let n = img.planeSize, src = img.data, dst = out.data, k = min(img.channels, 3)
    Parallel.forRanges(n, minChunk: 16384) { s, e in
      var i = s
      // Eight at a time where there are three channels, added in the scalar order (0 + R + G + B).
      if k == 3 {
        while i + 8 <= e {
          let r = SIMDLoad.load8(src + i), g = SIMDLoad.load8(src + n + i), b = SIMDLoad.load8(src + 2 * n + i)
          SIMDLoad.store8(((SIMD8<Float>.zero + r) + g) + b, dst + i)
          i += 8
        }
      }
      for i in i..<e {
        var v: Float = 0
        for c in 0..<k { v += src[c * n + i] }
        dst[i] = v
      }
    }
    return out
  }

  /// 2×2 box mean of a one-plane image (odd last row/column dropped; at least 1×1).
  static func halve(_ img: PlanarImage, pool: RecyclingPool? = nil) -> PlanarImage {
    let w = max(1, img.width / 2), h = max(1, img.height / 2), sw = img.width, sh = img.height
    let out = pool?.take(width: w, height: h) ?? PlanarImage(width: w, height: h, channels: 1)
    let s = img.data, d = out.data
    Parallel.forRanges(h, minChunk: 8) { y0, y1 in
      for y in y0..<y1 {
        let r0 = min(2 * y, sh - 1), r1 = min(2 * y + 1, sh - 1)
        for x in 0..<w {
          let c0 = min(2 * x, sw - 1), c1 = min(2 * x + 1, sw - 1)
          d[y * w + x] = 0.25 * (s[r0 * sw + c0] + s[r0 * sw + c1] + s[r1 * sw + c0] + s[r1 * sw + c1])
        }
      }
    }
    return out
  }
}
