/// Zero-copy views and channel concat/split.
extension Tensor {
  /// The same elements seen with another shape of equal count (no copy).
  public func reshaped(_ newShape: Shape) -> Tensor {
    precondition(newShape.count == count, "reshape \(shape) to \(newShape)")
    return Tensor(shape: newShape, storage: storage, offset: offset)
  }

  /// Channels `range` of a batch-1 tensor as a view [1, range.count, H, W] (no copy).
  public func channels(_ range: Range<Int>) -> Tensor {
    precondition(shape.n == 1, "channel views need batch 1; use split(_:pool:) for N > 1")
    precondition(range.lowerBound >= 0 && range.upperBound <= shape.c, "channels \(range) of \(shape)")
    return Tensor(
      shape: Shape(1, range.count, shape.h, shape.w), storage: storage, offset: offset + range.lowerBound * shape.plane)
  }

  /// Batch item `i` as a view [1, C, H, W] (no copy).
  public func item(_ i: Int) -> Tensor {
    precondition(i >= 0 && i < shape.n)
    return Tensor(shape: Shape(1, shape.c, shape.h, shape.w), storage: storage, offset: offset + i * shape.item)
  }

  /// Concatenates tensors along channels (NCHW, equal N, H, W) into a new tensor.
  public static func concat(_ parts: [Tensor], pool: TensorPool = .shared) -> Tensor {
    precondition(!parts.isEmpty)
    let s0 = parts[0].shape
    let c = parts.reduce(0) { $0 + $1.shape.c }
    for p in parts { precondition(p.shape.n == s0.n && p.shape.h == s0.h && p.shape.w == s0.w, "concat shapes") }
    let out = pool.tensor(Shape(s0.n, c, s0.h, s0.w))
    concat(parts, into: out)
    return out
  }

  /// Concatenates tensors along channels into `out` (which must have the summed channel count).
  public static func concat(_ parts: [Tensor], into out: Tensor) {
    let s = out.shape
    precondition(parts.reduce(0) { $0 + $1.shape.c } == s.c, "concat channel count")
    for n in 0..<s.n {
      var dst = out.data + n * s.item
      for p in parts {
        precondition(p.shape.n == s.n && p.shape.plane == s.plane, "concat shapes")
        let len = p.shape.item
        dst.update(from: p.data + n * len, count: len)
        dst += len
      }
    }
  }

  /// Splits along channels into pieces of `sizes` channels: views for batch 1, pooled copies otherwise.
  public func split(_ sizes: [Int], pool: TensorPool = .shared) -> [Tensor] {
    precondition(sizes.reduce(0, +) == shape.c, "split sizes \(sizes) for \(shape)")
    var out: [Tensor] = []
    var c0 = 0
    for sz in sizes {
      if shape.n == 1 {
        out.append(channels(c0..<(c0 + sz)))
      } else {
        let t = pool.tensor(Shape(shape.n, sz, shape.h, shape.w))
        for n in 0..<shape.n {
          (t.data + n * t.shape.item).update(from: data + n * shape.item + c0 * shape.plane, count: t.shape.item)
        }
        out.append(t)
      }
      c0 += sz
    }
    return out
  }
}
