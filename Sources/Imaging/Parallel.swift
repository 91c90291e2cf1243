import Execution

/// Row/tile parallelism of the image kernels, under the current ``Execution/ExecutionContext``.
///
/// Thin forwarders: the worker count and the chunking policy belong to the context the calling filter
/// bound (`context.run { ... }`); with none bound, the default context (all cores). Nothing here can be set.
public enum Parallel {
  /// Worker threads of the current context (≥ 1).
  public static var workers: Int { ExecutionContext.current.workers }

  /// Runs `body(start, end)` over `0..<count` split into contiguous chunks, in parallel.
  ///
  /// Chunks are at least `minChunk` long, at most `4 · workers` of them; with one worker or a small count
  /// it runs inline (``Execution/ExecutionContext/forRanges(_:minChunk:_:)``).
  @inlinable
  public static func forRanges(_ count: Int, minChunk: Int = 16, _ body: (Int, Int) -> Void) {
    ExecutionContext.current.forRanges(count, minChunk: minChunk, body)
  }

  /// Runs `body(i)` for `i` in `0..<iterations` side by side, each under the current context.
  @inlinable
  public static func concurrentPerform(iterations: Int, _ body: (Int) -> Void) {
    ExecutionContext.current.concurrentPerform(iterations: iterations, body)
  }
}

/// Processor count without Foundation.
public enum ProcessInfoLite {
  /// Cores available to this process.
  public static var activeProcessorCount: Int { ExecutionContext.availableCores }
}
