import Color
import XCTest

/// sRGB (IEC 61966-2-1), BT.1886 and BT.709 OETF: known points and round trips.
final class SDRCurvesTests: XCTestCase {
  func testSRGBKnownPoints() {
    XCTAssertEqual(SRGB.eotf(0), 0)
    XCTAssertEqual(SRGB.eotf(1), 1, accuracy: 1e-15)
    XCTAssertEqual(SRGB.eotf(0.5), 0.214041140, accuracy: 1e-9)
    XCTAssertEqual(SRGB.eotf(0.04045), 0.04045 / 12.92, accuracy: 1e-15)
    XCTAssertEqual(SRGB.inverseEOTF(0.18), 0.461356130, accuracy: 1e-9)
    XCTAssertEqual(SRGB.inverseEOTF(0.0031308), 12.92 * 0.0031308, accuracy: 1e-15)
    XCTAssertEqual(SRGB.inverseEOTF(1), 1, accuracy: 1e-15)
  }

  func testBT1886KnownPoints() {
    XCTAssertEqual(BT1886.eotf(0), 0)
    XCTAssertEqual(BT1886.eotf(1), 1)
    XCTAssertEqual(BT1886.eotf(0.5), 0.189464571, accuracy: 1e-9)
    XCTAssertEqual(BT1886.inverseEOTF(0.189464571), 0.5, accuracy: 1e-9)
  }

  func testBT709KnownPoints() {
    XCTAssertEqual(BT709.oetf(0), 0)
    XCTAssertEqual(BT709.oetf(1), 1, accuracy: 1e-15)
    XCTAssertEqual(BT709.oetf(0.01), 0.045, accuracy: 1e-15)
    XCTAssertEqual(BT709.oetf(0.18), 0.408848109, accuracy: 1e-9)
    XCTAssertEqual(BT709.inverseOETF(0.5), 0.259719437, accuracy: 1e-9)
  }

  /// The BT.709 segments meet (exact-continuous constants): no jump at β, either direction.
  func testBT709Continuity() {
    let beta = BT709.beta
    let linear = 4.5 * beta
    let power = BT709.alpha * pow(beta, 0.45) - (BT709.alpha - 1)
    XCTAssertEqual(linear, power, accuracy: 1e-12)
    XCTAssertEqual(BT709.inverseOETF(linear.nextUp), beta, accuracy: 1e-12)
    XCTAssertEqual(BT709.inverseOETF(linear.nextDown), beta, accuracy: 1e-12)
  }

  /// Round trips on 2001 log-spaced points in 1e-6...1: relative error ≤ 1e-12 (linear → signal → linear)
  /// and absolute ≤ 1e-12 (signal → linear → signal).
  func testRoundTrips() {
    let pairs: [(String, (Double) -> Double, (Double) -> Double)] = [
      ("srgb", SRGB.inverseEOTF, SRGB.eotf),
      ("bt1886", BT1886.inverseEOTF, BT1886.eotf),
      ("bt709", BT709.oetf, BT709.inverseOETF),
    ]
    for (name, encode, decode) in pairs {
      var worstLinear = 0.0, worstSignal = 0.0
      for x in logSweep(from: 1e-6, to: 1, count: 2001) {
        worstLinear = max(worstLinear, abs(decode(encode(x)) - x) / x)
        worstSignal = max(worstSignal, abs(encode(decode(x)) - x))
      }
      XCTAssertLessThanOrEqual(worstLinear, 1e-12, name)
      XCTAssertLessThanOrEqual(worstSignal, 1e-12, name)
    }
  }
}
