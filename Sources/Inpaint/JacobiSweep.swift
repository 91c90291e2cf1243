import Imaging

/// One Jacobi sweep of the guided membrane equation (see ``PoissonFill``), SIMD across x, rows in parallel.
///
/// u'_p = u_p + m_p·(¼·Σ_q (u_q − d_pq) − u_p) with m = unknown mask; neighbours outside the image replicate
/// u_p with zero guidance (Neumann boundary). Without guidance d = 0 (Laplace). Layout: all planes [1, H, W].
enum JacobiSweep {
  static func run(from a: PlanarImage, to b: PlanarImage, unknown: PlanarImage, gx: PlanarImage?, gy: PlanarImage?) {
    let w = a.width, h = a.height
    Parallel.forRanges(h, minChunk: 16) { start, end in
      // Zero guidance rows stand in when there is none.
      let zeros = UnsafeMutablePointer<Float>.allocate(capacity: w)
      zeros.initialize(repeating: 0, count: w)
      defer { zeros.deallocate() }
      for y in start..<end {
        let cur = a.row(0, y), out = b.row(0, y), m = unknown.row(0, y)
        let upRow = y > 0 ? a.row(0, y - 1) : cur
        let dnRow = y < h - 1 ? a.row(0, y + 1) : cur
        let gxr = gx?.row(0, y) ?? zeros, gyr = gy?.row(0, y) ?? zeros
        let gyu = y > 0 ? (gy?.row(0, y - 1) ?? zeros) : zeros
        // Scalar update with edge replication.
        @inline(__always) func scalar(_ x: Int) {
          let c = cur[x]
          let l = x > 0 ? cur[x - 1] + gxr[x - 1] : c
          let r = x < w - 1 ? cur[x + 1] - gxr[x] : c
          let uu = upRow[x] + gyu[x]
          let d = dnRow[x] - gyr[x]
          out[x] = c + m[x] * (0.25 * (l + r + uu + d) - c)
        }
        scalar(0)
        var x = 1
        while x + 8 <= w - 1 {
          let c = SIMDLoad.load8(cur + x)
          var s = SIMDLoad.load8(cur + x - 1) + SIMDLoad.load8(gxr + x - 1)
          s += SIMDLoad.load8(cur + x + 1) - SIMDLoad.load8(gxr + x)
          s += SIMDLoad.load8(dnRow + x) - SIMDLoad.load8(gyr + x)
          s += SIMDLoad.load8(upRow + x) + SIMDLoad.load8(gyu + x)
          SIMDLoad.store8(c + SIMDLoad.load8(m + x) * (0.25 * s - c), out + x)
          x += 8
        }
        while x < w {
          scalar(x)
          x += 1
        }
      }
    }
  }
}
