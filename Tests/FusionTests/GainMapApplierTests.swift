import Fusion
import Imaging
import NN
import XCTest

final class GainMapApplierTests: XCTestCase {
  /// Deterministic linear test frame [3, h, w] in [0, 1.2).
  private func frame(width: Int, height: Int) -> PlanarImage {
    let img = PlanarImage(width: width, height: height)
    var x: UInt64 = 0x2545_F491_4F6C_DD1D
    for i in 0..<img.count {
      x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let u = Float((x >> 40) & 0xFFFFF) / Float(0x100000)
      img.data[i] = u * u * 1.2
    }
    return img
  }

  private func gainTensor(width: Int, height: Int, _ f: (Int, Int) -> Float) -> Tensor {
    let t = Tensor(zeros: Shape(1, 1, height, width))
    for y in 0..<height { for x in 0..<width { t.data[y * width + x] = f(x, y) } }
    return t
  }

  func testZeroGainIsBitIdentical() {
    let img = frame(width: 64, height: 48)
    let out = GainMapApplier().apply(gain: gainTensor(width: 16, height: 12) { _, _ in 0 }, to: img)
    XCTAssertEqual(Array(UnsafeBufferPointer(start: out.data, count: out.count)),
                   Array(UnsafeBufferPointer(start: img.data, count: img.count)))
  }

  func testConstantGainScalesByPowerOfTwo() {
    let img = frame(width: 64, height: 48)
    for g: Float in [1.5, -2.25] {
      let out = GainMapApplier().apply(gain: gainTensor(width: 16, height: 12) { _, _ in g }, to: img)
      let scale = exp2f(g)
      for i in 0..<img.count {
        XCTAssertEqual(out.data[i], img.data[i] * scale, accuracy: 1e-6 * max(1, img.data[i] * scale))
      }
    }
  }

  func testInPlaceApplication() {
    let img = frame(width: 40, height: 32)
    let gain = gainTensor(width: 10, height: 8) { x, y in Float(x - y) * 0.1 }
    let expected = GainMapApplier().apply(gain: gain, to: img)
    GainMapApplier().apply(gain: gain, to: img, into: img)
    XCTAssertEqual(Array(UnsafeBufferPointer(start: img.data, count: img.count)),
                   Array(UnsafeBufferPointer(start: expected.data, count: expected.count)))
  }

  /// A vertical luminance step at x = 30 (not on a 4-pixel block boundary) with the ideal gain
  /// 0 stops left, +2 stops right, given at 1/4 resolution as the block average.
  func testStepEdgeIsSharperThanBilinear() {
    let w = 64, h = 32, edge = 30, scale = 4
    let img = PlanarImage(width: w, height: h)
    for c in 0..<3 { for y in 0..<h { for x in 0..<w { img.row(c, y)[x] = x < edge ? 0.05 : 0.9 } } }
    let ideal: (Int) -> Float = { $0 < edge ? 0 : 2 }
    let low = gainTensor(width: w / scale, height: h / scale) { bx, _ in
      (0..<scale).map { ideal(bx * scale + $0) }.reduce(0, +) / Float(scale)
    }
    let guided = GainMapApplier().upsampledGain(low, guide: img)
    let lowImage = PlanarImage(width: w / scale, height: h / scale, channels: 1)
    lowImage.data.update(from: low.data, count: low.count)
    let bilinear = BilinearResize.resize(lowImage, width: w, height: h)
    var errGuided: Float = 0, errBilinear: Float = 0
    for y in 0..<h {
      for x in 0..<w {
        errGuided += abs(guided[0, y, x] - ideal(x))
        errBilinear += abs(bilinear[0, y, x] - ideal(x))
      }
    }
    errGuided /= Float(w * h)
    errBilinear /= Float(w * h)
    print("step edge mean |gain error|: guided \(errGuided), bilinear \(errBilinear)")
    XCTAssertLessThan(errGuided, 0.5 * errBilinear)
    // Away from the edge the gain is the ideal one.
    XCTAssertEqual(guided[0, 16, 5], 0, accuracy: 0.02)
    XCTAssertEqual(guided[0, 16, 60], 2, accuracy: 0.02)
  }
}
