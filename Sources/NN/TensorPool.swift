#if canImport(Glibc)
  import Glibc
#endif

/// A thread-safe buffer pool so a network step allocates no tensor memory after warm-up.
///
/// Buffers are kept in free lists keyed by capacity (element counts rounded up to 16 floats, i.e.
/// one 64-byte line). `tensor(_:)` reuses a free buffer of that size or allocates one and counts a
/// *miss*; a tensor's buffer returns here automatically when its last reference goes away.
/// Steady state means `misses` stops growing between steps (tests check exactly zero new misses).
public final class TensorPool: @unchecked Sendable {
  /// A process-wide default pool.
  public static let shared = TensorPool()

  private var free: [Int: [UnsafeMutablePointer<Float>]] = [:]
  private let lock: UnsafeMutablePointer<pthread_mutex_t>
  private var _hits = 0
  private var _misses = 0
  private var _bytesAllocated = 0

  /// Creates an empty pool.
  public init() {
    lock = .allocate(capacity: 1)
    pthread_mutex_init(lock, nil)
  }

  deinit {
    for (_, list) in free { for p in list { TensorStorage.free(p) } }
    pthread_mutex_destroy(lock)
    lock.deallocate()
  }

  /// Requests served from a free list.
  public var hits: Int { withLock { _hits } }
  /// Requests that had to allocate a new buffer.
  public var misses: Int { withLock { _misses } }
  /// Bytes ever allocated by this pool (in use or free).
  public var bytesAllocated: Int { withLock { _bytesAllocated } }
  /// Buffers currently sitting in the free lists.
  public var freeBuffers: Int { withLock { free.values.reduce(0) { $0 + $1.count } } }

  /// An uninitialised pooled tensor of `shape`.
  public func tensor(_ shape: Shape) -> Tensor {
    let cap = TensorPool.roundedCapacity(shape.count)
    return Tensor(shape: shape, storage: TensorStorage(base: acquire(cap), capacity: cap, pool: self), offset: 0)
  }

  /// A pooled tensor of `shape` filled with zeros.
  public func zeros(_ shape: Shape) -> Tensor {
    let t = tensor(shape)
    t.data.initialize(repeating: 0, count: shape.count)
    return t
  }

  /// Lends an uninitialised scratch buffer of `count` floats for the duration of `body`.
  public func withScratch<R>(_ count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
    let cap = TensorPool.roundedCapacity(count)
    let p = acquire(cap)
    defer { recycle(p, capacity: cap) }
    return try body(p)
  }

  /// Frees every idle buffer (counters are kept).
  public func trim() {
    withLock {
      for (_, list) in free { for p in list { TensorStorage.free(p) } }
      free.removeAll()
    }
  }

  // MARK: - Internals

  static func roundedCapacity(_ count: Int) -> Int { max(16, (count + 15) & ~15) }

  func acquire(_ capacity: Int) -> UnsafeMutablePointer<Float> {
    let reused: UnsafeMutablePointer<Float>? = withLock {
      if let p = free[capacity]?.popLast() {
        _hits += 1
        return p
      }
      _misses += 1
      _bytesAllocated += capacity * 4
      return nil
    }
    return reused ?? TensorStorage.allocate(capacity)
  }

  func recycle(_ p: UnsafeMutablePointer<Float>, capacity: Int) {
    withLock { free[capacity, default: []].append(p) }
  }

  private func withLock<R>(_ body: () -> R) -> R {
    pthread_mutex_lock(lock)
    defer { pthread_mutex_unlock(lock) }
    return body()
  }
}
