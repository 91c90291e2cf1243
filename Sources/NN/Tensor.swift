/// A float32 NCHW tensor: a shape plus a window into shared, 64-byte aligned storage.
///
/// `Tensor` has reference semantics for its elements (like a buffer): copies of the struct and views
/// share memory; use `copy(pool:)` for an independent tensor. Elements are contiguous in NCHW order,
/// `index = ((n·C + c)·H + y)·W + x`. Views (`channels(_:)`, `reshaped(_:)`) never copy.
public struct Tensor: @unchecked Sendable {
  /// Dimensions, NCHW.
  public let shape: Shape
  /// The shared buffer.
  public let storage: TensorStorage
  /// Offset of element 0 inside `storage`, in floats.
  public let offset: Int

  /// Wraps existing storage (no copy).
  public init(shape: Shape, storage: TensorStorage, offset: Int) {
    precondition(offset >= 0 && offset + shape.count <= storage.capacity, "view outside storage")
    self.shape = shape
    self.storage = storage
    self.offset = offset
  }

  /// An owned (not pooled) tensor filled with zeros.
  public init(zeros shape: Shape) {
    let s = TensorStorage(capacity: shape.count)
    s.base.initialize(repeating: 0, count: max(1, shape.count))
    self.init(shape: shape, storage: s, offset: 0)
  }

  /// An owned tensor holding `values` in NCHW order.
  public init(shape: Shape, values: [Float]) {
    precondition(values.count == shape.count, "expected \(shape.count) values, got \(values.count)")
    self.init(zeros: shape)
    values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: values.count) }
  }

  /// Pointer to element 0; valid while this tensor (or another view of its storage) is alive.
  @inlinable public var data: UnsafeMutablePointer<Float> { storage.base + offset }
  /// Number of elements.
  @inlinable public var count: Int { shape.count }

  /// Element at (n, c, y, x).
  public subscript(n: Int, c: Int, y: Int, x: Int) -> Float {
    get { data[((n * shape.c + c) * shape.h + y) * shape.w + x] }
    nonmutating set { data[((n * shape.c + c) * shape.h + y) * shape.w + x] = newValue }
  }

  /// The elements in NCHW order.
  public func toArray() -> [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }

  /// An independent copy (pooled when `pool` is given).
  public func copy(pool: TensorPool? = nil) -> Tensor {
    let t = pool.map { $0.tensor(shape) } ?? Tensor(zeros: shape)
    t.data.update(from: data, count: count)
    return t
  }

  /// Copies `other`'s elements into this tensor (same element count).
  public func assign(_ other: Tensor) {
    precondition(other.count == count, "assign: \(other.shape) into \(shape)")
    data.update(from: other.data, count: count)
  }

  /// Sets every element to `value`.
  public func fill(_ value: Float) { data.update(repeating: value, count: count) }
}
