import Color
import Imaging
import XCTest

/// ICtCp and ΔE_ITP (ITU-R BT.2100, BT.2124).
final class ICtCpTests: XCTestCase {
  /// ΔE_ITP written out from the published matrices and ST 2084 constants, independent of ``PQ``/``Matrix3``.
  private func handDeltaE(_ a: [Double], _ b: [Double]) -> Double {
    func pq(_ l: Double) -> Double {
      let m1 = 2610.0 / 16384, m2 = 2523.0 / 4096 * 128
      let c1 = 3424.0 / 4096, c2 = 2413.0 / 4096 * 32, c3 = 2392.0 / 4096 * 32
      let y = pow(l / 10000, m1)
      return pow((c1 + c2 * y) / (1 + c3 * y), m2)
    }
    func itp(_ rgb: [Double]) -> [Double] {
      let l = pq((1688 * rgb[0] + 2146 * rgb[1] + 262 * rgb[2]) / 4096)
      let m = pq((683 * rgb[0] + 2951 * rgb[1] + 462 * rgb[2]) / 4096)
      let s = pq((99 * rgb[0] + 309 * rgb[1] + 3688 * rgb[2]) / 4096)
      let i = (l + m) / 2
      let ct = (6610 * l - 13613 * m + 7003 * s) / 4096
      let cp = (17933 * l - 17390 * m - 543 * s) / 4096
      return [i, ct / 2, cp]
    }
    let p = itp(a), q = itp(b)
    return 720 * ((p[0] - q[0]) * (p[0] - q[0]) + (p[1] - q[1]) * (p[1] - q[1]) + (p[2] - q[2]) * (p[2] - q[2]))
      .squareRoot()
  }

  func testIdenticalColoursAreZero() {
    for c in [(0.0, 0.0, 0.0), (100, 100, 100), (203, 50, 10), (1000, 0.1, 4000)] {
      XCTAssertEqual(DeltaEITP.between(nits: c, c), 0)
    }
  }

  /// A reference pair by hand (and the same value from an independent NumPy evaluation: 5.52262367).
  func testReferencePair() {
    let a = (100.0, 100.0, 100.0), b = (105.0, 100.0, 95.0)
    let expected = handDeltaE([100, 100, 100], [105, 100, 95])
    XCTAssertEqual(DeltaEITP.between(nits: a, b), expected, accuracy: 1e-9)
    XCTAssertEqual(expected, 5.52262367, accuracy: 1e-6)
    XCTAssertEqual(DeltaEITP.between(nits: (203, 50, 10), (190, 60, 12)),
                   handDeltaE([203, 50, 10], [190, 60, 12]), accuracy: 1e-9)
    XCTAssertEqual(DeltaEITP.between(nits: a, b), DeltaEITP.between(nits: b, a), "symmetric")
  }

  /// LMS rows sum to 1, so grey has Ct = Cp = 0 and I = PQ(Y).
  func testGreyIsAchromatic() {
    for y in [0.1, 1, 100, 203, 1000, 10000] {
      let c = ICtCp(nits: (y, y, y))
      XCTAssertEqual(c.i, PQ.encode(nits: y), accuracy: 1e-12)
      XCTAssertEqual(c.ct, 0, accuracy: 1e-12)
      XCTAssertEqual(c.cp, 0, accuracy: 1e-12)
    }
    XCTAssertEqual(DeltaEITP.between(nits: (100, 100, 100), (101, 101, 101)),
                   720 * (PQ.encode(nits: 101) - PQ.encode(nits: 100)), accuracy: 1e-9)
  }

  func testMeanOverImages() {
    let a = PlanarImage(width: 2, height: 1, channels: 3)
    let b = PlanarImage(width: 2, height: 1, channels: 3)
    let pixelsA: [(Float, Float, Float)] = [(100, 100, 100), (203, 50, 10)]
    let pixelsB: [(Float, Float, Float)] = [(105, 100, 95), (203, 50, 10)]
    for x in 0..<2 {
      a.plane(0)[x] = pixelsA[x].0; a.plane(1)[x] = pixelsA[x].1; a.plane(2)[x] = pixelsA[x].2
      b.plane(0)[x] = pixelsB[x].0; b.plane(1)[x] = pixelsB[x].1; b.plane(2)[x] = pixelsB[x].2
    }
    XCTAssertEqual(DeltaEITP.mean(a, b), handDeltaE([100, 100, 100], [105, 100, 95]) / 2, accuracy: 1e-9)
    XCTAssertEqual(DeltaEITP.mean(a, a), 0)
  }
}
