import CShim
import Dispatch

#if canImport(Glibc)
  import Glibc
#endif

/// Single owner of the NN thread count: OpenBLAS threads and `concurrentPerform` chunking both derive from it.
///
/// NN kernels alternate between OpenBLAS calls (which use `threads` BLAS threads) and our own parallel
/// loops (which split into `threads` chunks); the two never run nested, so the cores are never
/// oversubscribed. Call `configure(threads:)` once at start-up, before running networks.
public enum NNThreading {
  nonisolated(unsafe) private static var _threads: Int = 0

  /// Number of cores this process may use (≥ 1).
  public static var availableCores: Int {
    #if canImport(Glibc)
      let n = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
      return max(1, n)
    #else
      return 1
    #endif
  }

  /// Current thread count (≥ 1); configures the default (all cores) on first use.
  public static var threads: Int {
    if _threads == 0 { configure(threads: availableCores) }
    return _threads
  }

  /// Sets OpenBLAS threads and the parallel-loop chunk count to `threads` (clamped to ≥ 1).
  public static func configure(threads: Int) {
    let n = max(1, threads)
    _threads = n
    rx_blas_set_threads(Int32(n))
  }

  /// Threads OpenBLAS is currently set to use (as reported by OpenBLAS).
  public static var blasThreads: Int { Int(rx_blas_get_threads()) }

  /// Runs `body(start, end)` over `0..<count` in at most `threads` contiguous chunks, in parallel.
  ///
  /// The partition depends only on `count`, `minChunk` and `threads`, so results are reproducible
  /// for a fixed thread count. Runs inline when there is one chunk.
  @inlinable
  public static func forRanges(_ count: Int, minChunk: Int = 1, _ body: (Int, Int) -> Void) {
    if count <= 0 { return }
    let t = threads
    let chunks = min(t, max(1, count / max(1, minChunk)))
    if chunks <= 1 {
      body(0, count)
      return
    }
    let per = (count + chunks - 1) / chunks
    withoutActuallyEscaping(body) { escapable in
      // concurrentPerform returns only after every iteration ran, so `body` never outlives this call.
      let work = UncheckedSendable(escapable)
      DispatchQueue.concurrentPerform(iterations: chunks) { i in
        let s = i * per
        let e = min(count, s + per)
        if s < e { work.value(s, e) }
      }
    }
  }

  /// Runs `body(i)` for every `i` in `0..<count`, distributed over `threads` chunks.
  @inlinable
  public static func forEach(_ count: Int, _ body: (Int) -> Void) {
    forRanges(count) { s, e in
      for i in s..<e { body(i) }
    }
  }
}
