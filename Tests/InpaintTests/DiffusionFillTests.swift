import Color
import Imaging
import Inpaint
import TestSupport
import XCTest

/// Fully clipped regions: filled in Log-Gamma from the boundary.
final class DiffusionFillTests: XCTestCase {
  let clip: Float = 0.95

  /// Gaussian blob in Log-Gamma code: 0.30 + 0.08·exp(−r²/(2·14²)) (peak ≈ 4 linear), clipped at 0.95.
  func blob(_ n: Int = 96) -> PlanarImage {
    SyntheticHighlights.grey(n) { x, y in
      let dx = Double(x) - 47.5, dy = Double(y) - 45.5
      return 0.30 + 0.08 * exp(-(dx * dx + dy * dy) / (2 * 14 * 14))
    }
  }

  func testGuidedLevelsRaiseTheDomeAbovePlainDiffusion() throws {
    // Gradient continuation (guided levels) keeps a clipped dome rising; plain diffusion (size 0) fills flat
    // at the rim level. Both stay at or above the clip level; the guided fill is closer to the truth.
    let truth = blob()
    let input = SyntheticHighlights.clipped(truth, at: clip)
    var plain = HighlightParams()
    plain.guidedFillSizePixels = 0
    let flat = input.copy(), guided = input.copy()
    try HighlightReconstructor(params: plain).apply(to: flat)
    try HighlightReconstructor().apply(to: guided)
    XCTAssertGreaterThan(guided[0, 45, 47], flat[0, 45, 47], "guided centre rises above the plain fill")
    XCTAssertGreaterThanOrEqual(flat[0, 45, 47], clip)
    XCTAssertLessThan(
      SyntheticHighlights.meanCodeError(guided, truth, clip: clip), SyntheticHighlights.meanCodeError(flat, truth, clip: clip))
  }

  func testHoleRadiusFillsNoiseDipsInsideABlownRegionAndKeepsTheirFloor() throws {
    // Single pixels that noise pushed below the clip level inside the blob's blown core: without closing they
    // stay at their recorded 0.9 (dark specks in a lifted region); with holeRadiusPixels 1 they are filled
    // like their neighbours, never below what was recorded. A pixel outside the region is not touched.
    let truth = blob()
    let input = SyntheticHighlights.clipped(truth, at: clip)
    let holes = [(45, 47), (40, 50), (50, 44)]
    for (y, x) in holes { for c in 0..<3 { input[c, y, x] = 0.9 } }
    let kept = input.copy(), closed = input.copy()
    var p = HighlightParams()
    p.holeRadiusPixels = 0
    try HighlightReconstructor(params: p).apply(to: kept)
    p.holeRadiusPixels = 1
    try HighlightReconstructor(params: p).apply(to: closed)
    for (y, x) in holes {
      XCTAssertEqual(kept[0, y, x], 0.9, "a recorded pixel stays without closing")
      let neighbours = (closed[0, y, x - 1] + closed[0, y, x + 1]) / 2
      XCTAssertEqual(closed[0, y, x], neighbours, accuracy: 0.1 * neighbours, "filled like its neighbours at (\(x), \(y))")
      XCTAssertGreaterThan(closed[0, y, x], 1)
    }
    XCTAssertEqual(closed[0, 5, 5], input[0, 5, 5], "far from the region nothing changes")
  }

  func testClippedGaussianBlobFillBeatsClippedByFactor3StaysAboveClipIsContinuous() throws {
    let truth = blob()
    let input = SyntheticHighlights.clipped(truth, at: clip)
    let out = input.copy()
    try HighlightReconstructor().apply(to: out)
    let errFill = SyntheticHighlights.meanCodeError(out, truth, clip: clip)
    let errClip = SyntheticHighlights.meanCodeError(input, truth, clip: clip)
    XCTAssertGreaterThan(errClip, 0.01)
    XCTAssertLessThan(errFill, errClip / 3, "fill \(errFill) clipped \(errClip)")
    // Never below the recorded (clip) level, unclipped pixels untouched.
    for i in 0..<out.count {
      if input.data[i] >= clip { XCTAssertGreaterThanOrEqual(out.data[i], input.data[i]) }
      else { XCTAssertEqual(out.data[i], input.data[i]) }
    }
    // Continuity: no step across the region boundary larger than twice the truth's steepest step.
    var maxStep = 0.0, maxTrueStep = 0.0
    for y in 0..<95 {
      for x in 0..<95 {
        for (qx, qy) in [(x + 1, y), (x, y + 1)] {
          maxStep = max(maxStep, abs(SyntheticHighlights.code(out[0, y, x]) - SyntheticHighlights.code(out[0, qy, qx])))
          maxTrueStep = max(
            maxTrueStep, abs(SyntheticHighlights.code(truth[0, y, x]) - SyntheticHighlights.code(truth[0, qy, qx])))
        }
      }
    }
    XCTAssertLessThan(maxStep, 2 * maxTrueStep)
  }

  /// A ramp rising to the right, clipped on its right third: the fill continues the slope.
  func testClippedRampTouchingBorderContinuesSlope() throws {
    let truth = SyntheticHighlights.grey(64) { x, _ in 0.30 + 0.0015 * Double(x) }
    let input = SyntheticHighlights.clipped(truth, at: clip)
    let out = input.copy()
    try HighlightReconstructor().apply(to: out)
    let errFill = SyntheticHighlights.meanCodeError(out, truth, clip: clip)
    let errClip = SyntheticHighlights.meanCodeError(input, truth, clip: clip)
    XCTAssertLessThan(errFill, errClip / 3, "fill \(errFill) clipped \(errClip)")
  }

  func testFillPeakBoundsLargeExtrapolation() throws {
    var p = HighlightParams()
    p.fillPeakLinear = 1.5
    let out = SyntheticHighlights.clipped(blob(), at: clip)
    try HighlightReconstructor(params: p).apply(to: out)
    for i in 0..<out.count { XCTAssertLessThanOrEqual(out.data[i], 1.5 + 1e-4) }
  }

  func testUnclippedImageIsBitIdenticalAndDisabledIsNoOp() throws {
    let img = SyntheticHighlights.grey(40) { x, y in 0.2 + 0.001 * Double(x + y) }
    let out = img.copy()
    try HighlightReconstructor().apply(to: out)
    XCTAssertEqual(Approx.maxAbsDifference(out, img), 0)
    var p = HighlightParams()
    p.enabled = false
    let clipped = SyntheticHighlights.clipped(blob(), at: clip)
    let same = clipped.copy()
    try HighlightReconstructor(params: p).apply(to: same)
    XCTAssertEqual(Approx.maxAbsDifference(same, clipped), 0)
  }

  func testZeroOverMaskLeavesImageUntouched() throws {
    let clipped = SyntheticHighlights.clipped(blob(), at: clip)
    let out = clipped.copy()
    let mask = PlanarImage(width: 96, height: 96, channels: 1)
    try HighlightReconstructor().apply(to: out, overMask: mask)
    XCTAssertEqual(Approx.maxAbsDifference(out, clipped), 0)
  }

  func testInvalidParamsThrow() {
    var p = HighlightParams()
    p.fillPeakLinear = 0.5
    XCTAssertThrowsError(try HighlightReconstructor(params: p))
  }
}
