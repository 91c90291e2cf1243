import CShim
import Execution

/// Thin wrapper over OpenBLAS `cblas_sgemm` in row-major order.
///
/// OpenBLAS policy: OpenBLAS 0.3.21's thread count is one process-wide setting (no per-call or
/// per-thread count), and changing it while another thread is inside a BLAS call is a race. Filters
/// with different ``Execution/ExecutionContext``s run side by side, and some sgemms run inside our own
/// parallel loops (Winograd blocks, diffusion tiles), which need a single-threaded sgemm. So OpenBLAS is
/// set to one thread once per process, before the first sgemm (a `static let`, initialised exactly once
/// under the runtime's lock), and never changed again; `sgemm` parallelises large products itself by
/// splitting the output columns over the current context's workers (each part a single-threaded sgemm).
/// A host that raises OpenBLAS's thread count later gets correct but oversubscribed (slower) runs.
public enum Gemm {
  /// Pins OpenBLAS to one thread; evaluated once, before the first sgemm.
  @usableFromInline static let singleThreadedBLAS: Bool = {
    rx_blas_set_threads(1)
    return true
  }()

  /// Columns per split unit: chunks start on 16-column (64-byte) boundaries.
  @usableFromInline static let columnUnit = 16
  /// Multiply-adds per part below which a product is not split further (≈ 10 µs on one core).
  @usableFromInline static let minPartWork = 1 << 18

  /// C[m×n] = op(A)·op(B) + beta·C, row-major; `op` transposes when the flag is set.
  ///
  /// With `parallel` (default) and a current context of more than one worker, a large product runs as
  /// column parts side by side (``Execution/ExecutionContext/forChunks(_:minChunk:_:)``), each a
  /// single-threaded OpenBLAS call. The parts depend only on the shape and the worker count, so results
  /// are bitwise reproducible for a fixed worker count; across worker counts they may differ in the last
  /// bits (OpenBLAS's micro-kernels treat the edge columns of a call differently — as its own threaded
  /// driver did before). Pass `parallel: false` from inside a parallel loop (a worker's chunk), where the
  /// context's workers are already busy.
  @inlinable
  public static func sgemm(
    transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int, parallel: Bool = true
  ) {
    _ = singleThreadedBLAS
    let units = (n + columnUnit - 1) / columnUnit
    let work = m * n * k
    guard parallel, units >= 2, work >= 2 * minPartWork else {
      call(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
      return
    }
    let context = ExecutionContext.current
    if context.workers == 1 {
      call(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
      return
    }
    let perUnit = max(1, m * k * columnUnit)
    let minUnits = (minPartWork + perUnit - 1) / perUnit
    context.forChunks(units, minChunk: minUnits) { u0, u1 in
      let j0 = u0 * columnUnit, j1 = min(n, u1 * columnUnit)
      // Columns j0..<j1 of op(B): rows of B when transposed, columns otherwise.
      call(
        transA: transA, transB: transB, m: m, n: j1 - j0, k: k, a: a, lda: lda,
        b: transB ? b + j0 * ldb : b + j0, ldb: ldb, beta: beta, c: c + j0, ldc: ldc)
    }
  }

  /// One single-threaded `cblas_sgemm`.
  @usableFromInline
  static func call(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    cblas_sgemm(
      CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }
}
