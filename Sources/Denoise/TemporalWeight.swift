import Imaging
import VectorMath

/// The per-pixel decision of ``MotionDenoiser``'s temporal average: how much of an aligned neighbour joins it.
///
/// The neighbour's weight is 1 while the 3×3 mean of each channel's difference is within `acceptSigmas`
/// expected standard deviations of pure noise on every channel, fading to 0 at `rejectSigmas` on any.
/// `accumulate8` runs eight pixels with the same operations in the same order as the one-pixel
/// `accumulate(at:)` (IEEE division and square root are exact per lane), so both give identical sums.
/// (Deciding most pixels on squares without roots was tried: on the noisy test clip most pixels lie in or
/// near the fade, and the per-lane exact path made it slower.)
/// (Deciding most pixels on squares, without the square roots, was tried: on the noisy test clip most pixels
/// lie in or near the fade, and the per-lane exact path made it slower.)
struct TemporalWeight {
  let acceptSigmas: Float
  let rejectSigmas: Float
  /// Expected variance of a 3×3 mean of a channel's difference under pure noise, per unit of its variance.
  let factor: Float
  let shot: SIMD3<Float>
  let read: SIMD3<Float>

  /// Adds the aligned neighbour `aligned` (weighted by the decision on `mean`, the 3×3 mean of centre −
  /// aligned) into `sums` ([4, H, W]: three channel sums, then the weight sum). Rows split over ``Parallel``.
  /// - Parameters:
  ///   - startFromCentre: the sums so far are the centre with weight 1 (`sums` is not read).
  ///   - normalise: writes the channel sums divided by the weight sum (the average), and the weight sum.
  func accumulate(
    centre: PlanarImage, aligned: PlanarImage, mean: PlanarImage, into sums: PlanarImage, startFromCentre: Bool,
    normalise: Bool
  ) {
    let w = centre.width, h = centre.height, n = centre.planeSize
    Parallel.forRanges(h, minChunk: 4) { y0, y1 in
      for y in y0..<y1 {
        let p = Planes(
          cp: centre.data + y * w, ap: aligned.data + y * w, mp: mean.data + y * w, tp: sums.data + y * w,
          sn: n, sa: n, sm: n)
        accumulate(row: p, width: w, startFromCentre: startFromCentre, normalise: normalise)
      }
    }
  }

  /// One row: the centre, the aligned neighbour, the mean difference and the sums, each with its channel
  /// stride (`sn` for the centre and the sums, which are frame planes; the others may be row buffers).
  struct Planes {
    let cp: UnsafeMutablePointer<Float>, ap: UnsafeMutablePointer<Float>, mp: UnsafeMutablePointer<Float>
    let tp: UnsafeMutablePointer<Float>
    let sn: Int, sa: Int, sm: Int
  }

  /// Columns 0..<width of one row, eight at a time.
  @inline(__always)
  func accumulate(row p: Planes, width: Int, startFromCentre: Bool, normalise: Bool) {
    var x = 0
    while x + 8 <= width {
      accumulate8(at: x, p, startFromCentre: startFromCentre, normalise: normalise)
      x += 8
    }
    while x < width {
      accumulate(at: x, p, startFromCentre: startFromCentre, normalise: normalise)
      x += 1
    }
  }

  /// The neighbour's weight at pixel `i` from the mean differences and the centre's level.
  @inline(__always)
  func weight(at i: Int, _ p: Planes) -> Float {
    var z: Float = 0
    for c in 0..<3 {
      let sd = (factor * (shot[c] * max(p.cp[c * p.sn + i], 0) + read[c])).squareRoot()
      let m = p.mp[c * p.sm + i]
      z = max(z, sd > 1e-12 ? abs(m) / sd : (m == 0 ? 0 : .infinity))
    }
    let weight = min(max((rejectSigmas - z) / (rejectSigmas - acceptSigmas), 0), 1)
    return weight > 0 && z.isFinite ? weight : 0
  }

  /// The reference: pixel `i`.
  @inline(__always)
  func accumulate(at i: Int, _ p: Planes, startFromCentre: Bool, normalise: Bool) {
    let n = p.sn, weight = weight(at: i, p)
    var sums = startFromCentre ? SIMD3(p.cp[i], p.cp[n + i], p.cp[2 * n + i]) : SIMD3(p.tp[i], p.tp[n + i], p.tp[2 * n + i])
    var count: Float = startFromCentre ? 1 : p.tp[3 * n + i]
    if weight > 0 {
      for c in 0..<3 { sums[c] += weight * p.ap[c * p.sa + i] }
      count += weight
    }
    for c in 0..<3 { p.tp[c * n + i] = normalise ? sums[c] / count : sums[c] }
    p.tp[3 * n + i] = count
  }

  /// √v per lane where v > 0 (as `Float.squareRoot()`, IEEE-exact); +0 where v ≤ 0, which, like the −0 or
  /// NaN the scalar root gives there, is not above the decision's 1e-12. Swift's `SIMD8.squareRoot()` and a plain
  /// lane loop keep one scalar root per lane behind C's errno branch for negative input; on `max(v, 0)`
  /// LLVM sees no negative input and emits one vector square root.
  @inline(__always)
  static func squareRoot(_ v: SIMD8<Float>) -> SIMD8<Float> {
    var r = SIMD8<Float>()
    for l in 0..<8 { r[l] = max(v[l], 0).squareRoot() }
    return r
  }

  /// Pixels `i..<i+8`, lane by lane as `accumulate(at:)`.
  @inline(__always)
  func accumulate8(at i: Int, _ p: Planes, startFromCentre: Bool, normalise: Bool) {
    typealias V = SIMD8<Float>
    let n = p.sn
    var z = V.zero
    for c in 0..<3 {
      let centre = SIMDLoad.load8(p.cp + c * n + i), m = SIMDLoad.load8(p.mp + c * p.sm + i)
      let sd = Self.squareRoot(factor * (shot[c] * centre.replacing(with: 0, where: centre .< 0) + read[c]))
      let r = (SIMDMath.abs(m) / sd).replacing(
        with: V.zero.replacing(with: .infinity, where: m .!= 0), where: .!(sd .> 1e-12))
      z.replace(with: r, where: r .>= z)
    }
    var weight = (rejectSigmas - z) / (rejectSigmas - acceptSigmas)
    // Not finite z gives weight 0 here.
    weight = weight.replacing(with: 0, where: weight .< 0).replacing(with: 1, where: weight .> 1)
    let take = weight .> 0
    if !startFromCentre && !normalise && !any(take) { return }
    let base = startFromCentre ? p.cp : p.tp
    let count0 = startFromCentre ? V(repeating: 1) : SIMDLoad.load8(p.tp + 3 * n + i)
    let count = count0.replacing(with: count0 + weight, where: take)
    for c in 0..<3 {
      let t = SIMDLoad.load8(base + c * n + i)
      let sum = t.replacing(with: t + weight * SIMDLoad.load8(p.ap + c * p.sa + i), where: take)
      SIMDLoad.store8(normalise ? sum / count : sum, p.tp + c * n + i)
    }
    SIMDLoad.store8(count, p.tp + 3 * n + i)
  }
}
