import CShim

/// Thin wrapper over OpenBLAS `cblas_sgemm` in row-major order.
public enum Gemm {
  /// C[m×n] = op(A)·op(B) + beta·C, row-major; `op` transposes when the flag is set.
  ///
  /// Uses `NNThreading.threads` BLAS threads; never call it from inside an `NNThreading` parallel loop.
  @inlinable
  public static func sgemm(
    transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    _ = NNThreading.threads
    cblas_sgemm(
      CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }
}
