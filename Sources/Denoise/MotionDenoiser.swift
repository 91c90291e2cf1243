import Foundation
import Imaging

/// Motion-compensated temporal averaging followed by an edge-aware spatial pass, both scaled to the noise the
/// stream shows (a `NoiseLevelFunction`), so a clean source comes out untouched.
///
/// Temporal: each neighbour frame is aligned by `BlockMotion`; a pixel's aligned neighbour joins the average
/// with weight 1 when the 3×3 mean of each channel's difference is within 4 expected standard deviations
/// of pure noise on every channel, fading to 0 at 8 on any (motion the blocks did not follow, occlusions, cuts
/// and colours of equal brightness never ghost).
/// Spatial: a 5×5 cross-bilateral on the temporal result whose range scale is the noise left after averaging.
/// Then `strength` blends toward the result and `keepGrain` adds that fraction of the removed noise back.
public struct MotionDenoiser: Sendable {
  /// Weight 1 below this many standard deviations of the expected difference, 0 above `rejectSigmas`. The
  /// expectation takes the noise as independent per pixel, which it is not after 4:2:0 chroma and codecs (the
  /// 3×3 means vary more): on data/tune 2/4 rejected so much of heavy noise that hdr10-pq / fast scored
  /// 21.28 / 21.20 dB PU21-PSNR with temporal error 13.80 / 14.30, against 21.33 / 21.27 dB and 13.67 / 14.14
  /// at 4/8 (3/6: 21.31 / 21.24, 13.72 / 14.20; 6/12: 21.35 / 21.30, 13.63 / 14.07, with clean clips' temporal
  /// error rising); clean clips score the same at each.
  static let acceptSigmas: Float = 4
  static let rejectSigmas: Float = 8
  /// Spatial pass: Gaussian σ of the 5×5 window in pixels, and the range kernel's width in residual σ.
  static let spatialSigmaPixels: Float = 1.2
  static let rangeSigmas: Float = 2

  public var searchRadiusPixels: Int
  public var strength: Float
  public var keepGrain: Float
  /// Half-width of the spatial window: 2 (5×5, 25 taps), 1 (3×3, 9 taps: about a third of the pass's cost,
  /// for the causal mode's budget) or 0 (no spatial pass: the temporal average only).
  public var spatialRadiusPixels: Int

  public init(searchRadiusPixels: Int = 8, strength: Float = 1, keepGrain: Float = 0, spatialRadiusPixels: Int = 2) {
    self.searchRadiusPixels = searchRadiusPixels
    self.strength = strength
    self.keepGrain = keepGrain
    self.spatialRadiusPixels = min(max(spatialRadiusPixels, 0), 2)
  }

  /// A neighbour frame and whether it is already denoised (a previous output: its own noise is then not
  /// counted in the expected difference), with its search levels where the caller keeps them per frame.
  public struct Neighbour {
    public var image: PlanarImage
    public var isClean: Bool
    public var levels: BlockMotion.Levels?
    public init(image: PlanarImage, isClean: Bool, levels: BlockMotion.Levels? = nil) {
      self.image = image
      self.isClean = isClean
      self.levels = levels
    }
  }

  /// Denoises `center` ([3, H, W] linear) into `out` (same size; may not be `center`).
  /// - Parameters:
  ///   - copy: a second image (same size) that receives the same result, written in the same pass (the causal
  ///     stage keeps its own copy of each output; a separate copy afterwards rereads 25 MB at 1080p).
  ///   - sum: a one-plane image that receives the result's ``BlockMotion/channelSum(_:pool:)`` (added in its
  ///     order), for the next frame's block search, without another pass over the result.
  ///   - centreLevels: `center`'s ``BlockMotion/Levels`` if the caller has them (built here otherwise).
  ///   - scratch: where the working images come from; a caller denoising a stream keeps one, so that 1080p
  ///     frames do not allocate (and page-fault) a hundred megabytes each. Not shared between threads.
  public func denoise(
    _ center: PlanarImage, neighbours: [Neighbour], noise: NoiseLevelFunction, into out: PlanarImage,
    alsoInto copy: PlanarImage? = nil, channelSumInto sum: PlanarImage? = nil, centreLevels: BlockMotion.Levels? = nil,
    scratch: RecyclingPool? = nil
  ) {
    if let sum { precondition(sum.width == out.width && sum.height == out.height && sum.channels == 1, "sum plane size") }
    if let copy { precondition(copy.hasSameShape(as: out) && copy !== out, "the copy needs its own image of out's shape") }
    let pool = scratch ?? RecyclingPool()
    let w = center.width, h = center.height, n = center.planeSize
    // Without noise no difference is noise: nothing is averaged (and the spatial pass leaves every pixel).
    let usable = noise == .zero ? [] : neighbours.filter { $0.image.width == w && $0.image.height == h && $0.image.channels >= 3 }
    let temporal = pool.take(width: w, height: h, channels: 4)  // 3 channels of the average, then the weight sum
    let cp = center.data, tp = temporal.data
    if usable.isEmpty {
      // The centre alone, with weight 1.
      for c in 0..<3 { (tp + c * n).update(from: cp + c * n, count: n) }
      (tp + 3 * n).update(repeating: 1, count: n)
    }
    let centreLevels = usable.isEmpty ? nil : centreLevels ?? BlockMotion.Levels(center, pool: pool)
    for (k, neighbour) in usable.enumerated() {
      let motion = BlockMotion(
        from: centreLevels!, to: neighbour.levels ?? BlockMotion.Levels(neighbour.image, pool: pool),
        radiusPixels: searchRadiusPixels)
      let decision = TemporalWeight(
        acceptSigmas: Self.acceptSigmas, rejectSigmas: Self.rejectSigmas, factor: (neighbour.isClean ? 1 : 2) / 9,
        shot: noise.shot, read: noise.read)
      // The neighbour moved onto the centre's grid block by block, compared per channel (so a neighbour of
      // another colour but the same brightness is not taken for the same), in one pass over the frame. The
      // first neighbour starts from the centre alone and the last divides by the weight sum.
      TemporalPass.run(
        centre: center, neighbour: neighbour.image, motion: motion, decision: decision, into: temporal,
        startFromCentre: k == 0, normalise: k == usable.count - 1)
    }
    spatial(temporal, center: center, noise: noise, into: out, alsoInto: copy, channelSumInto: sum)
  }

  /// `image` resampled onto the centre's grid: each block's pixels taken from their displaced position
  /// (edges clamped). The plain reference for `TemporalPass.alignRow`.
  static func align(_ image: PlanarImage, by motion: BlockMotion) -> PlanarImage {
    let w = image.width, h = image.height, out = PlanarImage(width: w, height: h)
    for y in 0..<h {
      for x in 0..<w {
        let v = motion.vector(x: x, y: y)
        let ys = min(max(y + Int(v.y), 0), h - 1), xs = min(max(x + Int(v.x), 0), w - 1)
        for c in 0..<3 { out[c, y, x] = image[c, ys, xs] }
      }
    }
    return out
  }

  /// The (2r+1)² cross-bilateral pass (r = `spatialRadiusPixels`) on the temporal average, then the strength
  /// and grain blends against `center`.
  func spatial(
    _ t: PlanarImage, center: PlanarImage, noise: NoiseLevelFunction, into out: PlanarImage, alsoInto copy: PlanarImage? = nil,
    channelSumInto sum: PlanarImage? = nil
  ) {
    let w = t.width, h = t.height, n = t.planeSize, tp = t.data, cp = center.data, op = out.data, op2 = copy?.data
    let sp = sum?.data
    let r = spatialRadiusPixels, side = 2 * r + 1
    var spatialWeights = [Float](repeating: 0, count: side * side)
    for dy in -r...r {
      for dx in -r...r {
        spatialWeights[(dy + r) * side + dx + r] = expf(-Float(dx * dx + dy * dy) / (2 * Self.spatialSigmaPixels * Self.spatialSigmaPixels))
      }
    }
    let sw = spatialWeights, strength = strength, grain = keepGrain
    let shotSum = noise.shot.sum(), readSum = noise.read.sum()
    Parallel.forRanges(h, minChunk: 4) { y0, y1 in
      for y in y0..<y1 {
        // Eight interior pixels at a time (no clamping needed two pixels in from every edge).
        var x = 0
        if y >= 2 && y < h - 2 {
          x = 2
          // The radius as a type, so each specialisation's tap loops are unrolled for it.
          while x + 8 <= w - 2 {
            switch r {
            case 2:
              Self.spatial8(
                tp, cp, op, i: y * w + x, w: w, n: n, sw: sw, shotSum: shotSum, readSum: readSum, strength: strength,
                grain: grain, copy: op2, sum: sp, window: Window5.self)
            case 1:
              Self.spatial8(
                tp, cp, op, i: y * w + x, w: w, n: n, sw: sw, shotSum: shotSum, readSum: readSum, strength: strength,
                grain: grain, copy: op2, sum: sp, window: Window3.self)
            default:
              Self.spatial8(
                tp, cp, op, i: y * w + x, w: w, n: n, sw: sw, shotSum: shotSum, readSum: readSum, strength: strength,
                grain: grain, copy: op2, sum: sp, window: Window1.self)
            }
            x += 8
          }
        }
        for x in 0..<w where !(y >= 2 && y < h - 2 && x >= 2 && x < (2 + (w - 4) / 8 * 8)) {
          let i = y * w + x
          let level = (tp[i] + tp[n + i] + tp[2 * n + i]) / 3
          // Residual variance of the channel sum after averaging `count` frames.
          let residual = (shotSum * max(level, 0) + readSum) / tp[3 * n + i]
          var result = SIMD3<Float>(tp[i], tp[n + i], tp[2 * n + i])
          if residual > 1e-18 {
            let inv = 1 / (2 * Self.rangeSigmas * Self.rangeSigmas * residual)
            let centreSum = result.sum()
            var acc = SIMD3<Float>.zero, wsum: Float = 0
            for dy in -r...r {
              let yy = min(max(y + dy, 0), h - 1)
              for dx in -r...r {
                let j = yy * w + min(max(x + dx, 0), w - 1)
                let v = SIMD3<Float>(tp[j], tp[n + j], tp[2 * n + j])
                let d = v.sum() - centreSum
                let wt = sw[(dy + r) * side + dx + r] * Self.fastExpNegative(d * d * inv)
                acc += wt * v
                wsum += wt
              }
            }
            result = acc / wsum
          }
          for c in 0..<3 {
            let original = cp[c * n + i]
            let denoised = original + strength * (result[c] - original)
            op[c * n + i] = denoised + grain * (original - denoised)
            if let op2 { op2[c * n + i] = op[c * n + i] }
          }
          if let sp { sp[i] = ((0 + op[i]) + op[n + i]) + op[2 * n + i] }
        }
      }
    }
  }

  /// e^−t for t ≥ 0 as (1 + t/16)^−16: within 3 % of e^−t where the weight matters (t < 4) and falling as fast
  /// beyond; four squarings and a division instead of `expf`.
  @inline(__always)
  static func fastExpNegative(_ t: Float) -> Float {
    var u = 1 + t * (1 / 16)
    u *= u
    u *= u
    u *= u
    u *= u
    return 1 / u
  }

  /// The spatial pass for the eight interior pixels from index `i` (as the scalar loop, lane by lane), with
  /// a (2·radius+1)² window.
  @inline(__always)
  static func spatial8<Window: SpatialWindow>(
    _ tp: UnsafeMutablePointer<Float>, _ cp: UnsafeMutablePointer<Float>, _ op: UnsafeMutablePointer<Float>,
    i: Int, w: Int, n: Int, sw: [Float], shotSum: Float, readSum: Float, strength: Float, grain: Float,
    copy op2: UnsafeMutablePointer<Float>?, sum sp: UnsafeMutablePointer<Float>?, window: Window.Type
  ) {
    let radius = Window.radius
    typealias V = SIMD8<Float>
    let r = SIMDLoad.load8(tp + i), g = SIMDLoad.load8(tp + n + i), b = SIMDLoad.load8(tp + 2 * n + i)
    let count = SIMDLoad.load8(tp + 3 * n + i)
    let centreSum = r + g + b
    let level = (centreSum * (1 / 3)).replacing(with: 0, where: centreSum .< 0)
    let residual = (shotSum * level + readSum) / count
    let active = residual .> 1e-18
    let inv = 1 / (2 * rangeSigmas * rangeSigmas * residual.replacing(with: 1e-18, where: .!active))
    // d²·inv·(1/16) as d²·(inv/16): scaling by a power of two is exact, so the product is the same.
    let inv16 = inv * (1 / 16)
    var ar = V.zero, ag = V.zero, ab = V.zero, ws = V.zero
    var k = 0
    for dy in -radius...radius {
      let row = i + dy * w
      for dx in -radius...radius {
        let j = row + dx
        let vr = SIMDLoad.load8(tp + j), vg = SIMDLoad.load8(tp + n + j), vb = SIMDLoad.load8(tp + 2 * n + j)
        let d = (vr + vg + vb) - centreSum
        var u = 1 + d * d * inv16
        u *= u
        u *= u
        u *= u
        u *= u
        let wt = sw[k] / u
        ar += wt * vr
        ag += wt * vg
        ab += wt * vb
        ws += wt
        k += 1
      }
    }
    // Three values, not an array literal (which allocated on every call).
    func blend(_ result: V, _ c: Int) -> V {
      let original = SIMDLoad.load8(cp + c * n + i)
      let denoised = original + strength * (result - original)
      let value = denoised + grain * (original - denoised)
      SIMDLoad.store8(value, op + c * n + i)
      if let op2 { SIMDLoad.store8(value, op2 + c * n + i) }
      return value
    }
    let o0 = blend((ar / ws).replacing(with: r, where: .!active), 0)
    let o1 = blend((ag / ws).replacing(with: g, where: .!active), 1)
    let o2 = blend((ab / ws).replacing(with: b, where: .!active), 2)
    if let sp { SIMDLoad.store8(((V.zero + o0) + o1) + o2, sp + i) }
  }
}

/// The spatial window's half-width as a type (``MotionDenoiser/spatial8(_:_:_:i:w:n:sw:shotSum:readSum:strength:grain:window:)``
/// is specialised per window, so its tap loops are unrolled as they were with a literal radius).
protocol SpatialWindow { static var radius: Int { get } }
enum Window5: SpatialWindow { static var radius: Int { 2 } }
enum Window3: SpatialWindow { static var radius: Int { 1 } }
enum Window1: SpatialWindow { static var radius: Int { 0 } }
