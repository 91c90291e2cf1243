import Execution
import NN
import XCTest

/// Winograd F(4×4, 3×3) against the Double-accumulated naive loop and the im2col path.
///
/// Bound: max|a − b| ≤ 1e-4·max(1, max|ref|) — the golden tolerance — on inputs and weights in [-1, 1)
/// with up to 64 input channels (observed errors are ≈ 1e-6–1e-5 of that scale).
final class WinogradTests: XCTestCase {
  private func withAlgorithm<R>(
    _ a: Conv2d.Algorithm, tiles: Int = NNKernelChoices.default.winogradTiles, workers: Int? = nil,
    _ body: () throws -> R
  ) rethrows -> R {
    try ExecutionContext(workers: workers, nnKernels: NNKernelChoices(convAlgorithm: a, winogradTiles: tiles)).run(body)
  }

  func testWinogradMatchesNaiveAndIm2col() {
    // (cin, cout, h, w, pad, bias, n)
    let configs: [(Int, Int, Int, Int, Int, Bool, Int)] = [
      (3, 5, 17, 23, 1, true, 1),  // odd sizes, channels not multiple of 8
      (16, 24, 20, 36, 1, true, 2),  // batch 2, exact tiles in x
      (10, 24, 9, 10, 1, true, 1),  // ConvLSTM fixture shape
      (13, 7, 33, 41, 0, false, 1),  // no padding, no bias
      (9, 11, 5, 3, 2, true, 1),  // pad 2, tiny
      (64, 17, 31, 70, 1, true, 1),  // deep K, many tiles
    ]
    for (i, c) in configs.enumerated() {
      var conv = Conv2d(c.0, c.1, kernel: 3, padding: c.4, bias: c.5)
      conv.weight = randomTensor(conv.weight.shape, seed: UInt64(100 + i))
      if c.5 { conv.bias = randomTensor(conv.bias!.shape, seed: UInt64(200 + i)) }
      let x = randomTensor(Shape(c.6, c.0, c.2, c.3), seed: UInt64(300 + i))
      let ref = NaiveReference.conv2d(x, conv)
      let im2col = withAlgorithm(.im2col) { conv(x) }
      for band in [96, 1] {  // one band, and one tile row per band
        let wino = withAlgorithm(.winograd, tiles: band) { () -> Tensor in
          XCTAssertTrue(conv.usesWinograd(outputShape: conv.outputShape(for: x.shape)))
          return conv(x)
        }
        assertClose(wino, ref, "winograd config \(i) band \(band) vs naive")
        var d: Float = 0, mr: Float = 0
        for j in 0..<ref.count {
          d = max(d, abs(wino.data[j] - ref.data[j]))
          mr = max(mr, abs(ref.data[j]))
        }
        print("winograd config \(i): max|wino − naive| = \(d), max|ref| = \(mr), relative \(d / max(1, mr))")
        XCTAssertLessThanOrEqual(d, 2e-5 * max(1, mr), "winograd config \(i): tighter F(4×4, 3×3) bound")
        assertClose(wino, im2col, "winograd config \(i) band \(band) vs im2col")
      }
    }
  }

  func testWinogradSelectionAndDetectsError() {
    var conv = Conv2d(16, 16, kernel: 3, padding: 1)
    conv.weight = randomTensor(conv.weight.shape, seed: 1)
    let x = randomTensor(Shape(1, 16, 20, 20), seed: 2)
    withAlgorithm(.automatic) {
      XCTAssertTrue(conv.usesWinograd(outputShape: Shape(1, 16, 20, 20)))
      XCTAssertFalse(Conv2d(4, 16, kernel: 3, padding: 1).usesWinograd(outputShape: Shape(1, 16, 64, 64)))
      XCTAssertFalse(Conv2d(16, 16, kernel: 3, padding: 1).usesWinograd(outputShape: Shape(1, 16, 4, 64)))
      XCTAssertFalse(Conv2d(16, 16, kernel: 3, stride: 2, padding: 1).usesWinograd(outputShape: Shape(1, 16, 64, 64)))
      XCTAssertFalse(Conv2d(16, 16, kernel: 3, padding: 2, dilation: 2).usesWinograd(outputShape: Shape(1, 16, 64, 64)))
      XCTAssertFalse(Conv2d(16, 16, kernel: 3, padding: 1, groups: 2).usesWinograd(outputShape: Shape(1, 16, 64, 64)))
    }
    withAlgorithm(.im2col) { XCTAssertFalse(conv.usesWinograd(outputShape: Shape(1, 16, 20, 20))) }
    let ref = NaiveReference.conv2d(x, conv)
    // A new weight tensor invalidates the cached filter transform.
    let w2 = conv.weight.copy()
    w2.data[5] += 0.01
    let before = withAlgorithm(.winograd) { conv(x) }
    assertClose(before, ref, "before")
    conv.weight = w2
    let y = withAlgorithm(.winograd) { conv(x) }
    var maxDiff: Float = 0
    for i in 0..<y.count { maxDiff = max(maxDiff, abs(y.data[i] - ref.data[i])) }
    XCTAssertGreaterThan(maxDiff, 1e-3)
  }

  /// The fixture through both gate-conv paths: Winograd with the fused state update, and im2col
  /// with the separate `updateState` pass.
  func testConvLSTMGoldenThroughIm2col() throws {
    try withAlgorithm(.im2col) {
      let f = try Fixtures.open("convlstm")
      var cell = ConvLSTMCell(inputChannels: 4, hiddenChannels: 6)
      try cell.load(from: f, prefix: "m")
      let state = cell.makeState(height: 9, width: 10)
      XCTAssertFalse(cell.conv.usesWinograd(outputShape: Shape(1, 24, 9, 10)))
      for s in 0..<4 {
        assertClose(cell.step(try f.tensor("x\(s)"), state: state), try f.tensor("h\(s)"), "h\(s)")
      }
      assertClose(state.cell, try f.tensor("c3"), "c3")
    }
  }

  /// Fused (Winograd) and unfused (im2col) ConvLSTM steps agree over several steps at a larger size.
  func testFusedLSTMMatchesUnfused() {
    var cell = ConvLSTMCell(inputChannels: 12, hiddenChannels: 10)
    cell.conv.weight = randomTensor(cell.conv.weight.shape, seed: 7)
    cell.conv.bias = randomTensor(cell.conv.bias!.shape, seed: 8)
    let a = cell.makeState(height: 23, width: 37), b = cell.makeState(height: 23, width: 37)
    for s in 0..<3 {
      let x = randomTensor(Shape(1, 12, 23, 37), seed: UInt64(20 + s))
      let ha = withAlgorithm(.winograd) { cell.step(x, state: a) }
      let hb = withAlgorithm(.im2col) { cell.step(x, state: b) }
      assertClose(ha, hb, "h step \(s)")
      assertClose(a.cell, b.cell, "c step \(s)")
    }
  }

  func testConvLSTMGoldenThroughWinograd() throws {
    try withAlgorithm(.winograd) {
      let f = try Fixtures.open("convlstm")
      var cell = ConvLSTMCell(inputChannels: 4, hiddenChannels: 6)
      try cell.load(from: f, prefix: "m")
      let state = cell.makeState(height: 9, width: 10)
      XCTAssertTrue(cell.conv.usesWinograd(outputShape: Shape(1, 24, 9, 10)))
      for s in 0..<4 {
        let h = cell.step(try f.tensor("x\(s)"), state: state)
        assertClose(h, try f.tensor("h\(s)"), "h\(s)")
      }
      assertClose(state.cell, try f.tensor("c3"), "c3")
    }
  }

  func testModelGoldensThroughWinograd() throws {
    try withAlgorithm(.winograd) {
      let f = try Fixtures.open("unet")
      var net = SmallUNet()
      try net.load(from: f, prefix: "m")
      let t = try f.tensor("t").toArray()[0]
      assertClose(net(try f.tensor("input"), t: t, pool: TensorPool()), try f.tensor("output"), "unet")
      let e = try Fixtures.open("encdec")
      var ed = EncoderDecoder()
      try ed.load(from: e, prefix: "m")
      assertClose(ed(try e.tensor("input"), pool: TensorPool()), try e.tensor("output"), "encdec")
    }
  }

  /// One worker and three agree exactly (blocks and sgemms do not depend on the split); OpenBLAS stays
  /// single-threaded throughout.
  func testWinogradThreadCounts() {
    var conv = Conv2d(24, 40, kernel: 3, padding: 1)
    conv.weight = randomTensor(conv.weight.shape, seed: 11)
    let x = randomTensor(Shape(1, 24, 50, 61), seed: 12)
    let one = withAlgorithm(.winograd, workers: 1) { conv(x) }
    XCTAssertEqual(NNThreading.blasThreads, 1)
    let three = withAlgorithm(.winograd, workers: 3) { conv(x) }
    XCTAssertEqual(NNThreading.blasThreads, 1, "OpenBLAS is never switched per call")
    XCTAssertEqual(one.toArray(), three.toArray(), "1 vs 3 threads")
    assertClose(three, NaiveReference.conv2d(x, conv), "3 threads vs naive")
  }

  func testWinogradDeterministicAndNoPoolMisses() {
    try? withAlgorithm(.winograd) {
      var cell = ConvLSTMCell(inputChannels: 16, hiddenChannels: 16)
      cell.conv.weight = randomTensor(cell.conv.weight.shape, seed: 3)
      let x = randomTensor(Shape(1, 16, 37, 45), seed: 4)
      let pool = TensorPool()
      let s1 = cell.makeState(height: 37, width: 45), s2 = cell.makeState(height: 37, width: 45)
      cell.step(x, state: s1, pool: pool)
      let misses = pool.misses
      for _ in 0..<3 { cell.step(x, state: s1, pool: pool) }
      XCTAssertEqual(pool.misses, misses, "pool misses in steady state")
      for _ in 0..<4 { cell.step(x, state: s2, pool: pool) }
      XCTAssertEqual(s1.hidden.toArray(), s2.hidden.toArray())
      XCTAssertEqual(s1.cell.toArray(), s2.cell.toArray())
    }
  }
}
