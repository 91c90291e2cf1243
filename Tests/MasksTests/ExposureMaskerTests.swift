import Imaging
import Masks
import Parameters
import TestSupport
import XCTest

final class ExposureMaskerTests: XCTestCase {
  /// Grey 0.5 signal [3, n, n] with a square of `value` in rows/columns lo..<hi.
  func squareSignal(_ n: Int, _ lo: Int, _ hi: Int, value: Float, background: Float = 0.5) -> PlanarImage {
    let s = PlanarImage(width: n, height: n, channels: 3)
    s.fill(background)
    for c in 0..<3 {
      for y in lo..<hi { for x in lo..<hi { s[c, y, x] = value } }
    }
    return s
  }

  func testClippedSquareOverIsOneInsideZeroFarAway() throws {
    for half in [false, true] {
      var p = MaskParams()
      p.halfResolution = half
      let m = try ExposureMasker(params: p).compute(signal: squareSignal(96, 28, 68, value: 1))
      XCTAssertGreaterThan(m.over[0, 48, 48], 0.95, "half \(half)")
      XCTAssertLessThan(m.over[0, 4, 4], 1e-4)
      XCTAssertLessThan(m.under[0, 48, 48], 1e-4)
      XCTAssertLessThan(m.under[0, 4, 4], 1e-4)
    }
  }

  func testBlackSquareUnderIsOneInside() throws {
    let m = try ExposureMasker().compute(signal: squareSignal(96, 28, 68, value: 0))
    XCTAssertGreaterThan(m.under[0, 48, 48], 0.95)
    XCTAssertLessThan(m.under[0, 4, 4], 1e-4)
    XCTAssertLessThan(m.over[0, 48, 48], 1e-4)
  }

  func testMasksStayInUnitRange() throws {
    let m = try ExposureMasker().compute(signal: squareSignal(64, 10, 40, value: 0.99, background: 0.02))
    for i in 0..<m.over.count {
      XCTAssert((0...1.0001).contains(m.over.data[i]))
      XCTAssert((0...1.0001).contains(m.under.data[i]))
    }
  }

  func testHalfResolutionCloseToFullResolution() throws {
    var full = MaskParams()
    full.halfResolution = false
    let sig = squareSignal(128, 30, 90, value: 1)
    let a = try ExposureMasker(params: full).compute(signal: sig)
    let b = try ExposureMasker().compute(signal: sig)
    var d: Float = 0
    for i in 0..<a.over.count { d += abs(a.over.data[i] - b.over.data[i]) }
    XCTAssertLessThan(d / Float(a.over.count), 0.03)
  }

  /// A flat signal flickering between 0.935 and 0.965: the EMA masks vary less frame to frame.
  func testTemporalEMASmoothsFlickerAndSceneCutResets() throws {
    func flicker(_ weight: Float) throws -> (variation: Float, masker: ExposureMasker) {
      var p = MaskParams()
      p.temporalWeight = weight
      let masker = try ExposureMasker(params: p)
      var last: Float?
      var variation: Float = 0
      for t in 0..<12 {
        let s = PlanarImage(width: 32, height: 32, channels: 3)
        s.fill(t % 2 == 0 ? 0.935 : 0.965)
        let v = masker.compute(signal: s).over[0, 16, 16]
        if let last, t >= 4 { variation += abs(v - last) }
        last = v
      }
      return (variation, masker)
    }
    let smooth = try flicker(0.7), raw = try flicker(1)
    XCTAssertGreaterThan(raw.variation, 1)
    XCTAssertLessThan(smooth.variation, 0.6 * raw.variation)
    // After a scene cut the state is gone: same result as a fresh masker.
    let s = PlanarImage(width: 32, height: 32, channels: 3)
    s.fill(0.94)
    let afterCut = smooth.masker.compute(signal: s, isSceneCut: true).over
    let fresh = try ExposureMasker().compute(signal: s).over
    XCTAssertEqual(Approx.maxAbsDifference(afterCut, fresh), 0)
  }

  func testInvalidParamsThrowWithKey() {
    var p = MaskParams()
    p.overHighSignal = 0.9
    XCTAssertThrowsError(try ExposureMasker(params: p)) { e in
      XCTAssertEqual((e as? ParameterError)?.key, "overHighSignal")
    }
    p = MaskParams()
    p.smoothingMorphologyRadiusPixels = 40
    XCTAssertThrowsError(try ExposureMasker(params: p))
  }
}
