import Execution
import NN
import XCTest

/// Pool steady state, zero-copy views, alignment and run-to-run determinism.
final class RuntimeTests: XCTestCase {
  func testStorageIs64ByteAligned() {
    let pool = TensorPool()
    for c in [1, 3, 17, 1000] {
      XCTAssertEqual(Int(bitPattern: pool.tensor(Shape(1, c, 3, 5)).data) % 64, 0)
      XCTAssertEqual(Int(bitPattern: Tensor(zeros: Shape(1, c, 1, 1)).data) % 64, 0)
    }
  }

  func testViewsShareStorage() {
    let t = randomTensor(Shape(1, 6, 4, 5), seed: 1)
    let v = t.channels(2..<4)
    XCTAssertTrue(v.storage === t.storage)
    v[0, 0, 1, 1] = 42
    XCTAssertEqual(t[0, 2, 1, 1], 42)
    XCTAssertTrue(t.reshaped(Shape(1, 1, 24, 5)).storage === t.storage)
  }

  func testNetworkStepHasNoPoolMissesAfterWarmUp() throws {
    let f = try Fixtures.open("unet")
    var net = SmallUNet()
    try net.load(from: f, prefix: "m")
    let x = try f.tensor("input")
    let pool = TensorPool()
    _ = net(x, t: 3, pool: pool)  // warm-up
    let misses = pool.misses
    XCTAssertGreaterThan(misses, 0)
    for step in 0..<3 {
      _ = net(x, t: Float(step), pool: pool)
      XCTAssertEqual(pool.misses, misses, "pool miss in steady-state step \(step)")
    }
    XCTAssertGreaterThan(pool.hits, 0)
  }

  func testConvLSTMStepHasNoPoolMissesAfterWarmUp() throws {
    var cell = ConvLSTMCell(inputChannels: 8, hiddenChannels: 8)
    cell.conv.weight = randomTensor(cell.conv.weight.shape, seed: 3)
    let state = cell.makeState(height: 20, width: 24)
    let x = randomTensor(Shape(1, 8, 20, 24), seed: 4)
    let pool = TensorPool()
    cell.step(x, state: state, pool: pool)
    let misses = pool.misses
    for _ in 0..<4 { cell.step(x, state: state, pool: pool) }
    XCTAssertEqual(pool.misses, misses)
  }

  func testBitwiseIdenticalAcrossRuns() throws {
    let f = try Fixtures.open("encdec")
    var net = EncoderDecoder()
    try net.load(from: f, prefix: "m")
    let x = try f.tensor("input")
    XCTAssertEqual(net(x, pool: TensorPool()).toArray(), net(x, pool: TensorPool()).toArray())
    // A layer large enough for multi-threaded GEMM and im2col.
    var conv = Conv2d(32, 48, kernel: 3, padding: 1)
    conv.weight = randomTensor(conv.weight.shape, seed: 5)
    let big = randomTensor(Shape(1, 32, 96, 80), seed: 6)
    let a = conv(big).toArray(), b = conv(big).toArray()
    XCTAssertEqual(a, b)
  }

  /// The thread count is the current execution context's; OpenBLAS is single-threaded once any sgemm ran,
  /// whatever the context. Large products split over the context's workers are reproducible for a fixed
  /// worker count and agree across worker counts within the kernel bound.
  func testThreadCountIsTheContextsAndBLASStaysSingleThreaded() {
    var conv = Conv2d(32, 48, kernel: 1)
    conv.weight = randomTensor(conv.weight.shape, seed: 7)
    let x = randomTensor(Shape(1, 32, 70, 90), seed: 8)
    let one = ExecutionContext(workers: 1).run { () -> Tensor in
      XCTAssertEqual(NNThreading.threads, 1)
      return conv(x)
    }
    XCTAssertEqual(NNThreading.blasThreads, 1)
    for workers in [2, 3, 5] {
      let context = ExecutionContext(workers: workers)
      let split = context.run { () -> Tensor in
        XCTAssertEqual(NNThreading.threads, workers)
        return conv(x)
      }
      XCTAssertEqual(split.toArray(), context.run { conv(x) }.toArray(), "\(workers) workers, run twice")
      assertClose(split, one, "sgemm split over \(workers) workers vs one")
    }
    XCTAssertEqual(NNThreading.blasThreads, 1)
    XCTAssertEqual(NNThreading.threads, ExecutionContext.default.workers)
  }
}
