import Imaging
import VectorMath

/// Motion-rejecting temporal average of one row span (see ``ShadowDenoiser``), SIMD across x.
enum TemporalRow {
  /// R, G, B row pointers of one frame.
  typealias Rows = (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>)
  typealias OutRows = (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>)

  /// Writes columns x0..<x1 of the weighted average of `center` and `others` into `out` (same column
  /// indexing). With no others it copies the centre.
  @inline(__always)
  static func average(_ center: Rows, _ others: [Rows], _ x0: Int, _ x1: Int, _ sigma: Float, into out: OutRows) {
    typealias V = SIMD8<Float>
    let (c0, c1, c2) = center
    let (o0, o1, o2) = out
    if others.isEmpty {
      (o0 + x0).update(from: c0 + x0, count: x1 - x0)
      (o1 + x0).update(from: c1 + x0, count: x1 - x0)
      (o2 + x0).update(from: c2 + x0, count: x1 - x0)
      return
    }
    let inv = 1 / (3 * sigma) / 3
    var x = x0
    while x + 8 <= x1 {
      let a0 = SIMDLoad.load8(c0 + x), a1 = SIMDLoad.load8(c1 + x), a2 = SIMDLoad.load8(c2 + x)
      var s0 = a0, s1 = a1, s2 = a2, ws = V(repeating: 1)
      for f in others {
        let b0 = SIMDLoad.load8(f.0 + x), b1 = SIMDLoad.load8(f.1 + x), b2 = SIMDLoad.load8(f.2 + x)
        let d: V = SIMDMath.abs(b0 - a0) + SIMDMath.abs(b1 - a1) + SIMDMath.abs(b2 - a2)
        let wt = SIMDMath.clamp(1 - d * inv, 0, 1)
        s0 += wt * b0
        s1 += wt * b1
        s2 += wt * b2
        ws += wt
      }
      let iw = 1 / ws
      SIMDLoad.store8(s0 * iw, o0 + x)
      SIMDLoad.store8(s1 * iw, o1 + x)
      SIMDLoad.store8(s2 * iw, o2 + x)
      x += 8
    }
    while x < x1 {
      let a0 = c0[x], a1 = c1[x], a2 = c2[x]
      var s0 = a0, s1 = a1, s2 = a2, ws: Float = 1
      for f in others {
        let b0 = f.0[x], b1 = f.1[x], b2 = f.2[x]
        let d = abs(b0 - a0) + abs(b1 - a1) + abs(b2 - a2)
        let wt = min(max(1 - d * inv, 0), 1)
        s0 += wt * b0
        s1 += wt * b1
        s2 += wt * b2
        ws += wt
      }
      o0[x] = s0 / ws
      o1[x] = s1 / ws
      o2[x] = s2 / ws
      x += 1
    }
  }
}
