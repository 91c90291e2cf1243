import Imaging

/// Motion-rejecting temporal average of one row (see ``ShadowDenoiser``), SIMD across x.
enum TemporalRow {

  /// Writes row `y` of the weighted average of `center` and `others` into `out` ([3, H, W] each).
  static func average(
    _ center: PlanarImage, _ others: [PlanarImage], _ y: Int, _ sigma: Float, into out: PlanarImage
  ) {
    typealias V = SIMD8<Float>
    let w = center.width
    let c0 = center.row(0, y), c1 = center.row(1, y), c2 = center.row(2, y)
    let o0 = out.row(0, y), o1 = out.row(1, y), o2 = out.row(2, y)
    let inv = 1 / (3 * sigma) / 3
    var x = 0
    while x + 8 <= w {
      let a0 = SIMDLoad.load8(c0 + x), a1 = SIMDLoad.load8(c1 + x), a2 = SIMDLoad.load8(c2 + x)
      var s0 = a0, s1 = a1, s2 = a2, ws = V(repeating: 1)
      for f in others {
        let b0 = SIMDLoad.load8(f.row(0, y) + x), b1 = SIMDLoad.load8(f.row(1, y) + x)
        let b2 = SIMDLoad.load8(f.row(2, y) + x)
        let d: V = SIMDMath.abs(b0 - a0) + SIMDMath.abs(b1 - a1) + SIMDMath.abs(b2 - a2)
        let wt = SIMDMath.clamp(1 - d * inv, 0, 1)
        s0 += wt * b0
        s1 += wt * b1
        s2 += wt * b2
        ws += wt
      }
      SIMDLoad.store8(s0 / ws, o0 + x)
      SIMDLoad.store8(s1 / ws, o1 + x)
      SIMDLoad.store8(s2 / ws, o2 + x)
      x += 8
    }
    while x < w {
      let a0 = c0[x], a1 = c1[x], a2 = c2[x]
      var s0 = a0, s1 = a1, s2 = a2, ws: Float = 1
      for f in others {
        let b0 = f.row(0, y)[x], b1 = f.row(1, y)[x], b2 = f.row(2, y)[x]
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
