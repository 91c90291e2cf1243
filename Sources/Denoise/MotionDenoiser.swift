import Foundation
import Imaging

/// Motion-compensated temporal averaging followed by an edge-aware spatial pass, both scaled to the noise the
/// stream shows (a `NoiseLevelFunction`), so a clean source comes out untouched.
///
/// Temporal: each neighbour frame is aligned by `BlockMotion`; a pixel's aligned neighbour joins the average
/// with weight 1 when the 3×3 mean of each channel's difference is within 2 expected standard deviations
/// of pure noise on every channel, fading to 0 at 4 on any (motion the blocks did not follow, occlusions, cuts
/// and colours of equal brightness never ghost).
/// Spatial: a 5×5 cross-bilateral on the temporal result whose range scale is the noise left after averaging.
/// Then `strength` blends toward the result and `keepGrain` adds that fraction of the removed noise back.
public struct MotionDenoiser: Sendable {
  /// Weight 1 below this many standard deviations of the expected difference, 0 above `rejectSigmas`.
  static let acceptSigmas: Float = 2
  static let rejectSigmas: Float = 4
  /// Spatial pass: Gaussian σ of the 5×5 window in pixels, and the range kernel's width in residual σ.
  static let spatialSigmaPixels: Float = 1.2
  static let rangeSigmas: Float = 2

  public var searchRadiusPixels: Int
  public var strength: Float
  public var keepGrain: Float

  public init(searchRadiusPixels: Int = 8, strength: Float = 1, keepGrain: Float = 0) {
    self.searchRadiusPixels = searchRadiusPixels
    self.strength = strength
    self.keepGrain = keepGrain
  }

  /// A neighbour frame and whether it is already denoised (a previous output: its own noise is then not
  /// counted in the expected difference).
  public struct Neighbour {
    public var image: PlanarImage
    public var isClean: Bool
    public init(image: PlanarImage, isClean: Bool) {
      self.image = image
      self.isClean = isClean
    }
  }

  /// Denoises `center` ([3, H, W] linear) into `out` (same size; may not be `center`).
  public func denoise(_ center: PlanarImage, neighbours: [Neighbour], noise: NoiseLevelFunction, into out: PlanarImage) {
    let w = center.width, h = center.height, n = center.planeSize
    let usable = neighbours.filter { $0.image.width == w && $0.image.height == h && $0.image.channels >= 3 }
    let temporal = PlanarImage(width: w, height: h, channels: 4)  // 3 channels of the average, then the weight sum
    let cp = center.data, tp = temporal.data
    // Start from the centre alone.
    for c in 0..<3 { (tp + c * n).update(from: cp + c * n, count: n) }
    (tp + 3 * n).update(repeating: 1, count: n)
    for neighbour in usable {
      let motion = BlockMotion(from: center, to: neighbour.image, radiusPixels: searchRadiusPixels)
      let np = neighbour.image.data
      // Expected variance of a 3×3 mean of a channel's difference under pure noise, per unit of its variance.
      let factor: Float = (neighbour.isClean ? 1 : 2) / 9
      // Per channel, so a neighbour of another colour but the same brightness is not taken for the same.
      let diff = PlanarImage(width: w, height: h, channels: 3), dp = diff.data
      Parallel.forRanges(h, minChunk: 4) { y0, y1 in
        for y in y0..<y1 {
          for x in 0..<w {
            let v = motion.vector(x: x, y: y)
            let xs = min(max(x + Int(v.x), 0), w - 1), ys = min(max(y + Int(v.y), 0), h - 1)
            let i = y * w + x, j = ys * w + xs
            for c in 0..<3 { dp[c * n + i] = cp[c * n + i] - np[c * n + j] }
          }
        }
      }
      let mean = PlanarImage(width: w, height: h, channels: 3)
      BoxBlur.apply(diff, radius: 1, into: mean)
      let mp = mean.data
      Parallel.forRanges(h, minChunk: 4) { y0, y1 in
        for y in y0..<y1 {
          for x in 0..<w {
            let i = y * w + x
            var z: Float = 0
            for c in 0..<3 {
              let sd = (factor * (noise.shot[c] * max(cp[c * n + i], 0) + noise.read[c])).squareRoot()
              z = max(z, sd > 1e-12 ? abs(mp[c * n + i]) / sd : (mp[c * n + i] == 0 ? 0 : .infinity))
            }
            let weight = min(max((Self.rejectSigmas - z) / (Self.rejectSigmas - Self.acceptSigmas), 0), 1)
            guard weight > 0, z.isFinite, noise != .zero else { continue }
            let v = motion.vector(x: x, y: y)
            let j = min(max(y + Int(v.y), 0), h - 1) * w + min(max(x + Int(v.x), 0), w - 1)
            for c in 0..<3 { tp[c * n + i] += weight * np[c * n + j] }
            tp[3 * n + i] += weight
          }
        }
      }
    }
    for c in 0..<3 {
      Parallel.forRanges(n, minChunk: 16384) { s, e in
        for i in s..<e { tp[c * n + i] /= tp[3 * n + i] }
      }
    }
    spatial(temporal, center: center, noise: noise, into: out)
  }

  /// The 5×5 cross-bilateral pass on the temporal average, then the strength and grain blends against `center`.
  func spatial(_ t: PlanarImage, center: PlanarImage, noise: NoiseLevelFunction, into out: PlanarImage) {
    let w = t.width, h = t.height, n = t.planeSize, tp = t.data, cp = center.data, op = out.data
    var spatialWeights = [Float](repeating: 0, count: 25)
    for dy in -2...2 {
      for dx in -2...2 {
        spatialWeights[(dy + 2) * 5 + dx + 2] = expf(-Float(dx * dx + dy * dy) / (2 * Self.spatialSigmaPixels * Self.spatialSigmaPixels))
      }
    }
    let sw = spatialWeights, strength = strength, grain = keepGrain
    Parallel.forRanges(h, minChunk: 4) { y0, y1 in
      for y in y0..<y1 {
        for x in 0..<w {
          let i = y * w + x
          let level = (tp[i] + tp[n + i] + tp[2 * n + i]) / 3
          // Residual variance of the channel sum after averaging `count` frames.
          let residual = (noise.shot.sum() * max(level, 0) + noise.read.sum()) / tp[3 * n + i]
          var result = SIMD3<Float>(tp[i], tp[n + i], tp[2 * n + i])
          if residual > 1e-18 {
            let inv = 1 / (2 * Self.rangeSigmas * Self.rangeSigmas * residual)
            let centreSum = result.sum()
            var acc = SIMD3<Float>.zero, wsum: Float = 0
            for dy in -2...2 {
              let yy = min(max(y + dy, 0), h - 1)
              for dx in -2...2 {
                let j = yy * w + min(max(x + dx, 0), w - 1)
                let v = SIMD3<Float>(tp[j], tp[n + j], tp[2 * n + j])
                let d = v.sum() - centreSum
                let wt = sw[(dy + 2) * 5 + dx + 2] * expf(-d * d * inv)
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
          }
        }
      }
    }
  }
}
