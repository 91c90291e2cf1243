import Imaging
import NN

/// The one place the filter's thread count is set: the image kernels' row/tile workers (``Parallel``) and
/// the NN engine (OpenBLAS threads and its `concurrentPerform` chunks, ``NNThreading``) together.
public enum WorkerThreads {
  /// Uses `count` threads (≥ 1) for both; call before building filters.
  public static func configure(_ count: Int) {
    let n = max(1, count)
    Parallel.workers = n
    NNThreading.configure(threads: n)
  }
}
