import Imaging
import TestSupport
import XCTest

final class BlurTests: XCTestCase {
  func testBoxBlurMatchesReferenceForSeveralRadiiAndOddSizes() {
    let src = ReferenceKernels.random(width: 37, height: 23, channels: 2)
    for r in [0, 1, 3, 7, 30] {
      let out = PlanarImage(width: 37, height: 23, channels: 2)
      BoxBlur.apply(src, radius: r, into: out)
      let ref = ReferenceKernels.separable(src, [Float](repeating: 1 / Float(2 * r + 1), count: 2 * r + 1))
      XCTAssertLessThan(Approx.maxAbsDifference(out, ref), 1e-5, "radius \(r)")
    }
  }

  func testBoxBlurInPlaceEqualsOutOfPlace() {
    let src = ReferenceKernels.random(width: 40, height: 17, channels: 1, seed: 3)
    let out = PlanarImage(width: 40, height: 17, channels: 1)
    BoxBlur.apply(src, radius: 2, into: out)
    BoxBlur.apply(src, radius: 2, into: src)
    XCTAssertEqual(Approx.maxAbsDifference(out, src), 0)
  }

  func testGaussianBlurMatchesReference() {
    let src = ReferenceKernels.random(width: 33, height: 29, channels: 3, seed: 5)
    for sigma: Float in [0.8, 1.7, 4] {
      let out = PlanarImage(width: 33, height: 29, channels: 3)
      GaussianBlur.apply(src, sigma: sigma, into: out)
      let r = Int((3 * sigma).rounded(.up))
      let ref = ReferenceKernels.separable(src, GaussianBlur.weights(sigma: sigma, radius: r))
      XCTAssertLessThan(ReferenceKernels.nmse(out, ref), 1e-10, "sigma \(sigma)")
    }
  }

  func testGaussianWeightsSumToOneAndAreSymmetric() {
    let k = GaussianBlur.weights(sigma: 1.7, radius: 4)
    XCTAssertEqual(k.reduce(0, +), 1, accuracy: 1e-6)
    XCTAssertEqual(k.first!, k.last!, accuracy: 1e-9)
  }

  func testGuidedFilterMatchesBoxBlurFormulaAndKeepsConstants() {
    // Constant image stays constant.
    let c = PlanarImage(width: 20, height: 12, channels: 2)
    c.fill(0.4)
    let guide = ReferenceKernels.random(width: 20, height: 12, channels: 1, seed: 9)
    let out = PlanarImage(width: 20, height: 12, channels: 2)
    GuidedFilter.apply(guide: guide, c, radius: 2, epsilon: 1e-3, into: out)
    for i in 0..<out.count { XCTAssertEqual(out.data[i], 0.4, accuracy: 1e-4) }
    // Self-guided with tiny ε keeps the image (edge preserving); huge ε tends to the double box blur.
    let img = ReferenceKernels.random(width: 20, height: 12, channels: 1, seed: 11)
    let single = PlanarImage(width: 20, height: 12, channels: 1)
    GuidedFilter.apply(guide: img, img, radius: 2, epsilon: 1e-8, into: single)
    XCTAssertLessThan(Approx.maxAbsDifference(single, img), 2e-3)
  }

  func testGuidedFilterMatchesNaiveReference() {
    let g = ReferenceKernels.random(width: 19, height: 14, channels: 1, seed: 21)
    let p = ReferenceKernels.random(width: 19, height: 14, channels: 1, seed: 22)
    let out = PlanarImage(width: 19, height: 14, channels: 1)
    let r = 2, eps: Float = 0.01
    GuidedFilter.apply(guide: g, p, radius: r, epsilon: eps, into: out)
    let box = [Float](repeating: 1 / Float(2 * r + 1), count: 2 * r + 1)
    func mul(_ a: PlanarImage, _ b: PlanarImage) -> PlanarImage {
      let o = a.copy()
      for i in 0..<o.count { o.data[i] *= b.data[i] }
      return o
    }
    let mI = ReferenceKernels.separable(g, box), mP = ReferenceKernels.separable(p, box)
    let mII = ReferenceKernels.separable(mul(g, g), box), mIP = ReferenceKernels.separable(mul(g, p), box)
    let a = g.copy(), b = g.copy()
    for i in 0..<a.count {
      a.data[i] = (mIP.data[i] - mI.data[i] * mP.data[i]) / (mII.data[i] - mI.data[i] * mI.data[i] + eps)
      b.data[i] = mP.data[i] - a.data[i] * mI.data[i]
    }
    let ma = ReferenceKernels.separable(a, box), mb = ReferenceKernels.separable(b, box)
    let ref = g.copy()
    for i in 0..<ref.count { ref.data[i] = ma.data[i] * g.data[i] + mb.data[i] }
    XCTAssertLessThan(ReferenceKernels.nmse(out, ref), 1e-9)
  }
}
