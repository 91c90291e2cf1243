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

  /// The buffer form: eight at a time plus a scalar tail, in place or not, with the scale applied first; equal
  /// to the scalar lanes value by value.
  func testBufferEncodeMatchesTheScalarLanes() {
    let n = 21
    var src = (0..<n).map { Float($0) * 0.37 }
    var out = [Float](repeating: -1, count: n)
    LogGammaLanes.encode(src, into: &out, count: n, scale: 2)
    for i in 0..<n { XCTAssertEqual(out[i], LogGammaLanes.encode(src[i] * 2), "value \(i)") }
    let expected = src.map { LogGammaLanes.encode($0) }
    src.withUnsafeMutableBufferPointer { LogGammaLanes.encode($0.baseAddress!, into: $0.baseAddress!, count: n) }
    XCTAssertEqual(src, expected)
  }

  /// The SIMD lanes: constants tied to LogGamma's, a round trip, and agreement with the Double reference
  /// to 2e-6 in code over the range the fills and the diffusion blend use.
  func testLanesMatchTheReference() {
    XCTAssertTrue(LogGammaLanes.checkConstants())
    for l: Float in [0, 0.01, 0.5, 0.95, 1, 4, 16, 1000] {
      let back = LogGammaLanes.decode(LogGammaLanes.encode(l))
      XCTAssertEqual(back, l, accuracy: max(1e-6, 2e-5 * l))
      XCTAssertEqual(Double(LogGammaLanes.encode(l)), LogGamma.encode(Double(l)), accuracy: 2e-6)
    }
    for e: Float in [0, 0.05, 0.2, 0.35, 0.6, 0.9, 1] {
      let l = LogGamma.decode(Double(e))
      XCTAssertEqual(Double(LogGammaLanes.decode(e)), l, accuracy: max(1e-6, 2e-5 * l))
    }
  }
}
