import Color
import XCTest

/// ITU-R BT.2100 HLG: OETF, system gamma, OOTF, EOTF and BT.2408 reference levels.
final class HLGTests: XCTestCase {
  func testOETFKnownValues() {
    XCTAssertEqual(HLG.oetf(0), 0)
    XCTAssertEqual(HLG.oetf(1.0 / 12), 0.5, accuracy: 1e-15)
    assertClose(HLG.oetf(1), 1, tolerance: 1e-8, "OETF(1)")
    XCTAssertEqual(HLG.inverseOETF(0.5), 1.0 / 12, accuracy: 1e-15)
    assertClose(HLG.inverseOETF(1), 1, tolerance: 1e-7, "OETF⁻¹(1)")
  }

  /// OETF⁻¹(OETF(E)) on 1e-6...1, 2001 log-spaced points: relative error ≤ 1e-12.
  func testOETFRoundTrip() {
    var worst = 0.0
    for e in logSweep(from: 1e-6, to: 1, count: 2001) {
      worst = max(worst, abs(HLG.inverseOETF(HLG.oetf(e)) - e) / e)
    }
    XCTAssertLessThanOrEqual(worst, 1e-12)
  }

  func testSystemGamma() {
    XCTAssertEqual(HLG.systemGamma(peakNits: 1000), 1.2, accuracy: 1e-15)
    XCTAssertEqual(HLG.systemGamma(peakNits: 2000), 1.326, accuracy: 1e-3)
    XCTAssertEqual(HLG.systemGamma(peakNits: 2000), 1.2 + 0.42 * log10(2.0), accuracy: 1e-15)
  }

  /// BT.2408: HLG 75 % is reference white, 203 cd/m² on the 1000 cd/m² reference display.
  func testReferenceWhite() {
    assertClose(HLG.eotf(signal: 0.75, peakNits: 1000), 203, tolerance: 0.5, "EOTF(75 %)")
    assertClose(HLG.inverseEOTF(nits: 203, peakNits: 1000), 0.75, tolerance: 5e-4, "EOTF⁻¹(203)")
    let grey = HLG.eotf(r: 0.75, g: 0.75, b: 0.75, peakNits: 1000)
    assertClose(grey, (203, 203, 203), tolerance: 0.5, "RGB EOTF(75 % grey)")
    assertClose(HLG.eotf(signal: 1, peakNits: 1000), 1000, tolerance: 1e-3, "EOTF(1) = peak")
  }

  /// OOTF(OOTF⁻¹(F_D)) = F_D and OOTF⁻¹(OOTF(E)) = E on random colours and several display peaks.
  func testOOTFInverseIdentity() {
    var rng = SplitMix(seed: 2100)
    for peak in [400.0, 1000, 2000, 4000] {
      for _ in 0..<500 {
        let e = (Double.random(in: 0...1, using: &rng), Double.random(in: 0...1, using: &rng),
                 Double.random(in: 0...1, using: &rng))
        let d = HLG.ootf(r: e.0, g: e.1, b: e.2, peakNits: peak)
        let back = HLG.inverseOOTF(r: d.0, g: d.1, b: d.2, peakNits: peak)
        assertClose(back, e, tolerance: 1e-12, "OOTF⁻¹∘OOTF at \(peak)")
        let again = HLG.ootf(r: back.0, g: back.1, b: back.2, peakNits: peak)
        assertClose(again, d, tolerance: 1e-9 * peak, "OOTF∘OOTF⁻¹ at \(peak)")
      }
    }
    XCTAssertTrue(HLG.inverseOOTF(r: 0, g: 0, b: 0, peakNits: 1000) == (0, 0, 0))
  }

  /// EOTF⁻¹(EOTF(E')) = E' on random signals.
  func testEOTFRoundTrip() {
    var rng = SplitMix(seed: 12)
    for _ in 0..<500 {
      let s = (Double.random(in: 0.01...1, using: &rng), Double.random(in: 0.01...1, using: &rng),
               Double.random(in: 0.01...1, using: &rng))
      let d = HLG.eotf(r: s.0, g: s.1, b: s.2, peakNits: 1000)
      assertClose(HLG.inverseEOTF(r: d.0, g: d.1, b: d.2, peakNits: 1000), s, tolerance: 1e-12, "EOTF round trip")
    }
    // 1e-9 rather than 1e-12: with the published (rounded) c the OETF's log segment starts at
    // 0.50000000047, so signal 0.5 (E = 1/12 after rounding in pow) can come back 4.7e-10 high.
    for v in linearSweep(from: 0.01, to: 1, count: 100) {
      assertClose(HLG.inverseEOTF(nits: HLG.eotf(signal: v, peakNits: 1500), peakNits: 1500), v, tolerance: 1e-9,
                  "grey EOTF round trip")
    }
  }
}
