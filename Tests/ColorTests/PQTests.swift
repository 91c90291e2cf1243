import Color
import XCTest

/// SMPTE ST 2084 PQ: known values and round trips.
final class PQTests: XCTestCase {
  func testKnownValues() {
    // PQ(0) = c1^m2 ≈ 7.3e-7, i.e. 0 to well under one 12-bit code.
    assertClose(PQ.encode(nits: 0), 0, tolerance: 1e-6, "PQ(0)")
    assertClose(PQ.encode(nits: 10000), 1, tolerance: 1e-12, "PQ(10000)")
    assertClose(PQ.encode(nits: 203), 0.5806, tolerance: 1e-4, "PQ(203), BT.2408 reference white")
    assertClose(PQ.encode(nits: 100), 0.5081, tolerance: 1e-4, "PQ(100)")
    assertClose(PQ.encode(nits: 1000), 0.7518, tolerance: 1e-4, "PQ(1000)")
    XCTAssertEqual(PQ.decode(signal: 0), 0)
    assertClose(PQ.decode(signal: 1), 10000, tolerance: 1e-8, "EOTF(1)")
  }

  func testClampsOutOfRange() {
    XCTAssertEqual(PQ.encode(nits: -5), PQ.encode(nits: 0))
    XCTAssertEqual(PQ.encode(nits: 20000), PQ.encode(nits: 10000))
    XCTAssertEqual(PQ.decode(signal: -0.1), 0)
    XCTAssertEqual(PQ.decode(signal: 1.5), PQ.decode(signal: 1))
  }

  /// decode(encode(L)) on 1e-3...1e4 cd/m², 2001 log-spaced points: relative error ≤ 1e-9.
  func testRoundTripLuminance() {
    var worst = 0.0
    for l in logSweep(from: 1e-3, to: 1e4, count: 2001) {
      worst = max(worst, abs(PQ.decode(signal: PQ.encode(nits: l)) - l) / l)
    }
    XCTAssertLessThanOrEqual(worst, 1e-9)
  }

  /// encode(decode(E)) on a 4097-point signal grid (E above the PQ black code): |error| ≤ 1e-12.
  func testRoundTripSignal() {
    var worst = 0.0
    for e in linearSweep(from: 0.001, to: 1, count: 4097) {
      worst = max(worst, abs(PQ.encode(nits: PQ.decode(signal: e)) - e))
    }
    XCTAssertLessThanOrEqual(worst, 1e-12)
  }
}
