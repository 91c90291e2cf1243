/// Unaligned SIMD8 loads and stores on float rows, shared by the image kernels.
///
/// Rows of a ``PlanarImage`` are packed (stride = width), so only the plane base is 64-byte aligned; every
/// kernel therefore uses unaligned access.
public enum SIMDLoad {
  /// Loads 8 floats starting at `p` (no alignment needed).
  @inlinable @inline(__always)
  public static func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
  }

  /// Loads 8 floats starting at `p` (no alignment needed).
  @inlinable @inline(__always)
  public static func load8(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
  }

  /// Stores 8 floats at `p` (no alignment needed).
  @inlinable @inline(__always)
  public static func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
  }
}
