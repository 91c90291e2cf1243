import Execution
import NN
import XCTest

/// Kernels against plain loops: |a − b| ≤ 1e-4·max(1, max|ref|) (Double-accumulated reference).
final class KernelTests: XCTestCase {
  /// Random configurations covering every Conv2d path (pointwise, depthwise, banded im2col).
  func testConv2dMatchesNaiveLoop() {
    let configs: [(cin: Int, cout: Int, k: (Int, Int), s: (Int, Int), p: (Int, Int), d: (Int, Int), g: Int, bias: Bool)] = [
      (3, 5, (3, 3), (1, 1), (1, 1), (1, 1), 1, true),
      (4, 6, (3, 5), (2, 1), (1, 2), (2, 1), 2, true),
      (8, 8, (3, 3), (1, 1), (1, 1), (1, 1), 8, true),
      (8, 8, (5, 5), (2, 2), (2, 2), (1, 1), 8, false),
      (6, 9, (1, 1), (1, 1), (0, 0), (1, 1), 3, true),
      (6, 4, (1, 1), (2, 2), (0, 0), (1, 1), 1, false),
      (5, 7, (7, 7), (1, 1), (3, 3), (1, 1), 1, true),
      (4, 8, (3, 3), (1, 1), (0, 0), (1, 1), 4, true),
    ]
    for (i, cfg) in configs.enumerated() {
      var conv = Conv2d(
        inChannels: cfg.cin, outChannels: cfg.cout, kernel: cfg.k, stride: cfg.s, padding: cfg.p, dilation: cfg.d,
        groups: cfg.g, bias: cfg.bias)
      conv.weight = randomTensor(conv.weight.shape, seed: UInt64(10 + i))
      if cfg.bias { conv.bias = randomTensor(conv.bias!.shape, seed: UInt64(20 + i)) }
      let x = randomTensor(Shape(i % 2 + 1, cfg.cin, 17, 23), seed: UInt64(30 + i))
      let ref = NaiveReference.conv2d(x, conv)
      for band in [2 << 20, 256] {  // one band, and many one-row bands
        let context = ExecutionContext.default.with(nnKernels: NNKernelChoices(bandBytes: band))
        assertClose(context.run { conv(x) }, ref, "conv config \(i) band \(band)")
      }
    }
  }

  func testConvTransposeMatchesNaiveLoop() {
    let layers = [
      ConvTranspose2d(6, 4, kernel: 4, stride: 2, padding: 1),
      ConvTranspose2d(4, 6, kernel: 3, stride: 2, padding: 1, outputPadding: 1, groups: 2),
      ConvTranspose2d(3, 5, kernel: 3, stride: 1, padding: 0, dilation: 2, bias: false),
    ]
    for (i, var l) in layers.enumerated() {
      l.weight = randomTensor(l.weight.shape, seed: UInt64(40 + i))
      if l.bias != nil { l.bias = randomTensor(l.bias!.shape, seed: UInt64(50 + i)) }
      let x = randomTensor(Shape(1 + i % 2, l.inChannels, 7, 6), seed: UInt64(60 + i))
      assertClose(l(x), NaiveReference.convTranspose2d(x, l), "transposed \(i)")
    }
  }

  /// The kernel test must be able to fail: a perturbed weight is detected.
  func testNaiveComparisonDetectsError() {
    var conv = Conv2d(3, 4, kernel: 3, padding: 1)
    conv.weight = randomTensor(conv.weight.shape, seed: 1)
    let x = randomTensor(Shape(1, 3, 8, 8), seed: 2)
    let ref = NaiveReference.conv2d(x, conv)
    conv.weight.data[5] += 0.01
    let y = conv(x)
    var maxDiff: Float = 0
    for i in 0..<y.count { maxDiff = max(maxDiff, abs(y.data[i] - ref.data[i])) }
    XCTAssertGreaterThan(maxDiff, 1e-3)
  }

  func testFastMathAccuracy() {
    var worstExp: Float = 0, worstTanh: Float = 0, worstSig: Float = 0
    var x: Float = -20
    while x < 20 {
      let v = SIMD16<Float>(repeating: x)
      worstExp = max(worstExp, abs(FastMath.exp(v)[0] - expf(x)) / expf(x))
      worstTanh = max(worstTanh, abs(FastMath.tanh(v)[0] - tanhf(x)))
      worstSig = max(worstSig, abs(FastMath.sigmoid(v)[0] - 1 / (1 + expf(-x))))
      XCTAssertEqual(FastMath.exp(SIMD8<Float>(repeating: x))[3], FastMath.exp(v)[3], "8-lane exp = 16-lane exp")
      x += 0.0137
    }
    XCTAssertLessThan(worstExp, 1e-6)
    XCTAssertLessThan(worstTanh, 1e-6)
    XCTAssertLessThan(worstSig, 1e-6)
  }

  func testElementwiseAndConcatSplit() {
    let a = randomTensor(Shape(1, 3, 5, 7), seed: 1)
    let b = randomTensor(Shape(1, 3, 5, 7), seed: 2)
    let s = randomTensor(Shape(1, 3, 1, 1), seed: 3)
    let sum = Elementwise.add(a, b), prod = Elementwise.mul(a, s)
    for i in 0..<a.count {
      XCTAssertEqual(sum.data[i], a.data[i] + b.data[i])
      XCTAssertEqual(prod.data[i], a.data[i] * s.data[i / 35])
    }
    let cat = Tensor.concat([a, b])
    XCTAssertEqual(cat.shape, Shape(1, 6, 5, 7))
    let parts = cat.split([3, 3])
    XCTAssertEqual(parts[1].toArray(), b.toArray())
    XCTAssertEqual(parts[0].storage === cat.storage, true, "batch-1 split is a view")
    let a2 = randomTensor(Shape(2, 3, 4, 4), seed: 4), b2 = randomTensor(Shape(2, 2, 4, 4), seed: 5)
    let p2 = Tensor.concat([a2, b2]).split([3, 2])
    XCTAssertEqual(p2[0].toArray(), a2.toArray())
    XCTAssertEqual(p2[1].toArray(), b2.toArray())
  }
}
