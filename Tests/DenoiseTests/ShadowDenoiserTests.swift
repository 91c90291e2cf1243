import Denoise
import Foundation
import Imaging
import TestSupport
import XCTest

final class ShadowDenoiserTests: XCTestCase {
  /// Static scene: left half dark (0.02) with Gaussian noise σ, right half bright (0.6) with the same noise.
  func noisyFrames(count: Int, sigma: Float, w: Int = 48, h: Int = 32) -> (frames: [PlanarImage], clean: PlanarImage) {
    var state: UInt64 = 12345
    func gauss() -> Float {
      func uni() -> Float {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return (Float(state >> 40) + 0.5) / Float(1 << 24)
      }
      return (-2 * log(uni())).squareRoot() * cos(2 * .pi * uni())
    }
    let clean = PlanarImage(width: w, height: h, channels: 3)
    for c in 0..<3 { for y in 0..<h { for x in 0..<w { clean[c, y, x] = x < w / 2 ? 0.02 : 0.6 } } }
    let frames = (0..<count).map { _ -> PlanarImage in
      let f = clean.copy()
      for i in 0..<f.count { f.data[i] += sigma * gauss() }
      return f
    }
    return (frames, clean)
  }

  /// Under mask: 1 on the dark left half, 0 on the right.
  func leftMask(_ w: Int = 48, _ h: Int = 32) -> PlanarImage {
    let m = PlanarImage(width: w, height: h, channels: 1)
    for y in 0..<h { for x in 0..<(w / 2) { m[0, y, x] = 1 } }
    return m
  }

  func variance(_ a: PlanarImage, _ clean: PlanarImage, leftHalf: Bool) -> Float {
    var s: Float = 0, n: Float = 0
    for c in 0..<3 {
      for y in 0..<a.height {
        for x in 0..<a.width where (x < a.width / 2) == leftHalf {
          let d = a[c, y, x] - clean[c, y, x]
          s += d * d
          n += 1
        }
      }
    }
    return s / n
  }

  func testStaticNoisyDarkClipVarianceReducedBrightRegionBitIdentical() throws {
    let sigma: Float = 0.004
    let (frames, clean) = noisyFrames(count: 5, sigma: sigma)
    var p = ShadowParams()
    p.radiusFrames = 2
    p.strength = 1
    p.noiseSigmaLinear = sigma
    let out = try ShadowDenoiser(params: p).denoise(window: frames, center: 2, underMask: leftMask())
    let before = variance(frames[2], clean, leftHalf: true), after = variance(out, clean, leftHalf: true)
    XCTAssertLessThan(after, before / 3, "variance \(before) → \(after)")
    for c in 0..<3 {
      for y in 0..<32 {
        for x in 24..<48 { XCTAssertEqual(out[c, y, x].bitPattern, frames[2][c, y, x].bitPattern) }
      }
    }
  }

  func testMotionIsRejectedNoGhosting() throws {
    let sigma: Float = 0.004
    let (frames, _) = noisyFrames(count: 3, sigma: 0)
    // The previous and next frames show a different (moved) dark level far beyond the noise.
    for i in 0..<frames[0].count { frames[0].data[i] += 0.1; frames[2].data[i] += 0.1 }
    var p = ShadowParams()
    p.noiseSigmaLinear = sigma
    p.strength = 1
    let out = try ShadowDenoiser(params: p).denoise(window: frames, center: 1, underMask: leftMask())
    XCTAssertLessThan(Approx.maxAbsDifference(out, frames[1]), 1e-6)
  }

  func testZeroStrengthAndInvalidParams() throws {
    let (frames, _) = noisyFrames(count: 3, sigma: 0.01)
    var p = ShadowParams()
    p.strength = 0
    let out = try ShadowDenoiser(params: p).denoise(window: frames, center: 1, underMask: leftMask())
    XCTAssertEqual(Approx.maxAbsDifference(out, frames[1]), 0)
    p.radiusFrames = 9
    XCTAssertThrowsError(try ShadowDenoiser(params: p))
  }
}
