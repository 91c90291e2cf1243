import Imaging

/// One Jacobi sweep of the guided membrane equation (see ``PoissonFill``), SIMD across x.
///
/// u'_p = b_p + m_p·(¼·Σ_q (u_q − d_pq) − b_p) with m = unknown mask (1 unknown, 0 known, between: partly known)
/// and b = the known data (`data`; without it u_p itself, which is the data wherever m = 0); neighbours outside
/// the image replicate u_p with zero guidance (Neumann boundary). Without guidance d = 0 (Laplace). So a partly
/// known pixel settles at the blend (1 − m)·data + m·(neighbours' mean). Layout: all planes [1, H, W].
///
/// Only the columns `x0 ..< x1` of the given rows are written; the caller keeps the other pixels of `b` equal
/// to those of `a` (they hold known pixels, whose update is the identity, or pixels deliberately frozen).
enum JacobiSweep {
  /// Sweeps rows `y0 ..< y1`, columns `x0 ..< x1` from `a` into `b` (single-threaded, no allocation).
  @inline(__always)
  static func rows(
    from a: PlanarImage, to b: PlanarImage, unknown: PlanarImage, gx: PlanarImage?, gy: PlanarImage?,
    y0: Int, y1: Int, x0: Int, x1: Int, data: PlanarImage? = nil
  ) {
    if let gx, let gy {
      for y in y0..<y1 { guidedRow(a, b, unknown, gx, gy, y, x0, x1, data) }
    } else {
      for y in y0..<y1 { laplaceRow(a, b, unknown, y, x0, x1, data) }
    }
  }

  /// Whole-image sweep, rows in parallel when the image is large.
  static func run(from a: PlanarImage, to b: PlanarImage, unknown: PlanarImage, gx: PlanarImage?, gy: PlanarImage?) {
    let w = a.width, h = a.height
    if w * h < 65536 {
      rows(from: a, to: b, unknown: unknown, gx: gx, gy: gy, y0: 0, y1: h, x0: 0, x1: w)
      return
    }
    Parallel.forRanges(h, minChunk: 16) { start, end in
      rows(from: a, to: b, unknown: unknown, gx: gx, gy: gy, y0: start, y1: end, x0: 0, x1: w)
    }
  }

  @inline(__always)
  static func laplaceRow(
    _ a: PlanarImage, _ b: PlanarImage, _ unknown: PlanarImage, _ y: Int, _ x0: Int, _ x1: Int, _ data: PlanarImage?
  ) {
    let w = a.width, h = a.height
    let cur = a.row(0, y), out = b.row(0, y), m = unknown.row(0, y), base = data?.row(0, y) ?? cur
    let upRow = y > 0 ? a.row(0, y - 1) : cur
    let dnRow = y < h - 1 ? a.row(0, y + 1) : cur
    @inline(__always) func scalar(_ x: Int) {
      let c = cur[x]
      let l = x > 0 ? cur[x - 1] : c
      let r = x < w - 1 ? cur[x + 1] : c
      out[x] = base[x] + m[x] * (0.25 * (l + r + upRow[x] + dnRow[x]) - base[x])
    }
    var x = x0
    if x == 0 && x < x1 { scalar(0); x = 1 }
    let end = min(x1, w - 1)
    while x + 8 <= end {
      let c = SIMDLoad.load8(base + x)
      var s = SIMDLoad.load8(cur + x - 1) + SIMDLoad.load8(cur + x + 1)
      s += SIMDLoad.load8(dnRow + x)
      s += SIMDLoad.load8(upRow + x)
      SIMDLoad.store8(c + SIMDLoad.load8(m + x) * (0.25 * s - c), out + x)
      x += 8
    }
    while x < x1 { scalar(x); x += 1 }
  }

  @inline(__always)
  static func guidedRow(
    _ a: PlanarImage, _ b: PlanarImage, _ unknown: PlanarImage, _ gx: PlanarImage, _ gy: PlanarImage, _ y: Int,
    _ x0: Int, _ x1: Int, _ data: PlanarImage?
  ) {
    let w = a.width, h = a.height
    let cur = a.row(0, y), out = b.row(0, y), m = unknown.row(0, y), base = data?.row(0, y) ?? cur
    let upRow = y > 0 ? a.row(0, y - 1) : cur
    let dnRow = y < h - 1 ? a.row(0, y + 1) : cur
    let gxr = gx.row(0, y), gyr = gy.row(0, y)
    // The edge above row 0 does not exist: its guidance is 0 (the replicated neighbour is u_p itself). The
    // last row's gy is 0 (zeroLastEdges), so using it for the replicated row below is exact.
    let gyu = y > 0 ? gy.row(0, y - 1) : gy.row(0, h - 1)
    @inline(__always) func scalar(_ x: Int) {
      let c = cur[x]
      let l = x > 0 ? cur[x - 1] + gxr[x - 1] : c
      let r = x < w - 1 ? cur[x + 1] - gxr[x] : c
      let uu = upRow[x] + gyu[x]
      let d = dnRow[x] - gyr[x]
      out[x] = base[x] + m[x] * (0.25 * (l + r + uu + d) - base[x])
    }
    var x = x0
    if x == 0 && x < x1 { scalar(0); x = 1 }
    let end = min(x1, w - 1)
    while x + 8 <= end {
      let c = SIMDLoad.load8(base + x)
      var s = SIMDLoad.load8(cur + x - 1) + SIMDLoad.load8(gxr + x - 1)
      s += SIMDLoad.load8(cur + x + 1) - SIMDLoad.load8(gxr + x)
      s += SIMDLoad.load8(dnRow + x) - SIMDLoad.load8(gyr + x)
      s += SIMDLoad.load8(upRow + x) + SIMDLoad.load8(gyu + x)
      SIMDLoad.store8(c + SIMDLoad.load8(m + x) * (0.25 * s - c), out + x)
      x += 8
    }
    while x < x1 { scalar(x); x += 1 }
  }
}
