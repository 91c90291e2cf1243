@testable import Denoise
import Imaging
import TestSupport
import XCTest

/// The spatial pass's window sizes against a plain per-pixel reference, the copy and channel sum written in the
/// same pass, and
/// the noise estimate fed the stage's channel sum.
final class SpatialWindowTests: XCTestCase {
  func noisy(_ w: Int, _ h: Int, seed: UInt64) -> PlanarImage {
    var rng = SeededNoise(seed: seed)
    let img = PlanarImage(width: w, height: h)
    for c in 0..<3 {
      for y in 0..<h {
        for x in 0..<w {
          let base: Float = x < w / 2 ? 0.2 : 0.7  // an edge the range kernel must keep
          img[c, y, x] = base + 0.05 * Float(c) + 0.03 * rng.gaussian()
        }
      }
    }
    return img
  }

  /// The cross-bilateral on [3 channels + weight count] as written in the docs: clamped (2r+1)² window,
  /// Gaussian spatial weight, range weight (1 + d²/(2·2²·residual)/16)^−16 on the channel sum's difference.
  func reference(_ t: PlanarImage, radius r: Int, noise: NoiseLevelFunction) -> PlanarImage {
    let w = t.width, h = t.height, out = PlanarImage(width: w, height: h)
    let shot = noise.shot.sum(), read = noise.read.sum()
    for y in 0..<h {
      for x in 0..<w {
        let sum = t[0, y, x] + t[1, y, x] + t[2, y, x]
        let residual = (shot * max(sum / 3, 0) + read) / t[3, y, x]
        var acc = SIMD3<Double>.zero, ws = 0.0
        for dy in -r...r {
          for dx in -r...r {
            let yy = min(max(y + dy, 0), h - 1), xx = min(max(x + dx, 0), w - 1)
            let v = SIMD3<Double>(Double(t[0, yy, xx]), Double(t[1, yy, xx]), Double(t[2, yy, xx]))
            let d = v.sum() - Double(sum)
            let spatial = exp(-Double(dx * dx + dy * dy) / (2 * 1.2 * 1.2))
            let range = pow(1 + d * d / (8 * Double(residual)) / 16, -16)
            acc += spatial * range * v
            ws += spatial * range
          }
        }
        for c in 0..<3 { out[c, y, x] = Float(acc[c] / ws) }
      }
    }
    return out
  }

  func testEveryWindowMatchesThePlainReference() {
    let w = 45, h = 23
    let noise = NoiseLevelFunction(shot: SIMD3(repeating: 1.0 / 400), read: SIMD3(repeating: 1e-4))
    let centre = noisy(w, h, seed: 3)
    let t = PlanarImage(width: w, height: h, channels: 4)
    for c in 0..<3 { for i in 0..<(w * h) { t.data[c * w * h + i] = centre.data[c * w * h + i] } }
    for i in 0..<(w * h) { t.data[3 * w * h + i] = 1 + Float(i % 3) }
    for radius in 0...2 {
      let out = PlanarImage(width: w, height: h), copy = PlanarImage(width: w, height: h)
      let sum = PlanarImage(width: w, height: h, channels: 1)
      MotionDenoiser(spatialRadiusPixels: radius).spatial(
        t, center: centre, noise: noise, into: out, alsoInto: copy, channelSumInto: sum)
      let plainSum = BlockMotion.channelSum(out)
      XCTAssertEqual(Array(UnsafeBufferPointer(start: sum.data, count: sum.count)),
                     Array(UnsafeBufferPointer(start: plainSum.data, count: plainSum.count)), "radius \(radius) sum")
      let ref = reference(t, radius: radius, noise: noise)
      var worst: Float = 0
      for i in 0..<out.count { worst = max(worst, abs(out.data[i] - ref.data[i])) }
      XCTAssertLessThan(worst, 2e-6, "radius \(radius)")
      XCTAssertEqual(Array(UnsafeBufferPointer(start: out.data, count: out.count)),
                     Array(UnsafeBufferPointer(start: copy.data, count: copy.count)), "radius \(radius) copy")
    }
    // A smaller window smooths less.
    let wide = PlanarImage(width: w, height: h), narrow = PlanarImage(width: w, height: h)
    MotionDenoiser(spatialRadiusPixels: 2).spatial(t, center: centre, noise: noise, into: wide)
    MotionDenoiser(spatialRadiusPixels: 1).spatial(t, center: centre, noise: noise, into: narrow)
    func change(_ img: PlanarImage) -> Float {
      (0..<img.count).reduce(0) { $0 + abs(img.data[$1] - centre.data[$1]) }
    }
    XCTAssertGreaterThan(change(wide), change(narrow))
    XCTAssertGreaterThan(change(narrow), 0)
  }

  func testEstimatorGivenTheChannelSumGivesTheSameEstimate() {
    let frames = (0..<3).map { noisy(96, 64, seed: UInt64(20 + $0)) }
    let plain = NoiseEstimator(), shared = NoiseEstimator()
    for f in frames {
      plain.add(f)
      shared.add(f, channelSum: BlockMotion.Levels(f).channelSum)
    }
    XCTAssertNotNil(plain.estimate())
    XCTAssertEqual(plain.estimate(), shared.estimate())
  }

  /// The displacement search with the candidates in lanes against the scalar loop, on a textured frame
  /// shifted by every offset within the search (and one beyond), for interior and edge blocks.
  func testLaneDisplacementSearchMatchesScalarSearch() {
    let w = 80, h = 60
    func textured(_ dx: Int, _ dy: Int, seed: UInt64) -> PlanarImage {
      var rng = SeededNoise(seed: seed)
      let img = PlanarImage(width: w, height: h)
      for c in 0..<3 {
        for y in 0..<h {
          for x in 0..<w {
            let u = Float(x - dx), v = Float(y - dy)
            img[c, y, x] = 0.5 + 0.3 * sinf(u * 0.41 + Float(c)) * cosf(v * 0.29) + 0.01 * rng.gaussian()
          }
        }
      }
      return img
    }
    let current = NoiseEstimator.guide(textured(0, 0, seed: 1))
    var moved = 0
    for (dx, dy) in [(0, 0), (3, -2), (-4, 4), (4, 1), (-1, -3), (6, 0)] {
      let previous = NoiseEstimator.guide(textured(dx, dy, seed: 2))
      for y in Swift.stride(from: 1, to: h - 17, by: 8) {
        for x in Swift.stride(from: 1, to: w - 17, by: 8) {
          let fast = NoiseEstimator.bestDisplacement(current, previous, x: x, y: y)
          let plain = NoiseEstimator.bestDisplacement(current, previous, x: x, y: y, lanes: false)
          XCTAssertTrue(fast == plain, "block (\(x), \(y)) shift (\(dx), \(dy)): \(fast) vs \(plain)")
          if fast != (0, 0) { moved += 1 }
        }
      }
    }
    XCTAssertGreaterThan(moved, 20)
  }
}
