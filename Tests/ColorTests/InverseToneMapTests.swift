import Color
import XCTest

/// ``InverseToneMap``: identity below the knee, C¹ at the knee, f(1) = peak, monotonic, identity cases.
final class InverseToneMapTests: XCTestCase {
  private func curve(knee: Float = 0.5, exponent: Float = 2.5, peakNits: Float = 1000) -> InverseToneMap {
    var p = ExpansionParams()
    p.kneeLinear = knee
    p.exponent = exponent
    return InverseToneMap(params: p, peakNits: peakNits, referenceWhiteNits: 203)
  }

  private let shapes: [(knee: Float, exponent: Float, peak: Float)] = [
    (0.5, 2.5, 1000), (0.2, 1.5, 600), (0.8, 4, 4000), (0.05, 8, 1000), (0.95, 2, 300),
  ]

  func testIdentityBelowKnee() {
    for s in shapes {
      let c = curve(knee: s.knee, exponent: s.exponent, peakNits: s.peak)
      for k in 0...100 {
        let y = s.knee * Float(k) / 100
        XCTAssertEqual(c.map(y), y, "knee \(s.knee) at \(y)")
      }
    }
  }

  /// C¹ at the knee: the left difference quotient is 1; the right one tends to 1 as h shrinks.
  ///
  /// Above the knee f'(k + δ) − 1 ∝ δ^(p−1), so the right quotient converges like h^(p−1): slowly for
  /// p = 1.5 or a knee close to 1. Bounds: default curve within 2e-3 at h = 1e-3; every shape within 0.05
  /// at h = 1e-4, with the error at least halving from h = 1e-2 to 1e-3 to 1e-4 until Float noise.
  func testC1AtKnee() {
    func slopes(_ c: InverseToneMap, _ h: Float) -> (left: Float, right: Float) {
      let k = c.knee
      return ((c.map(k) - c.map(k - h)) / h, (c.map(k + h) - c.map(k)) / h)
    }
    let standard = slopes(curve(), 1e-3)
    XCTAssertEqual(standard.left, 1, accuracy: 2e-3)
    XCTAssertEqual(standard.right, 1, accuracy: 2e-3)
    for s in shapes {
      let c = curve(knee: s.knee, exponent: s.exponent, peakNits: s.peak)
      let errors = [Float(1e-2), 1e-3, 1e-4].map { abs(slopes(c, $0).right - 1) }
      XCTAssertEqual(slopes(c, 1e-4).left, 1, accuracy: 2e-3, "left slope, \(s)")
      XCTAssertLessThanOrEqual(errors[2], 0.05, "right slope, \(s)")
      // Shrinking until Float rounding (≈ 6e-8/h) takes over.
      XCTAssertLessThanOrEqual(errors[1], max(errors[0] / 2, 2e-3), "right slope converges, \(s)")
      XCTAssertLessThanOrEqual(errors[2], max(errors[1] / 2, 2e-3), "right slope converges, \(s)")
    }
  }

  func testWhiteReachesPeak() {
    for s in shapes {
      let c = curve(knee: s.knee, exponent: s.exponent, peakNits: s.peak)
      XCTAssertEqual(c.peak, s.peak / 203, accuracy: 1e-6)
      XCTAssertEqual(c.map(1), c.peak, accuracy: 1e-6 * c.peak, "f(1), \(s)")
      XCTAssertEqual(c.map(1.5), c.peak, "above white is clamped to the peak")
    }
  }

  func testMonotonic() {
    for s in shapes {
      let c = curve(knee: s.knee, exponent: s.exponent, peakNits: s.peak)
      var previous = c.map(0)
      for k in 1...4000 {
        let y = Float(k) / 4000
        let v = c.map(y)
        XCTAssertGreaterThan(v, previous, "\(s) at \(y)")
        previous = v
      }
    }
  }

  func testIdentityWhenDisabledOrNoHeadroom() {
    var off = ExpansionParams()
    off.enabled = false
    let disabled = InverseToneMap(params: off, peakNits: 1000, referenceWhiteNits: 203)
    let equal = InverseToneMap(params: ExpansionParams(), peakNits: 203, referenceWhiteNits: 203)
    let below = InverseToneMap(params: ExpansionParams(), peakNits: 100, referenceWhiteNits: 203)
    for c in [disabled, equal, below] {
      XCTAssertTrue(c.isIdentity)
      for k in 0...150 {
        let y = Float(k) / 100
        XCTAssertEqual(c.map(y), y)
      }
    }
    XCTAssertFalse(curve().isIdentity)
  }

  func testParamsValidation() throws {
    try ExpansionParams().validate()
    var p = ExpansionParams()
    p.kneeLinear = 1
    XCTAssertThrowsError(try p.validate())
    p = ExpansionParams()
    p.exponent = .nan
    XCTAssertThrowsError(try p.validate())
  }
}
