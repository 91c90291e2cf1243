import CShim
import Execution

/// The NN kernels' parallel loops, under the current ``Execution/ExecutionContext``.
///
/// Thin forwarders: the thread count and the chunking policy belong to the context the calling filter
/// bound (`context.run { ... }`); with none bound, the default context (all cores). OpenBLAS runs
/// single-threaded, set once per process (see ``Gemm``): all NN parallelism is these loops.
public enum NNThreading {
  /// Number of cores this process may use (≥ 1).
  public static var availableCores: Int { ExecutionContext.availableCores }

  /// Worker threads of the current context (≥ 1).
  public static var threads: Int { ExecutionContext.current.workers }

  /// Threads OpenBLAS is currently set to use (as reported by OpenBLAS; 1 once NN has run).
  public static var blasThreads: Int { Int(rx_blas_get_threads()) }

  /// Runs `body(start, end)` over `0..<count` in at most `threads` contiguous chunks, in parallel
  /// (``Execution/ExecutionContext/forChunks(_:minChunk:_:)``).
  ///
  /// The partition depends only on `count`, `minChunk` and `threads`, so results are reproducible
  /// for a fixed thread count. Runs inline when there is one chunk.
  @inlinable
  public static func forRanges(_ count: Int, minChunk: Int = 1, _ body: (Int, Int) -> Void) {
    ExecutionContext.current.forChunks(count, minChunk: minChunk, body)
  }

  /// Runs `body(i)` for every `i` in `0..<count`, distributed over `threads` chunks.
  @inlinable
  public static func forEach(_ count: Int, _ body: (Int) -> Void) {
    forRanges(count) { s, e in
      for i in s..<e { body(i) }
    }
  }
}
