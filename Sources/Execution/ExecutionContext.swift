import Dispatch

#if canImport(Glibc)
  import Glibc
#endif

/// How a filter's kernels run: its worker count, the NN engine's kernel choices and the two chunking
/// policies. Immutable: a filter owns one, and two filters with different contexts can run side by side.
///
/// Kernels find the context through a per-thread binding rather than a parameter: `context.run { ... }`
/// makes it ``current`` on the calling thread for the duration, and both loop policies re-bind it on their
/// worker threads, so a kernel called from inside a parallel loop (or a loop nested in one) sees the same
/// context. Without a binding, ``current`` is ``default`` (all cores, default kernel choices), which never
/// changes. (`@TaskLocal` would not do: it does not reach `DispatchQueue.concurrentPerform` workers.)
///
/// The partition of `0..<count` into chunks depends only on `count`, `minChunk` and `workers`, so results
/// are reproducible for a fixed worker count.
public final class ExecutionContext: Sendable {
  /// Worker threads for parallel loops (≥ 1).
  public let workers: Int
  /// Kernel tuning of the NN engine's convolutions.
  public let nnKernels: NNKernelChoices

  /// A context with `workers` threads (nil: all cores; clamped to ≥ 1) and the given kernel choices.
  public init(workers: Int? = nil, nnKernels: NNKernelChoices = .default) {
    self.workers = max(1, workers ?? Self.availableCores)
    self.nnKernels = nnKernels
  }

  /// All cores, default kernel choices: what runs when no context is bound.
  public static let `default` = ExecutionContext()

  /// Cores available to this process (≥ 1).
  public static var availableCores: Int {
    #if canImport(Glibc)
      return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    #else
      return 1
    #endif
  }

  /// The context bound to this thread by ``run(_:)`` (or by a parallel loop running this chunk), else
  /// ``default``.
  public static var current: ExecutionContext {
    guard let p = pthread_getspecific(currentContextKey) else { return .default }
    return Unmanaged<ExecutionContext>.fromOpaque(p).takeUnretainedValue()
  }

  /// The same kernel choices with another worker count (e.g. 1 for jobs run side by side).
  public func with(workers: Int) -> ExecutionContext {
    workers == self.workers ? self : ExecutionContext(workers: workers, nnKernels: nnKernels)
  }

  /// The same worker count with other kernel choices.
  public func with(nnKernels: NNKernelChoices) -> ExecutionContext {
    ExecutionContext(workers: workers, nnKernels: nnKernels)
  }

  /// Runs `body` with this context bound as ``current`` on the calling thread; the previous binding is
  /// restored afterwards (bindings nest).
  public func run<R>(_ body: () throws -> R) rethrows -> R {
    let previous = pthread_getspecific(currentContextKey)
    // Unretained: `self` is alive for the whole call, and the binding ends with it.
    pthread_setspecific(currentContextKey, Unmanaged.passUnretained(self).toOpaque())
    defer { pthread_setspecific(currentContextKey, previous) }
    return try body()
  }

  /// Image-kernel policy: runs `body(start, end)` over `0..<count` in contiguous chunks of at least
  /// `minChunk`, at most `4 · workers` of them (so uneven rows balance), in parallel; inline with one
  /// worker or one chunk.
  public func forRanges(_ count: Int, minChunk: Int = 16, _ body: (Int, Int) -> Void) {
    if count <= 0 { return }
    let chunks = min(max(1, count / max(1, minChunk)), workers * 4)
    if chunks <= 1 || workers == 1 {
      run { body(0, count) }
      return
    }
    split(count, chunks: chunks, body)
  }

  /// NN-kernel policy: runs `body(start, end)` over `0..<count` in at most `workers` contiguous chunks
  /// of at least `minChunk` (one per worker, so per-chunk scratch can be sized by `workers`), in
  /// parallel; inline when there is one chunk.
  public func forChunks(_ count: Int, minChunk: Int = 1, _ body: (Int, Int) -> Void) {
    if count <= 0 { return }
    let chunks = min(workers, max(1, count / max(1, minChunk)))
    if chunks <= 1 {
      run { body(0, count) }
      return
    }
    split(count, chunks: chunks, body)
  }

  /// Runs `body(i)` for every `i` in `0..<iterations` side by side (one dispatch work item each), each
  /// with this context bound. For a few independent jobs (e.g. tiles in a `with(workers: 1)` child).
  public func concurrentPerform(iterations: Int, _ body: (Int) -> Void) {
    if iterations <= 0 { return }
    if iterations == 1 {
      run { body(0) }
      return
    }
    withoutActuallyEscaping(body) { escapable in
      let work = SendableBody(escapable)
      DispatchQueue.concurrentPerform(iterations: iterations) { i in
        self.run { work.value(i) }
      }
    }
  }

  /// `chunks` chunks of `ceil(count / chunks)` (the last shorter; empty ones skipped), in parallel, each
  /// with this context bound on its worker thread.
  private func split(_ count: Int, chunks: Int, _ body: (Int, Int) -> Void) {
    let per = (count + chunks - 1) / chunks
    withoutActuallyEscaping(body) { escapable in
      // concurrentPerform returns only after every iteration ran, so `body` never outlives this call.
      let work = SendableBody(escapable)
      DispatchQueue.concurrentPerform(iterations: chunks) { i in
        let s = i * per
        let e = min(count, s + per)
        if s < e { self.run { work.value(s, e) } }
      }
    }
  }
}

/// The thread-local slot holding the bound context (unretained; see `run`).
private let currentContextKey: pthread_key_t = {
  var key = pthread_key_t()
  let rc = pthread_key_create(&key, nil)
  precondition(rc == 0, "pthread_key_create failed (\(rc))")
  return key
}()

/// Carries a non-Sendable loop body into `concurrentPerform`, whose iterations end before it returns.
private struct SendableBody<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}
