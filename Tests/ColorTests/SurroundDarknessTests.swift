import Color
import Imaging
import XCTest

/// `SurroundDarkness` and the `recover` lift it weights: a clipped region cut out of a dark scene is lifted, one
/// whose surroundings roll into it through near-white is not, and no pixel below white is touched.
final class SurroundDarknessTests: XCTestCase {
  /// A 160×120 frame at `surround` (linear grey) with a clipped 30×30 square at 1 in the middle; its mask is 1
  /// on the square and 0.5 one pixel around it (as a blurred mask spills onto a window's frame).
  func scene(surround: Float) -> (PlanarImage, PlanarImage) {
    let img = PlanarImage(width: 160, height: 120, channels: 3)
    let mask = PlanarImage(width: 160, height: 120, channels: 1)
    for y in 0..<120 {
      for x in 0..<160 {
        let inside = (65..<95).contains(x) && (45..<75).contains(y)
        let rim = (64..<96).contains(x) && (44..<76).contains(y)
        for c in 0..<3 { img[c, y, x] = inside ? 1 : surround }
        mask[0, y, x] = inside ? 1 : (rim ? 0.5 : 0)
      }
    }
    return (img, mask)
  }

  func expansion(sigma: Float) -> RecoverExpansion {
    var p = ExpansionParams()
    p.clippedLiftLinear = 1
    p.liftSurroundSigmaPerHeightPercent = sigma
    return RecoverExpansion(params: p, peakNits: 1000, referenceWhiteNits: 203)
  }

  func testDarkSurroundsAreLiftedBrightOnesAreNot() {
    // Darkness 1 − 0.05^(1/2.4) ≈ 0.71, past `to` (0.4): the full lift; 1 − 0.8^(1/2.4) ≈ 0.09, below `from`: none.
    let (dark, darkMask) = scene(surround: 0.05)
    expansion(sigma: 5).apply(to: dark, overMask: darkMask)
    XCTAssertEqual(dark[1, 60, 80], 2, accuracy: 0.02, "the square's centre gains the whole lift")
    let (bright, brightMask) = scene(surround: 0.8)
    expansion(sigma: 5).apply(to: bright, overMask: brightMask)
    XCTAssertEqual(bright[1, 60, 80], 1, accuracy: 1e-6, "a near-white surround gives no lift")
    // Without the surround weighting both are lifted by the mask alone.
    let (plain, plainMask) = scene(surround: 0.8)
    expansion(sigma: 0).apply(to: plain, overMask: plainMask)
    XCTAssertEqual(plain[1, 60, 80], 2, accuracy: 1e-5)
  }

  func testPixelsBelowWhiteKeepTheirLevelAndTheLiftIsSmooth() {
    let (img, mask) = scene(surround: 0.05)
    let before = img.copy()
    expansion(sigma: 5).apply(to: img, overMask: mask)
    for y in 0..<120 {
      for x in 0..<160 where before[0, y, x] < 0.9 {
        for c in 0..<3 { XCTAssertEqual(img[c, y, x].bitPattern, before[c, y, x].bitPattern, "(\(x), \(y))") }
      }
    }
    // Along the square's middle row the lift never rises toward the edge (no ring).
    for x in 80..<94 { XCTAssertGreaterThanOrEqual(img[1, 60, x] + 1e-4, img[1, 60, x + 1], "x \(x)") }
  }

  func testWeightsFollowTheDefinition() {
    // A whole frame masked: no unclipped pixel in reach, so nothing says it is brighter.
    let (img, _) = scene(surround: 0.05)
    let full = PlanarImage(width: 160, height: 120, channels: 1)
    full.fill(1)
    let s = SurroundDarkness(sigmaPerHeightPercent: 5, from: 0.1, to: 0.4).weights(image: img, over: full)
    XCTAssertEqual(s.height, 120)
    for i in 0..<s.planeSize { XCTAssertEqual(s.data[i], 0) }
    // A frame taller than the working height is measured at 128 rows.
    let tall = PlanarImage(width: 300, height: 400, channels: 3)
    let none = PlanarImage(width: 300, height: 400, channels: 1)
    let t = SurroundDarkness(sigmaPerHeightPercent: 5, from: 0.1, to: 0.4).weights(image: tall, over: none)
    XCTAssertEqual(t.height, SurroundDarkness.workingHeight)
    XCTAssertEqual(t.width, 96)
    // Black surroundings: darkness 1, weight 1.
    for i in 0..<t.planeSize { XCTAssertEqual(t.data[i], 1, accuracy: 1e-5) }
  }

  func testToMustExceedFrom() {
    var p = ExpansionParams()
    p.liftDarkSurroundFrom = 0.5
    p.liftDarkSurroundTo = 0.5
    XCTAssertThrowsError(try p.validate())
  }
}
