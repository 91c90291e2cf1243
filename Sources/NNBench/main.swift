// reexpose-bench-nn: GFLOPS of NN convolutions beside raw cblas_sgemm for the same GEMM shape.
import CShim
import Dispatch
import Execution
import NN
#if canImport(Glibc)
  import Glibc
#endif

/// Seconds for the best of `reps` runs of `body` (after one warm-up run).
func bestTime(reps: Int, _ body: () -> Void) -> Double {
  body()
  var best = Double.infinity
  for _ in 0..<reps {
    let t0 = DispatchTime.now().uptimeNanoseconds
    body()
    let t1 = DispatchTime.now().uptimeNanoseconds
    best = min(best, Double(t1 - t0) * 1e-9)
  }
  return best
}

/// A tensor of deterministic pseudo-random values in [-1, 1).
func randomTensor(_ s: Shape, seed: UInt64) -> Tensor {
  let t = Tensor(zeros: s)
  var x = seed | 1
  for i in 0..<t.count {
    x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    t.data[i] = Float(Int64(bitPattern: x >> 11) & 0xFFFFF) / Float(0x80000) - 1
  }
  return t
}

/// GFLOPS of raw sgemm C[m×n] = A[m×k]·B[k×n].
func sgemmGflops(m: Int, n: Int, k: Int, reps: Int) -> Double {
  let a = randomTensor(Shape(1, 1, m, k), seed: 1)
  let b = randomTensor(Shape(1, 1, k, n), seed: 2)
  let c = Tensor(zeros: Shape(1, 1, m, n))
  let t = bestTime(reps: reps) {
    Gemm.sgemm(m: m, n: n, k: k, a: a.data, lda: k, b: b.data, ldb: n, c: c.data, ldc: n)
  }
  return 2 * Double(m) * Double(n) * Double(k) / t * 1e-9
}

/// Benchmarks one conv layer and prints it beside raw sgemm of the equivalent GEMM.
///
/// GFLOPS are direct-convolution FLOPs (2·Cout·Cin·k·HoWo) over time, i.e. "GFLOPS-equivalent" for
/// Winograd, which performs fewer arithmetic operations.
func benchConv(_ name: String, _ conv: Conv2d, input: Shape, reps: Int, minRatio: Double) {
  let x = randomTensor(input, seed: 3)
  let pool = TensorPool()
  let os = conv.outputShape(for: input)
  let out = pool.tensor(os)
  let k = conv.inChannels / conv.groups * conv.geometry.kernelH * conv.geometry.kernelW
  let m = conv.outChannels, n = os.h * os.w
  let flops = 2 * Double(m) * Double(n) * Double(k)
  let t = bestTime(reps: reps) { conv.forward(x, into: out, pool: pool) }
  let conv = flops / t * 1e-9
  let raw = sgemmGflops(m: m, n: n, k: k, reps: reps)
  let ratio = conv / raw
  print(
    "\(name): \(fmt(t * 1e3)) ms, \(fmt(conv)) GFLOPS | sgemm \(m)x\(n)x\(k): \(fmt(raw)) GFLOPS | ratio \(fmt(ratio * 100))% (target ≥ \(Int(minRatio * 100))%) \(ratio >= minRatio ? "OK" : "BELOW")"
  )
}

func fmt(_ v: Double) -> String {
  let r = (v * 10).rounded() / 10
  return String(r)
}

// Options: --threads N (workers of the bench's execution context), --band-bytes N (Conv2d im2col band
// size), --winograd-tiles N (Winograd block size).
var threads: Int?
var kernels = NNKernelChoices()

/// Runs `body` in an execution context with the options' workers and kernel choices, `algorithm` forced.
func inContext<R>(_ algorithm: Conv2d.Algorithm = .automatic, _ body: () -> R) -> R {
  var k = kernels
  k.convAlgorithm = algorithm
  return ExecutionContext(workers: threads, nnKernels: k).run(body)
}

var args = CommandLine.arguments.dropFirst().makeIterator()
while let a = args.next() {
  switch a {
  case "--threads": threads = Int(args.next() ?? "")
  case "--band-bytes": kernels.bandBytes = Int(args.next() ?? "") ?? kernels.bandBytes
  case "--winograd-tiles": kernels.winogradTiles = Int(args.next() ?? "") ?? kernels.winogradTiles
  case "--sweep":
    // im2col vs Winograd over small shapes (to tune Conv2d.Algorithm.automatic).
    for (ci, co, hw) in [(8, 8, 64), (16, 16, 16), (16, 16, 32), (16, 16, 64), (16, 32, 128), (32, 32, 32), (64, 64, 32), (64, 64, 128), (128, 128, 16), (128, 128, 64)] {
      var c = Conv2d(ci, co, kernel: 3, padding: 1)
      c.weight = randomTensor(c.weight.shape, seed: 9)
      let x = randomTensor(Shape(1, ci, hw, hw), seed: 10)
      let pool = TensorPool()
      let out = pool.tensor(c.outputShape(for: x.shape))
      let a = inContext(.im2col) { bestTime(reps: 20) { c.forward(x, into: out, pool: pool) } }
      let b = inContext(.winograd) { bestTime(reps: 20) { c.forward(x, into: out, pool: pool) } }
      print("\(ci)->\(co) @\(hw)x\(hw): im2col \(fmt(a * 1e6)) us, winograd \(fmt(b * 1e6)) us, x\(fmt(a / b))")
    }
    exit(0)
  case "--profile-lstm-step":
    // Loop only the ConvLSTM step (for perf); prints the best time.
    var cell = ConvLSTMCell(inputChannels: 32, hiddenChannels: 32)
    cell.conv.weight = randomTensor(cell.conv.weight.shape, seed: 6)
    let pool = TensorPool()
    let state = cell.makeState(height: 270, width: 480)
    let frame = randomTensor(Shape(1, 32, 270, 480), seed: 7)
    let reps = Int(args.next() ?? "") ?? 20
    let t = inContext { bestTime(reps: reps) { cell.step(frame, state: state, pool: pool) } }
    print("step best \(fmt(t * 1e3)) ms")
    exit(0)
  case "--profile-lstm-conv":
    // Loop only the ConvLSTM gate conv (for perf); prints the best time.
    var cell = ConvLSTMCell(inputChannels: 32, hiddenChannels: 32)
    cell.conv.weight = randomTensor(cell.conv.weight.shape, seed: 6)
    let pool = TensorPool()
    let xh = randomTensor(Shape(1, 64, 270, 480), seed: 8)
    let gates = pool.tensor(Shape(1, 128, 270, 480))
    let reps = Int(args.next() ?? "") ?? 20
    let t = inContext { bestTime(reps: reps) { cell.conv.forward(xh, into: gates, pool: pool) } }
    print("gate conv best \(fmt(t * 1e3)) ms")
    exit(0)
  default: print("usage: reexpose-bench-nn [--threads N] [--band-bytes N] [--winograd-tiles N]")
  }
}
let workers = inContext { ExecutionContext.current.workers }
var c3 = Conv2d(64, 64, kernel: 3, padding: 1)
c3.weight = randomTensor(c3.weight.shape, seed: 4)
print("reexpose-bench-nn: \(workers) threads (OpenBLAS single-threaded; sgemm split over the workers)")
inContext(.im2col) {
  benchConv("conv3x3 64->64 @256x256 im2col", c3, input: Shape(1, 64, 256, 256), reps: 5, minRatio: 0.6)
}
inContext(.winograd) {
  benchConv("conv3x3 64->64 @256x256 winograd (GFLOPS-equiv)", c3, input: Shape(1, 64, 256, 256), reps: 5, minRatio: 1.5)
}
do {
  // Release-build sanity check: Winograd against im2col on the benchmark layer.
  let x = randomTensor(Shape(1, 64, 256, 256), seed: 3)
  let a = inContext(.im2col) { c3(x) }
  let b = inContext(.winograd) { c3(x) }
  var d: Float = 0, m: Float = 0
  for i in 0..<a.count {
    d = max(d, abs(a.data[i] - b.data[i]))
    m = max(m, abs(a.data[i]))
  }
  print("  winograd vs im2col: max|diff| = \(d), relative \(d / max(1, m)) (golden bound 1e-4)")
}
var c1 = Conv2d(64, 64, kernel: 1)
c1.weight = randomTensor(c1.weight.shape, seed: 5)
inContext { benchConv("conv1x1 64->64 @256x256", c1, input: Shape(1, 64, 256, 256), reps: 5, minRatio: 0.8) }

// ConvLSTM step: 32 input + 32 hidden channels → 128 gate channels, 3×3, at 480×270.
var cell = ConvLSTMCell(inputChannels: 32, hiddenChannels: 32)
cell.conv.weight = randomTensor(cell.conv.weight.shape, seed: 6)
let lstmPool = TensorPool()
let state = cell.makeState(height: 270, width: 480)
let frame = randomTensor(Shape(1, 32, 270, 480), seed: 7)
let tStep = inContext { bestTime(reps: 5) { cell.step(frame, state: state, pool: lstmPool) } }
let lstmK = 64 * 9, lstmN = 270 * 480
let lstmFlops = 2 * Double(128) * Double(lstmN) * Double(lstmK)
let rawLstm = inContext { sgemmGflops(m: 128, n: lstmN, k: lstmK, reps: 3) }
print(
  "convlstm step 32+32->4x32 3x3 @480x270: \(fmt(tStep * 1e3)) ms, \(fmt(lstmFlops / tStep * 1e-9)) GFLOPS | sgemm 128x\(lstmN)x\(lstmK): \(fmt(rawLstm)) GFLOPS (\(fmt(lstmFlops / rawLstm * 1e-6)) ms) | target < 60 ms \(tStep < 0.060 ? "OK" : "ABOVE")"
)
let xh = randomTensor(Shape(1, 64, 270, 480), seed: 8)
let gates = lstmPool.tensor(Shape(1, 128, 270, 480))
let tConv = inContext { bestTime(reps: 3) { cell.conv.forward(xh, into: gates, pool: lstmPool) } }
let tConvIm2col = inContext(.im2col) { bestTime(reps: 2) { cell.conv.forward(xh, into: gates, pool: lstmPool) } }
let tStepIm2col = inContext(.im2col) { bestTime(reps: 2) { cell.step(frame, state: state, pool: lstmPool) } }
let tAct = inContext { bestTime(reps: 3) { Activation.sigmoid.apply(gates) } }
let wino = inContext { cell.conv.usesWinograd(outputShape: gates.shape) }
print(
  "  breakdown: gate conv alone \(fmt(tConv * 1e3)) ms (\(wino ? "winograd" : "im2col"), \(fmt(lstmFlops / tConv * 1e-9)) GFLOPS-equiv vs same-run sgemm \(fmt(rawLstm))), step − conv ≈ \(fmt((tStep - tConv) * 1e3)) ms (\(wino ? "state update fused into the Winograd output transform" : "x copy + state update")), one sigmoid pass over the gates \(fmt(tAct * 1e3)) ms"
)
print(
  "  im2col path (old): gate conv \(fmt(tConvIm2col * 1e3)) ms, step \(fmt(tStepIm2col * 1e3)) ms (state update ≈ \(fmt((tStepIm2col - tConvIm2col) * 1e3)) ms) → winograd speed-up \(fmt(tConvIm2col / tConv))x conv, \(fmt(tStepIm2col / tStep))x step"
)
