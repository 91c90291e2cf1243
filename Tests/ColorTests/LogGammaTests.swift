import Color
import XCTest

/// DiffHDR Log-Gamma: sample values, exact inverse, strict monotonicity.
final class LogGammaTests: XCTestCase {
  func testSampleValues() {
    XCTAssertEqual(LogGamma.encode(0.18), 0.197, accuracy: 5e-4)
    XCTAssertEqual(LogGamma.encode(1), 0.348, accuracy: 5e-4)
    XCTAssertEqual(LogGamma.encode(16), 0.580, accuracy: 5e-4)
    XCTAssertEqual(LogGamma.encode(100), 0.699, accuracy: 5e-4)
    XCTAssertEqual(LogGamma.encode(0), 0)
    XCTAssertEqual(LogGamma.encode(LogGamma.maxLinear), 1, accuracy: 1e-15)
  }

  /// decode(encode(L)) on 1e-4...65536, 3001 log-spaced points: relative error ≤ 1e-11.
  func testExactInverse() {
    var worst = 0.0
    for l in logSweep(from: 1e-4, to: LogGamma.maxLinear, count: 3001) {
      worst = max(worst, abs(LogGamma.decode(LogGamma.encode(l)) - l) / l)
    }
    XCTAssertLessThanOrEqual(worst, 1e-11)
    for e in linearSweep(from: 0, to: 1, count: 1001) {
      XCTAssertEqual(LogGamma.encode(LogGamma.decode(e)), e, accuracy: 1e-13)
    }
  }

  func testStrictlyMonotonic() {
    let xs = [0] + logSweep(from: 1e-6, to: LogGamma.maxLinear, count: 5001)
    for (a, b) in zip(xs, xs.dropFirst()) {
      XCTAssertLessThan(LogGamma.encode(a), LogGamma.encode(b), "encode at \(a)")
    }
    let es = linearSweep(from: 0, to: 1, count: 5001)
    for (a, b) in zip(es, es.dropFirst()) {
      XCTAssertLessThan(LogGamma.decode(a), LogGamma.decode(b), "decode at \(a)")
    }
  }

  func testClamps() {
    XCTAssertEqual(LogGamma.encode(-1), 0)
    XCTAssertEqual(LogGamma.encode(1e6), 1, accuracy: 1e-15)
    XCTAssertEqual(LogGamma.decode(2), LogGamma.decode(1))
  }
}
