import Foundation
import Imaging
import Inpaint
import XCTest

/// Partly clipped channels rebuilt from the unclipped ones on a coloured blob.
final class PartialClipTests: XCTestCase {
  let clip: Float = 0.95

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

  func test_oneClippedChannel_rebuiltWithin3Percent() throws {
    let truth = colouredBlob(tint: [1.5, 1.0, 0.5], peak: 0.85)  // R peaks at 1.35; G, B never clip.
    let input = SyntheticHighlights.clipped(truth, at: clip)
    let out = input.copy()
    try HighlightReconstructor().apply(to: out)
    let e = relError(out, truth, 0), e0 = relError(input, truth, 0)
    XCTAssertLessThan(e, 0.03, "rebuilt \(e), clipped \(e0)")
    XCTAssertLessThan(e, e0 / 4)
  }

  func test_twoClippedChannels_rebuiltFromTheThird() throws {
    let truth = colouredBlob(tint: [1.6, 1.3, 0.5], peak: 0.9)  // R, G clip; B peaks at 0.475.
    let input = SyntheticHighlights.clipped(truth, at: clip)
    let out = input.copy()
    try HighlightReconstructor().apply(to: out)
    for c in 0..<2 {
      let e = relError(out, truth, c), e0 = relError(input, truth, c)
      XCTAssertLessThan(e, 0.05, "channel \(c): rebuilt \(e), clipped \(e0)")
      XCTAssertLessThan(e, e0 / 3)
    }
    for i in 0..<out.count { XCTAssertGreaterThanOrEqual(out.data[i], input.data[i]) }
  }

  func test_chromaCarryZero_usesMeanOfUnclippedChannels() throws {
    var p = HighlightParams()
    p.chromaCarry = 0
    let truth = colouredBlob(tint: [1.5, 1.0, 0.5], peak: 0.85)
    let out = SyntheticHighlights.clipped(truth, at: clip)
    try HighlightReconstructor(params: p).apply(to: out)
    // Mean of G and B is below the clip level, so R stays at its recorded value.
    for i in 0..<out.planeSize where truth.plane(0)[i] >= clip { XCTAssertEqual(out.plane(0)[i], clip) }
  }
}
