import Imaging
import TestSupport
import XCTest

final class ResampleTests: XCTestCase {
  func testDownsample2xIsMeanOfChildrenWithOddSizes() {
    let src = ReferenceKernels.random(width: 35, height: 21, channels: 2, seed: 7)
    let out = Pyramid.downsample2x(src)
    XCTAssertEqual(out.width, 18)
    XCTAssertEqual(out.height, 11)
    for c in 0..<2 {
      for y in 0..<out.height {
        for x in 0..<out.width {
          let x1 = min(2 * x + 1, 34), y1 = min(2 * y + 1, 20)
          let ref = (src[c, 2 * y, 2 * x] + src[c, 2 * y, x1] + src[c, y1, 2 * x] + src[c, y1, x1]) / 4
          XCTAssertEqual(out[c, y, x], ref, accuracy: 1e-6)
        }
      }
    }
  }

  func testUpsample2xFastPathMatchesBilinearReference() {
    let src = ReferenceKernels.random(width: 21, height: 9, channels: 2, seed: 8)
    for (w, h) in [(42, 18), (41, 17)] {
      let out = Pyramid.upsample2x(src, width: w, height: h)
      // The 2× path samples at scale exactly ½; compare with the reference at that scale.
      let ref = ReferenceKernels.bilinear(src, width: 42, height: 18)
      if w == 42 {
        XCTAssertLessThan(Approx.maxAbsDifference(out, ref), 1e-5)
      } else {
        for c in 0..<2 {
          for y in 0..<h {
            for x in 0..<w { XCTAssertEqual(out[c, y, x], ref[c, y, x], accuracy: 1e-5) }
          }
        }
      }
    }
  }

  func testBilinearResizeMatchesReferenceUpAndDown() {
    let src = ReferenceKernels.random(width: 30, height: 20, channels: 1, seed: 10)
    for (w, h) in [(45, 31), (13, 7), (30, 20)] {
      let out = BilinearResize.resize(src, width: w, height: h)
      let ref = ReferenceKernels.bilinear(src, width: w, height: h)
      XCTAssertLessThan(Approx.maxAbsDifference(out, ref), 1e-5, "\(w)×\(h)")
    }
  }

  func testPushPullKeepsKnownPixelsAndFillsHoleSmoothly() {
    // Ramp v = x/40 known outside a 12×12 hole.
    let w = 40, h = 30
    let values = PlanarImage(width: w, height: h, channels: 1), weights = PlanarImage(width: w, height: h, channels: 1)
    for y in 0..<h {
      for x in 0..<w {
        let hole = (10..<22).contains(x) && (9..<21).contains(y)
        weights[0, y, x] = hole ? 0 : 1
        values[0, y, x] = hole ? 0 : Float(x) / 40
      }
    }
    let out = PushPull.fill(premultiplied: values, weights: weights)
    for y in 0..<h {
      for x in 0..<w {
        if weights[0, y, x] == 1 {
          XCTAssertEqual(out[0, y, x], Float(x) / 40, accuracy: 1e-6)
        } else {
          XCTAssertEqual(out[0, y, x], Float(x) / 40, accuracy: 0.15)
        }
      }
    }
  }
}
