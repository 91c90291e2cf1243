import Color
import Imaging
import XCTest

/// PU21 encoding (banding_glare) and PU-PSNR.
final class PU21Tests: XCTestCase {
  func testKnownValues() {
    XCTAssertEqual(PU21.encode(nits: 100), 256.4, accuracy: 0.05)
    XCTAssertEqual(PU21.encode(nits: 0.005), 0, accuracy: 1e-6)
    XCTAssertEqual(PU21.encode(nits: 10000), 595.394, accuracy: 1e-3)
    XCTAssertEqual(PU21.encode(nits: 0), PU21.encode(nits: 0.005), "clamped below")
    XCTAssertEqual(PU21.encode(nits: 1e5), PU21.encode(nits: 10000), "clamped above")
  }

  func testStrictlyMonotonic() {
    let ys = logSweep(from: 0.005, to: 10000, count: 4001)
    for (a, b) in zip(ys, ys.dropFirst()) {
      XCTAssertLessThan(PU21.encode(nits: a), PU21.encode(nits: b), "at \(a)")
    }
  }

  func testPSNR() {
    let reference: [Double] = [0.1, 1, 10, 100, 1000]
    XCTAssertEqual(PU21.psnr(testNits: reference, referenceNits: reference), .infinity)
    let test: [Double] = [0.1, 1, 10, 110, 1000]
    let d = PU21.encode(nits: 110) - PU21.encode(nits: 100)
    let expected = 10 * log10(256.0 * 256 / (d * d / 5))
    XCTAssertEqual(PU21.psnr(testNits: test, referenceNits: reference), expected, accuracy: 1e-9)
    XCTAssertEqual(PU21.psnr(mse: 256 * 256), 0, accuracy: 1e-12)
    // Float input and images give the same number.
    XCTAssertEqual(PU21.psnr(testNits: test.map { Float($0) }, referenceNits: reference.map { Float($0) }),
                   expected, accuracy: 1e-9)
    let a = PlanarImage(width: 5, height: 1, channels: 1)
    let b = PlanarImage(width: 5, height: 1, channels: 1)
    for k in 0..<5 {
      a.data[k] = Float(test[k])
      b.data[k] = Float(reference[k])
    }
    XCTAssertEqual(PU21.psnr(a, b), expected, accuracy: 1e-9)
  }
}
