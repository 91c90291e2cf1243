/// Elementwise add and multiply, with per-channel broadcasting of a `[N, C, 1, 1]` right operand.
public enum Elementwise {
  /// a + b (same shape, or b is [N,C,1,1] broadcast over H×W).
  public static func add(_ a: Tensor, _ b: Tensor, pool: TensorPool = .shared) -> Tensor {
    let y = a.copy(pool: pool)
    addInPlace(y, b)
    return y
  }

  /// a · b (same shape, or b is [N,C,1,1] broadcast over H×W).
  public static func mul(_ a: Tensor, _ b: Tensor, pool: TensorPool = .shared) -> Tensor {
    let y = a.copy(pool: pool)
    mulInPlace(y, b)
    return y
  }

  /// a += b.
  public static func addInPlace(_ a: Tensor, _ b: Tensor) { combine(a, b) { $0 + $1 } }

  /// a *= b.
  public static func mulInPlace(_ a: Tensor, _ b: Tensor) { combine(a, b) { $0 * $1 } }

  @inline(__always)
  private static func combine(_ a: Tensor, _ b: Tensor, _ f: @escaping (SIMD16<Float>, SIMD16<Float>) -> SIMD16<Float>) {
    let s = a.shape
    if b.shape == s {
      let pa = a.data, pb = b.data
      NNThreading.forRanges(a.count, minChunk: 4096) { s0, e in
        var i = s0
        while i + 16 <= e {
          SIMDLoops.store(f(SIMDLoops.load(pa + i), SIMDLoops.load(pb + i)), pa + i)
          i += 16
        }
        while i < e {
          pa[i] = f(SIMD16(repeating: pa[i]), SIMD16(repeating: pb[i]))[0]
          i += 1
        }
      }
      return
    }
    precondition(b.shape == Shape(s.n, s.c, 1, 1), "broadcast needs \(Shape(s.n, s.c, 1, 1)), got \(b.shape)")
    NNThreading.forEach(s.n * s.c) { p in
      let row = a.data + p * s.plane
      let v = SIMD16<Float>(repeating: b.data[p])
      var i = 0
      while i + 16 <= s.plane {
        SIMDLoops.store(f(SIMDLoops.load(row + i), v), row + i)
        i += 16
      }
      while i < s.plane {
        row[i] = f(SIMD16(repeating: row[i]), v)[0]
        i += 1
      }
    }
  }
}
