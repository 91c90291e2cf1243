import Foundation
import Imaging
import Inpaint
import XCTest

/// Partly clipped channels rebuilt from the unclipped ones on a coloured blob.
final class PartialClipTests: XCTestCase {
  let clip: Float = 0.95

  /// These blobs are more saturated (R/B up to 3.2) than the default `maxChromaRatio` allows, so the
  /// rebuild itself is tested with the bound opened up; the bound has its own test below.
  var unbounded: HighlightParams {
    var p = HighlightParams()
    p.maxChromaRatio = 4
    return p
  }

  func testSaturationBoundKeepsAWhiteDiscInABlueSkyNearWhite() throws {
    // Blue sky (linear 0.2, 0.45, 0.93) with a white disc of 3.0 in the middle: the disc and the sky's
    // brightest blue channel clip. Rebuilt pixels stay within maxChromaRatio of their level.
    let n = 96
    let truth = PlanarImage(width: n, height: n, channels: 3)
    for y in 0..<n {
      for x in 0..<n {
        let d = hypot(Float(x) - 48, Float(y) - 48)
        let sky: SIMD3<Float> = [0.2, 0.45, 0.93 + 0.004 * Float(96 - y)]
        for c in 0..<3 { truth[c, y, x] = d < 20 ? 3.0 : sky[c] }
      }
    }
    let input = SyntheticHighlights.clipped(truth, at: clip)
    let out = input.copy()
    let params = HighlightParams()
    try HighlightReconstructor(params: params).apply(to: out)
    var worst: Float = 0
    for i in 0..<out.planeSize where input.plane(0)[i] >= clip || input.plane(2)[i] >= clip {
      let v = (out.plane(0)[i], out.plane(1)[i], out.plane(2)[i])
      let rec = max(input.plane(0)[i], input.plane(1)[i], input.plane(2)[i])
      let level = max((v.0 + v.1 + v.2) / 3, rec)
      worst = max(worst, max(v.0, v.1, v.2) / level)
    }
    XCTAssertLessThanOrEqual(worst, params.maxChromaRatio + 1e-3, "largest channel / level inside rebuilt pixels")
    let centre = (out[0, 48, 48], out[1, 48, 48], out[2, 48, 48])
    XCTAssertGreaterThan(centre.0 / centre.2, 1 / params.maxChromaRatio - 1e-3, "the disc stays near-white: \(centre)")
  }

  /// Blob of colour `tint` (linear ratios) with intensity 0.05 + peak·gaussian(σ = 12).
  func colouredBlob(tint: SIMD3<Float>, peak: Float, n: Int = 80) -> PlanarImage {
    let img = PlanarImage(width: n, height: n, channels: 3)
    for y in 0..<n {
      for x in 0..<n {
        let dx = Float(x) - 40, dy = Float(y) - 38
        let g = 0.05 + peak * exp(-(dx * dx + dy * dy) / (2 * 144))
        for c in 0..<3 { img[c, y, x] = tint[c] * g }
      }
    }
    return img
  }

  /// Mean relative error of channel c over pixels where the truth's channel c is clipped.
  func relError(_ a: PlanarImage, _ truth: PlanarImage, _ c: Int) -> Float {
    var s: Float = 0, n: Float = 0
    for i in 0..<truth.planeSize where truth.plane(c)[i] >= clip {
      s += abs(a.plane(c)[i] - truth.plane(c)[i]) / truth.plane(c)[i]
      n += 1
    }
    return s / max(n, 1)
  }

  func testOneClippedChannelRebuiltWithin3Percent() throws {
    let truth = colouredBlob(tint: [1.5, 1.0, 0.5], peak: 0.85)  // R peaks at 1.35; G, B never clip.
    let input = SyntheticHighlights.clipped(truth, at: clip)
    let out = input.copy()
    try HighlightReconstructor(params: unbounded).apply(to: out)
    let e = relError(out, truth, 0), e0 = relError(input, truth, 0)
    XCTAssertLessThan(e, 0.03, "rebuilt \(e), clipped \(e0)")
    XCTAssertLessThan(e, e0 / 4)
  }

  func testTwoClippedChannelsRebuiltFromTheThird() throws {
    let truth = colouredBlob(tint: [1.6, 1.3, 0.5], peak: 0.9)  // R, G clip; B peaks at 0.475.
    let input = SyntheticHighlights.clipped(truth, at: clip)
    let out = input.copy()
    try HighlightReconstructor(params: unbounded).apply(to: out)
    for c in 0..<2 {
      let e = relError(out, truth, c), e0 = relError(input, truth, c)
      XCTAssertLessThan(e, 0.05, "channel \(c): rebuilt \(e), clipped \(e0)")
      XCTAssertLessThan(e, e0 / 3)
    }
    for i in 0..<out.count { XCTAssertGreaterThanOrEqual(out.data[i], input.data[i]) }
  }

  func testChromaCarryZeroUsesMeanOfUnclippedChannels() throws {
    var p = HighlightParams()
    p.chromaCarry = 0
    let truth = colouredBlob(tint: [1.5, 1.0, 0.5], peak: 0.85)
    let out = SyntheticHighlights.clipped(truth, at: clip)
    try HighlightReconstructor(params: p).apply(to: out)
    // Mean of G and B is below the clip level, so R stays at its recorded value.
    for i in 0..<out.planeSize where truth.plane(0)[i] >= clip { XCTAssertEqual(out.plane(0)[i], clip) }
  }
}
