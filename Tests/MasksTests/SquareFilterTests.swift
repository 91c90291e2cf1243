import Imaging
import TestSupport
import XCTest

/// The one-pass square filters the masker uses against the two-pass kernels of `Imaging`.
final class SquareFilterTests: XCTestCase {
  func random(_ w: Int, _ h: Int, _ c: Int, seed: UInt64) -> PlanarImage {
    let img = PlanarImage(width: w, height: h, channels: c)
    var s = seed &* 0x9E37_79B9_7F4A_7C15
    for i in 0..<img.count {
      s = s &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      img.data[i] = Float(s >> 40) / Float(1 << 24)
    }
    return img
  }

  func testMorphologyBitIdenticalToTwoPass() {
    for (w, h) in [(29, 18), (64, 5), (7, 40)] {
      let src = random(w, h, 2, seed: UInt64(w * h))
      for r in [0, 1, 2, 4, 9] {
        for op in [Morphology.Operation.erode, .dilate] {
          let a = PlanarImage(width: w, height: h, channels: 2), b = PlanarImage(width: w, height: h, channels: 2)
          Morphology.apply(op, src, radius: r, into: a)
          SquareFilter.morphology(op, src, radius: r, into: b)
          XCTAssertEqual(Approx.maxAbsDifference(a, b), 0, "\(w)x\(h) r \(r) \(op)")
        }
      }
    }
  }

  func testGaussianMatchesTwoPassWithinRounding() {
    for (w, h) in [(29, 18), (64, 5), (7, 40)] {
      let src = random(w, h, 2, seed: UInt64(w + h))
      for r in [1, 2, 5] {
        let sigma = 0.3 * Float(r - 1) + 0.8
        let a = PlanarImage(width: w, height: h, channels: 2), b = PlanarImage(width: w, height: h, channels: 2)
        GaussianBlur.apply(src, sigma: sigma, radius: r, into: a)
        let visited = PlanarImage(width: 1, height: h, channels: 2)
        SquareFilter.gaussian(src, sigma: sigma, radius: r, into: b) { c, y, _ in visited[c, y, 0] += 1 }
        XCTAssertLessThan(Approx.maxAbsDifference(a, b), 1e-6, "\(w)x\(h) r \(r)")
        XCTAssert((0..<visited.count).allSatisfy { visited.data[$0] == 1 }, "epilogue once per row")
      }
    }
  }

  func testAnyPositive() {
    let p = UnsafeMutablePointer<Float>.allocate(capacity: 21)
    defer { p.deallocate() }
    p.initialize(repeating: 0, count: 21)
    XCTAssertFalse(SquareFilter.anyPositive(p, count: 21))
    p[20] = 1e-30
    XCTAssertTrue(SquareFilter.anyPositive(p, count: 21))
    p[20] = -1
    p[3] = 0.5
    XCTAssertTrue(SquareFilter.anyPositive(p, count: 21))
  }
}
