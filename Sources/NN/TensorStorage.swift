/// A 64-byte aligned float buffer that a `Tensor` (and its views) share.
///
/// When the buffer came from a `TensorPool` it goes back to that pool when the last tensor
/// referencing it is released; otherwise it is freed.
public final class TensorStorage: @unchecked Sendable {
  /// First element; 64-byte aligned.
  public let base: UnsafeMutablePointer<Float>
  /// Number of floats the buffer holds (≥ the tensor's element count).
  public let capacity: Int
  /// The pool that receives the buffer back, if any.
  let pool: TensorPool?

  /// Wraps a buffer; `pool == nil` means this object owns and frees it.
  init(base: UnsafeMutablePointer<Float>, capacity: Int, pool: TensorPool?) {
    self.base = base
    self.capacity = capacity
    self.pool = pool
  }

  /// Allocates an owned, uninitialised, 64-byte aligned buffer of `capacity` floats.
  convenience init(capacity: Int) {
    self.init(base: TensorStorage.allocate(capacity), capacity: capacity, pool: nil)
  }

  deinit {
    if let pool { pool.recycle(base, capacity: capacity) } else { TensorStorage.free(base) }
  }

  /// Allocates `count` floats (at least one) aligned to 64 bytes.
  static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
    let raw = UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * 4, alignment: 64)
    return raw.bindMemory(to: Float.self, capacity: max(1, count))
  }

  /// Frees a buffer from `allocate`.
  static func free(_ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).deallocate()
  }
}
