/// Small SIMD loops shared by kernels (16 floats per step, scalar tail).
public enum SIMDLoops {
  /// Vector width in floats.
  public typealias V = SIMD16<Float>

  /// y[i] += a · x[i] for i in 0..<n.
  @inlinable
  public static func axpy(_ n: Int, _ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
    var i = 0
    let va = V(repeating: a)
    while i + 16 <= n {
      let vx = UnsafeRawPointer(x + i).loadUnaligned(as: V.self)
      let vy = UnsafeRawPointer(y + i).loadUnaligned(as: V.self)
      UnsafeMutableRawPointer(y + i).storeBytes(of: vy + va * vx, as: V.self)
      i += 16
    }
    while i < n {
      y[i] += a * x[i]
      i += 1
    }
  }

  /// Loads 16 floats from `p` (no alignment needed).
  @inlinable @inline(__always)
  public static func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }

  /// Stores 16 floats at `p` (no alignment needed).
  @inlinable @inline(__always)
  public static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
  }

  /// Applies `f` to x[i] in place, 16 at a time, scalar tail via a padded vector.
  @inlinable
  public static func map(_ n: Int, _ x: UnsafeMutablePointer<Float>, _ f: (V) -> V) {
    var i = 0
    while i + 16 <= n {
      store(f(load(x + i)), x + i)
      i += 16
    }
    if i < n {
      var v = V(repeating: 0)
      for j in 0..<(n - i) { v[j] = x[i + j] }
      let r = f(v)
      for j in 0..<(n - i) { x[i + j] = r[j] }
    }
  }
}
