import Imaging
import VectorMath

/// The per-pixel decision of ``MotionDenoiser``'s temporal average: how much of an aligned neighbour joins it.
///
/// The neighbour's weight is 1 while the 3×3 mean of each channel's difference is within `acceptSigmas`
/// expected standard deviations of pure noise on every channel, fading to 0 at `rejectSigmas` on any.
/// `accumulate` runs eight pixels at a time with the same operations in the same order as the one-pixel
/// `accumulate(at:)` (IEEE division and square root are exact per lane), so both give identical sums.
struct TemporalWeight {
  let acceptSigmas: Float
  let rejectSigmas: Float
  /// Expected variance of a 3×3 mean of a channel's difference under pure noise, per unit of its variance.
  let factor: Float
  let shot: SIMD3<Float>
  let read: SIMD3<Float>

  /// Adds the aligned neighbour `aligned` (weighted by the decision on `mean`, the 3×3 mean of centre −
  /// aligned) into `sums` ([4, H, W]: three channel sums, then the weight sum). Rows split over ``Parallel``.
  func accumulate(centre: PlanarImage, aligned: PlanarImage, mean: PlanarImage, into sums: PlanarImage) {
    let w = centre.width, h = centre.height, n = centre.planeSize
    let cp = centre.data, ap = aligned.data, mp = mean.data, tp = sums.data
    Parallel.forRanges(h, minChunk: 4) { y0, y1 in
      for y in y0..<y1 {
        var i = y * w
        let end = i + w
        while i + 8 <= end {
          accumulate8(at: i, n: n, cp, ap, mp, tp)
          i += 8
        }
        while i < end {
          accumulate(at: i, n: n, cp, ap, mp, tp)
          i += 1
        }
      }
    }
  }

  /// The reference: pixel `i` (plane size `n`).
  @inline(__always)
  func accumulate(
    at i: Int, n: Int, _ cp: UnsafeMutablePointer<Float>, _ ap: UnsafeMutablePointer<Float>,
    _ mp: UnsafeMutablePointer<Float>, _ tp: UnsafeMutablePointer<Float>
  ) {
    var z: Float = 0
    for c in 0..<3 {
      let sd = (factor * (shot[c] * max(cp[c * n + i], 0) + read[c])).squareRoot()
      z = max(z, sd > 1e-12 ? abs(mp[c * n + i]) / sd : (mp[c * n + i] == 0 ? 0 : .infinity))
    }
    let weight = min(max((rejectSigmas - z) / (rejectSigmas - acceptSigmas), 0), 1)
    guard weight > 0, z.isFinite else { return }
    for c in 0..<3 { tp[c * n + i] += weight * ap[c * n + i] }
    tp[3 * n + i] += weight
  }

  /// Pixels `i..<i+8`, lane by lane as `accumulate(at:)`.
  @inline(__always)
  func accumulate8(
    at i: Int, n: Int, _ cp: UnsafeMutablePointer<Float>, _ ap: UnsafeMutablePointer<Float>,
    _ mp: UnsafeMutablePointer<Float>, _ tp: UnsafeMutablePointer<Float>
  ) {
    typealias V = SIMD8<Float>
    var z = V.zero
    for c in 0..<3 {
      let centre = SIMDLoad.load8(cp + c * n + i), m = SIMDLoad.load8(mp + c * n + i)
      let sd = (factor * (shot[c] * centre.replacing(with: 0, where: centre .< 0) + read[c])).squareRoot()
      let r = (SIMDMath.abs(m) / sd).replacing(
        with: V.zero.replacing(with: .infinity, where: m .!= 0), where: .!(sd .> 1e-12))
      z.replace(with: r, where: r .>= z)
    }
    var weight = (rejectSigmas - z) / (rejectSigmas - acceptSigmas)
    weight = weight.replacing(with: 0, where: weight .< 0).replacing(with: 1, where: weight .> 1)
    // Not finite z gives weight 0 here.
    let take = weight .> 0
    if !any(take) { return }
    for c in 0..<3 {
      let t = SIMDLoad.load8(tp + c * n + i)
      SIMDLoad.store8(t.replacing(with: t + weight * SIMDLoad.load8(ap + c * n + i), where: take), tp + c * n + i)
    }
    let t = SIMDLoad.load8(tp + 3 * n + i)
    SIMDLoad.store8(t.replacing(with: t + weight, where: take), tp + 3 * n + i)
  }
}
