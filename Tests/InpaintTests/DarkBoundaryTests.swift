import Imaging
import XCTest

@testable import Inpaint

/// Known pixels far below the clip level hold a blown region's fill only weakly (`darkBoundaryRatio`).
final class DarkBoundaryTests: XCTestCase {
  /// A 192×108 sky at 0.6 + 2.4·(1 − y/107)² of white (blown above row ≈ 63) beside a dark building (0.04) from
  /// x = 128 on, clipped at the clip level. Returns the mean of the filled sky over rows 4–30, columns 8–90 and
  /// the truth's mean there.
  func skyMeans(darkBoundaryRatio: Float) throws -> (Float, Float) {
    var p = HighlightParams()
    p.darkBoundaryRatio = darkBoundaryRatio
    let truth = SyntheticHighlights.skyBesideBuilding(width: 192, height: 108, edge: 128)
    let img = SyntheticHighlights.clipped(truth, at: p.clipLinear)
    try HighlightReconstructor(params: p).apply(to: img)
    var filled: Float = 0, real: Float = 0
    for y in 4...30 {
      for x in 8...90 {
        filled += img[1, y, x]
        real += truth[1, y, x]
      }
    }
    return (filled / Float(27 * 83), real / Float(27 * 83))
  }

  /// The building's edge no longer holds the sky it borders near its own level.
  func testADarkObjectBesideABlownSkyPullsTheFillLess() throws {
    let (full, truth) = try skyMeans(darkBoundaryRatio: 0), (weak, _) = try skyMeans(darkBoundaryRatio: 0.5)
    // Measured: 1.04 with full anchors, 1.19 with weak ones; the truth is 2.31.
    XCTAssertGreaterThan(weak, 1.1 * full, "the sky's mean: \(weak) with weak dark anchors, \(full) with full ones")
    XCTAssertLessThan(weak, truth, "no overshoot")
  }
}
