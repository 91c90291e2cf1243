import Imaging
import XCTest

@testable import Inpaint

/// The guidance of the fill: known forward differences, faded out above `maxStep`, membrane-interpolated over the
/// unknown edges.
final class GuidanceTests: XCTestCase {
  /// A 48×40 code field: a gentle ramp (0.01 per pixel) on the left, a dark object whose edge is a 0.2 step at
  /// x = 30, and an unknown 10×10 block inside the ramp.
  func field() -> (PlanarImage, PlanarImage) {
    let e = PlanarImage(width: 48, height: 40, channels: 1), u = PlanarImage(width: 48, height: 40, channels: 1)
    for y in 0..<40 {
      for x in 0..<48 {
        e[0, y, x] = x < 30 ? 0.3 + 0.01 * Float(x) : 0.39
        u[0, y, x] = (10..<20).contains(x) && (15..<25).contains(y) ? 1 : 0
      }
    }
    return (e, u)
  }

  func maxAbs(_ p: PlanarImage) -> Float { (0..<p.count).map { abs(p.data[$0]) }.max()! }

  func testStepsBeyondTwiceTheBoundCarryNoGuidance() {
    let (e, u) = field()
    let (fx, _) = Guidance.estimate(e, u, scratch: ScratchImages())
    XCTAssertEqual(maxAbs(fx), 0.01, accuracy: 1e-4, "unbounded, the edge is still one outlier among its neighbours' steps")
    let (gx, gy) = Guidance.estimate(e, u, maxStep: 0.05, scratch: ScratchImages())
    XCTAssertLessThanOrEqual(maxAbs(gx), 0.05 + 1e-6)
    XCTAssertLessThanOrEqual(maxAbs(gy), 0.05 + 1e-6)
    XCTAssertEqual(gx[0, 5, 29], 0, "the object's edge (4× the bound) is not a slope")
    XCTAssertEqual(gx[0, 5, 28], 0.01, accuracy: 1e-6, "the ramp beside it is")
  }

  /// An edge blurred over two pixels makes two steps of 0.09, under twice the bound 0.05, which the fade alone
  /// keeps at 0.018 each (so how much of the edge guides the fill follows its sub-pixel phase); the median of
  /// the steps around each drops them.
  func testAnEdgeBlurredOverTwoPixelsCarriesNoGuidance() {
    let (e, u) = field()
    for y in 0..<40 {
      e[0, y, 30] = 0.50
      for x in 31..<48 { e[0, y, x] = 0.41 }
    }
    let (gx, _) = Guidance.estimate(e, u, maxStep: 0.05, scratch: ScratchImages())
    XCTAssertEqual(Guidance.bounded(-0.09, 0.05), -0.018, accuracy: 1e-6, "the fade alone keeps a fifth of each step")
    XCTAssertEqual(gx[0, 5, 29], 0, accuracy: 1e-6)
    XCTAssertEqual(gx[0, 5, 30], 0, accuracy: 1e-6)
    XCTAssertEqual(gx[0, 5, 26], 0.01, accuracy: 1e-6, "the ramp is kept")
  }

  func testStepsFadeOutContinuouslyBetweenTheBoundAndTwiceIt() {
    XCTAssertEqual(Guidance.bounded(0.04, 0.05), 0.04)
    XCTAssertEqual(Guidance.bounded(-0.05, 0.05), -0.05)
    XCTAssertEqual(Guidance.bounded(0.075, 0.05), 0.0375, accuracy: 1e-6)
    XCTAssertEqual(Guidance.bounded(-0.075, 0.05), -0.0375, accuracy: 1e-6)
    XCTAssertEqual(Guidance.bounded(0.1, 0.05), 0)
    XCTAssertEqual(Guidance.bounded(-3, 0.05), 0)
    XCTAssertEqual(Guidance.bounded(0.2, .infinity), 0.2, "unbounded")
    // Continuous at both ends of the fade.
    XCTAssertEqual(Guidance.bounded(0.05 + 1e-6, 0.05), 0.05, accuracy: 1e-5)
    XCTAssertEqual(Guidance.bounded(0.1 - 1e-6, 0.05), 0, accuracy: 1e-5)
  }

  func testStepsWithinTheBoundAreUnchanged() {
    // Inside the ramp (away from the object) every step is 0.01: bounded and unbounded guidance agree there,
    // including the membrane-interpolated edges of the unknown block.
    let (e, u) = field()
    for x in 30..<48 { for y in 0..<40 { e[0, y, x] = 0.3 + 0.01 * Float(x) } }
    let (fx, fy) = Guidance.estimate(e, u, scratch: ScratchImages())
    let a = (fx.copy(), fy.copy())
    let (gx, gy) = Guidance.estimate(e, u, maxStep: 0.05, scratch: ScratchImages())
    for i in 0..<gx.count {
      XCTAssertEqual(gx.data[i], a.0.data[i])
      XCTAssertEqual(gy.data[i], a.1.data[i])
    }
    XCTAssertEqual(gx[0, 20, 15], 0.01, accuracy: 1e-4, "a linear ramp is continued over the unknown block")
  }
}
