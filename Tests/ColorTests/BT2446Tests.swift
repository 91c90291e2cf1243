import Color
import XCTest

/// ITU-R BT.2446-1 methods A (SDR → HDR) and C (forward curve and its inverse).
final class BT2446Tests: XCTestCase {
  // MARK: - Method A

  /// SDR white → ≈ 1000 cd/m² (255^E(255) = 999.8 with the published constants → 999.5 cd/m²).
  func testMethodAWhiteAndBlack() {
    XCTAssertEqual(BT2446A.expandLuma(1), 999.8, accuracy: 0.05)
    assertClose(BT2446A.expand(r: 1, g: 1, b: 1), (1000, 1000, 1000), tolerance: 1, "SDR white")
    XCTAssertEqual(BT2446A.greyNits(luma: 1), 1000, accuracy: 1)
    assertClose(BT2446A.expand(r: 0, g: 0, b: 0), (0, 0, 0), tolerance: 0, "black")
    XCTAssertEqual(BT2446A.expandLuma(0), 0)
  }

  /// Grey is strictly increasing over every 10-bit code; the exponent's published step at Y'' = 70 is
  /// bounded (|ΔE| < 2e-5, relative drop of Y'_HDR < 1e-4).
  func testMethodAMonotonic() {
    var previous = -1.0
    for code in 0...1023 {
      let v = BT2446A.greyNits(luma: Double(code) / 1023)
      XCTAssertGreaterThan(v, previous, "code \(code)")
      previous = v
    }
    let below = BT2446A.exponent(lumaCode: 70), above = BT2446A.exponent(lumaCode: 70.0.nextUp)
    XCTAssertLessThan(abs(below - above), 2e-5)
    let atJoint = BT2446A.expandLuma(70.0 / 255), justAbove = BT2446A.expandLuma((70.0 / 255).nextUp)
    XCTAssertLessThan((atJoint - justAbove) / atJoint, 1e-4)
  }

  /// Grey stays grey; chroma keeps its sign and is boosted (S_c = 1.075·Y'_HDR/Y').
  func testMethodAChroma() {
    let g = BT2446A.expand(r: 0.6, g: 0.6, b: 0.6)
    XCTAssertEqual(g.0, g.1, accuracy: 1e-9)
    XCTAssertEqual(g.2, g.1, accuracy: 1e-9)
    let red = BT2446A.expand(r: 0.6, g: 0.3, b: 0.3)
    XCTAssertGreaterThan(red.0, red.1)
    XCTAssertGreaterThan(red.0, red.2)
    // Non-linear R'/Y' ratio grows by the chroma gain relative to grey of the same luma.
    let y = 0.2627 * 0.6 + 0.6780 * 0.3 + 0.0593 * 0.3
    let yHDR = BT2446A.expandLuma(y)
    let cr = (0.6 - y) / 1.4746
    let rPrime = yHDR + 1.4746 * 1.075 * yHDR / y * cr
    XCTAssertEqual(red.0, 1000 * pow(rPrime / 1000, 2.4), accuracy: 1e-9)
  }

  // MARK: - Method C

  func testMethodCForwardKnownPoints() {
    XCTAssertEqual(BT2446C.inflectionNits, 69.8074, accuracy: 1e-4)
    XCTAssertEqual(BT2446C.toneMap(nits: BT2446C.inflectionNits.nextDown), 58.5, accuracy: 1e-9)
    XCTAssertEqual(BT2446C.toneMap(nits: BT2446C.inflectionNits), 58.535, accuracy: 1e-3)
    XCTAssertEqual(BT2446C.toneMap(nits: 0), 0)
    XCTAssertEqual(BT2446C.toneMap(nits: 1000), 118.39, accuracy: 0.01)
    XCTAssertEqual(BT2446C.expand(sdrNits: 100), 332.38, accuracy: 0.01)
  }

  /// expand(toneMap(Y)) = Y on 1e-3...1e4 cd/m², 3001 log-spaced points: relative error ≤ 1e-12; and
  /// toneMap(expand(S)) = S for SDR levels outside the forward curve's gap 58.5..<58.535.
  func testMethodCInverseRoundTrip() {
    var worst = 0.0
    for y in logSweep(from: 1e-3, to: 1e4, count: 3001) {
      worst = max(worst, abs(BT2446C.expand(sdrNits: BT2446C.toneMap(nits: y)) - y) / y)
    }
    XCTAssertLessThanOrEqual(worst, 1e-12)
    for s in linearSweep(from: 0, to: 120, count: 1201) where !(58.5..<58.536).contains(s) {
      XCTAssertEqual(BT2446C.toneMap(nits: BT2446C.expand(sdrNits: s)), s, accuracy: 1e-10, "SDR \(s)")
    }
  }

  func testMethodCMonotonic() {
    let ys = logSweep(from: 1e-3, to: 1e4, count: 3001)
    for (a, b) in zip(ys, ys.dropFirst()) {
      XCTAssertLessThan(BT2446C.toneMap(nits: a), BT2446C.toneMap(nits: b))
    }
    let ss = linearSweep(from: 0, to: 120, count: 12001)
    for (a, b) in zip(ss, ss.dropFirst()) {
      XCTAssertLessThanOrEqual(BT2446C.expand(sdrNits: a), BT2446C.expand(sdrNits: b), "SDR \(a)")
    }
  }

  func testMethodCRGBKeepsRatios() {
    let out = BT2446C.expand(r: 80, g: 60, b: 40)
    XCTAssertEqual(out.0 / out.1, 80.0 / 60, accuracy: 1e-12)
    XCTAssertEqual(out.2 / out.1, 40.0 / 60, accuracy: 1e-12)
    let y = 0.2627 * out.0 + 0.6780 * out.1 + 0.0593 * out.2
    XCTAssertEqual(y, BT2446C.expand(sdrNits: 0.2627 * 80 + 0.6780 * 60 + 0.0593 * 40), accuracy: 1e-9)
  }
}
