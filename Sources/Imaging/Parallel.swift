import Dispatch

/// Row/tile parallelism with one owner for the thread count.
///
/// `concurrentPerform` spreads work over the cores; `Parallel.workers` is the single knob (default: active
/// processor count). NN code that calls OpenBLAS sets BLAS threads from the same number so the two never
/// oversubscribe the cores.
public enum Parallel {
  nonisolated(unsafe) private static var _workers: Int = max(1, ProcessInfoLite.activeProcessorCount)

  /// Number of worker threads used for parallel loops (≥ 1).
  public static var workers: Int {
    get { _workers }
    set { _workers = max(1, newValue) }
  }

  /// Runs `body(start, end)` over `0..<count` split into contiguous chunks, in parallel.
  ///
  /// Chunks are at least `minChunk` long; with one worker or a small count it runs inline.
  @inlinable
  public static func forRanges(_ count: Int, minChunk: Int = 16, _ body: (Int, Int) -> Void) {
    if count <= 0 { return }
    let w = workers
    let chunks = min(max(1, count / max(1, minChunk)), w * 4)
    if chunks <= 1 || w == 1 {
      body(0, count)
      return
    }
    let per = (count + chunks - 1) / chunks
    DispatchQueue.concurrentPerform(iterations: chunks) { i in
      let s = i * per
      let e = min(count, s + per)
      if s < e { body(s, e) }
    }
  }
}

/// Processor count without Foundation.
public enum ProcessInfoLite {
  /// Cores available to this process.
  public static var activeProcessorCount: Int {
    #if os(Linux)
      let n = sysconfNProcessors()
      return n > 0 ? n : 1
    #else
      return 1
    #endif
  }
}

#if os(Linux)
  import Glibc
  @usableFromInline func sysconfNProcessors() -> Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
#endif
