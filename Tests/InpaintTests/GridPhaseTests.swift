import Imaging
import XCTest

@testable import Inpaint

/// The fill's coarse levels weigh a coarse pixel by its children's knownness, so thin known structures keep
/// their pull there and a boundary moving across the pyramid's grid moves the fill smoothly.
final class GridPhaseTests: XCTestCase {
  /// A 192×64 blown region: its bottom row is known at 1, a dark known object (0) covers x ≥ `edge`. The fill's
  /// mean over a box far from both, for the object's edge at `edge`.
  func boxMean(edge: Int) -> Float {
    let w = 192, h = 64
    let v = PlanarImage(width: w, height: h, channels: 1), u = PlanarImage(width: w, height: h, channels: 1)
    for y in 0..<h {
      for x in 0..<w {
        if x >= edge {
          v[0, y, x] = 0
        } else if y == h - 1 {
          v[0, y, x] = 1
        } else {
          u[0, y, x] = 1
        }
      }
    }
    PoissonFill(iterations: 24, coarsestSize: 16, guidanceSize: 0).solve(values: v, unknown: u)
    var sum: Float = 0
    for y in 4..<30 { for x in 8..<90 { sum += v[0, y, x] } }
    return sum / Float(26 * 82)
  }

  /// A coarse pixel known only when all its children were lost the one-pixel known row on every coarse level:
  /// the fill took the dark object's 0 everywhere (box mean 6e-5).
  func testAOnePixelKnownRowKeepsItsPullOnCoarseLevels() {
    XCTAssertGreaterThan(boxMean(edge: 128), 0.5)
  }

  /// As the dark object recedes one pixel at a time across x = 128 = 2^7, the fill rises in small steps.
  func testTheFillFollowsAnEdgeCrossingTheGridSmoothly() {
    let means = (120...136).map { boxMean(edge: $0) }
    for (i, step) in zip(means.dropFirst(), means).map({ $0 - $1 }).enumerated() {
      XCTAssertGreaterThan(step, 0, "edge \(121 + i): the fill rises as the object recedes")
      XCTAssertLessThan(step, 0.02, "edge \(121 + i): \(means)")
    }
  }
}
