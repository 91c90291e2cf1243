@testable import Inpaint
import Imaging

// The solver as it was before the performance work (plain cascadic Jacobi over whole levels, fresh buffers),
// kept as the reference the optimised PoissonFill must match. Test-only.

/// Multiscale guided membrane (Poisson) fill of unknown pixels from their known surroundings.
///
/// Solves, over unknown pixels p, Σ_q (u_p − u_q + d_pq) = 0 for the 4-neighbours q inside the image, where
/// d_pq is the guidance difference u_q − u_p (`gx` = right minus left, `gy` = down minus up, edges stored at
/// the left/top pixel; 0 on the last column/row). Known pixels are Dirichlet data; the image border is a
/// natural (Neumann) boundary. The guidance is the known pixels' own forward differences, pushed into the
/// unknown region by ``PushPull``, so a region whose surroundings rise towards it keeps rising (a clipped
/// dome or ramp is continued, not flattened).
///
/// Cascadic multigrid: restrict to ⌈W/2⌉ × ⌈H/2⌉ (a coarse pixel's unknown share is its children's mean, its
/// data their knownness-weighted mean; a partly known pixel settles at (1 − m)·data + m·the membrane update)
/// until the long side ≤ `coarsestSize`,
/// solve there to convergence, then upsample the solution as the initial guess of each finer level's
/// unknowns and run Jacobi sweeps (8 × `iterations` on levels with long side ≤ `thoroughSize`, else
/// `iterations`, ½ of it on level 1 and ¼ on level 0, at least 2).
/// The guidance is estimated on every level whose long side is ≤ `guidanceSize`, from that level's own known
/// values (smooth, robust to noise); larger levels run plain Laplace sweeps, since there the guidance's
/// per-sweep effect (curvature/4 per pixel, shrinking 4× per finer level) is negligible.
/// Layout: all planes [1, H, W].
struct ReferencePoissonFill {
  /// Jacobi sweeps per coarse level.
  var iterations: Int
  /// Long side (pixels) at or below which a level is solved directly.
  var coarsestSize: Int
  /// Long side (pixels) at or below which the guidance is estimated and used.
  var guidanceSize: Int = 256
  /// Long side (pixels) at or below which a level runs 8× `iterations` sweeps (cheap there, and Jacobi needs
  /// them to carry the coarse solution's low frequencies).
  var thoroughSize: Int = 256
  /// Reused level buffers (keys 100 + 4·level + role).
  var scratch = ReferenceScratch()

  /// Fills `values` in place where `unknown` is 1.
  func solve(values: PlanarImage, unknown: PlanarImage) {
    solveLevel(values, unknown, level: 0)
  }

  /// Solves one level (and, first, all coarser ones).
  private func solveLevel(_ values: PlanarImage, _ unknown: PlanarImage, level: Int) {
    let w = values.width, h = values.height
    let g = max(w, h) <= guidanceSize ? ReferenceGuidance.estimate(values, unknown) : nil
    let data = values.copy()
    if max(w, h) <= coarsestSize || w < 2 || h < 2 {
      seedWithKnownMean(values, unknown)
      let n = max(w, h)
      relax(values, unknown, g, data: data, sweeps: min(max(4 * n * n, iterations), 4096))
      return
    }
    // Restrict.
    let cw = Pyramid.coarserSize(w), ch = Pyramid.coarserSize(h)
    let cv = scratch.image(100 + 4 * level, width: cw, height: ch)
    let cu = scratch.image(101 + 4 * level, width: cw, height: ch)
    for y in 0..<ch {
      for x in 0..<cw {
        var known: Float = 0, sum: Float = 0
        for (yy, xx) in [(2 * y, 2 * x), (2 * y, 2 * x + 1), (2 * y + 1, 2 * x), (2 * y + 1, 2 * x + 1)] {
          let k = 1 - unknown[0, min(yy, h - 1), min(xx, w - 1)]
          known += k
          sum += k * values[0, min(yy, h - 1), min(xx, w - 1)]
        }
        cu[0, y, x] = 1 - known / 4
        cv[0, y, x] = known > 0 ? sum / known : 0
      }
    }
    solveLevel(cv, cu, level: level + 1)
    // Prolong into the unknown pixels, then smooth.
    let up = scratch.image(102 + 4 * level, width: w, height: h)
    Pyramid.upsample2x(cv, into: up)
    Parallel.forRanges(h, minChunk: 8) { s, e in
      for y in s..<e {
        let u = unknown.row(0, y), v = values.row(0, y), p = up.row(0, y)
        for x in 0..<w where u[x] > 0 { v[x] = p[x] }
      }
    }
    let sweeps =
      max(w, h) <= thoroughSize
      ? 8 * iterations : level == 0 ? max(2, iterations / 4) : level == 1 ? max(2, iterations / 2) : iterations
    relax(values, unknown, g, data: data, sweeps: sweeps, scratch: up)
  }

  /// Sets unknown pixels to the knownness-weighted mean of the known ones (a starting point at the coarsest level).
  private func seedWithKnownMean(_ v: PlanarImage, _ u: PlanarImage) {
    var sum: Float = 0, count: Float = 0
    for i in 0..<v.count where u.data[i] < 1 {
      sum += (1 - u.data[i]) * v.data[i]
      count += 1 - u.data[i]
    }
    let mean = count > 0 ? sum / count : 0
    for i in 0..<v.count where u.data[i] != 0 { v.data[i] = mean }
  }

  /// Jacobi sweeps (double-buffered, even count so the result ends in `v`).
  private func relax(
    _ v: PlanarImage, _ u: PlanarImage, _ g: (PlanarImage, PlanarImage)?, data: PlanarImage, sweeps: Int,
    scratch: PlanarImage? = nil
  ) {
    let tmp = scratch ?? PlanarImage(width: v.width, height: v.height, channels: 1)
    tmp.assign(from: v)
    var a = v, b = tmp
    let total = sweeps + sweeps % 2
    for _ in 0..<total {
      ReferenceJacobiSweep.run(from: a, to: b, unknown: u, gx: g?.0, gy: g?.1, data: data)
      swap(&a, &b)
    }
  }
}

/// ReferenceGuidance fields for ``ReferencePoissonFill``: forward differences of the known pixels, filled over unknown edges.
enum ReferenceGuidance {
  /// gx = right − left and gy = down − up where both pixels are known, extended over the other edges by
  /// membrane (Laplace) interpolation, which continues a linear gradient field exactly (so a paraboloid dome
  /// is rebuilt exactly); 0 on the last column (gx) / row (gy). Returns [1, H, W] planes.
  static func estimate(_ e: PlanarImage, _ unknown: PlanarImage) -> (PlanarImage, PlanarImage) {
    let w = e.width, h = e.height
    let values = PlanarImage(width: w, height: h, channels: 2)
    let weights = PlanarImage(width: w, height: h, channels: 2)
    Parallel.forRanges(h, minChunk: 8) { start, end in
      for y in start..<end {
        let er = e.row(0, y), ur = unknown.row(0, y)
        let vx = values.row(0, y), vy = values.row(1, y), wx = weights.row(0, y), wy = weights.row(1, y)
        for x in 0..<(w - 1) {
          vx[x] = er[x + 1] - er[x]
          wx[x] = (1 - ur[x]) * (1 - ur[x + 1])
        }
        if y + 1 < h {
          let en = e.row(0, y + 1), un = unknown.row(0, y + 1)
          for x in 0..<w {
            vy[x] = en[x] - er[x]
            wy[x] = (1 - ur[x]) * (1 - un[x])
          }
        }
      }
    }
    // Each known step becomes the median of the known steps within ±2 along its direction.
    let raw = values.copy()
    func median(_ v: [Float]) -> Float {
      let s = v.sorted()
      return s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
    }
    for y in 0..<h {
      for x in 0..<w {
        if weights[0, y, x] > 0 {
          values[0, y, x] = median((max(0, x - 2)...min(w - 1, x + 2)).filter { weights[0, y, $0] > 0 }.map { raw[0, y, $0] })
        }
        if weights[1, y, x] > 0 {
          values[1, y, x] = median((max(0, y - 2)...min(h - 1, y + 2)).filter { weights[1, $0, x] > 0 }.map { raw[1, $0, x] })
        }
      }
    }
    let gx = PlanarImage(width: w, height: h, channels: 1), gy = PlanarImage(width: w, height: h, channels: 1)
    let unknownEdges = PlanarImage(width: w, height: h, channels: 1)
    let membrane = ReferencePoissonFill(iterations: 24, coarsestSize: 16, guidanceSize: 0)
    for (c, g) in [(0, gx), (1, gy)] {
      g.data.update(from: values.plane(c), count: w * h)
      let wp = weights.plane(c)
      for i in 0..<(w * h) { unknownEdges.data[i] = 1 - wp[i] }
      membrane.solve(values: g, unknown: unknownEdges)
    }
    zeroLastEdges(gx, gy)
    return (gx, gy)
  }

  /// Edges leaving the image carry no guidance.
  static func zeroLastEdges(_ gx: PlanarImage, _ gy: PlanarImage) {
    for y in 0..<gx.height { gx.row(0, y)[gx.width - 1] = 0 }
    gy.row(0, gy.height - 1).update(repeating: 0, count: gy.width)
  }
}

/// One Jacobi sweep of the guided membrane equation (see ``ReferencePoissonFill``), SIMD across x, rows in parallel.
///
/// u'_p = b_p + m_p·(¼·Σ_q (u_q − d_pq) − b_p) with m = unknown mask, b = the data; neighbours outside the image replicate
/// u_p with zero guidance (Neumann boundary). Without guidance d = 0 (Laplace). Layout: all planes [1, H, W].
enum ReferenceJacobiSweep {
  static func run(
    from a: PlanarImage, to b: PlanarImage, unknown: PlanarImage, gx: PlanarImage?, gy: PlanarImage?, data: PlanarImage
  ) {
    let w = a.width, h = a.height
    Parallel.forRanges(h, minChunk: 16) { start, end in
      // Zero guidance rows stand in when there is none.
      let zeros = UnsafeMutablePointer<Float>.allocate(capacity: w)
      zeros.initialize(repeating: 0, count: w)
      defer { zeros.deallocate() }
      for y in start..<end {
        let cur = a.row(0, y), out = b.row(0, y), m = unknown.row(0, y), base = data.row(0, y)
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
          out[x] = base[x] + m[x] * (0.25 * (l + r + uu + d) - base[x])
        }
        scalar(0)
        var x = 1
        while x + 8 <= w - 1 {
          let c = SIMDLoad.load8(base + x)
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

/// One image per key, reallocated on a shape change (the reference's original scratch policy).
final class ReferenceScratch {
  private var images: [Int: PlanarImage] = [:]

  func image(_ key: Int, width: Int, height: Int, channels: Int = 1) -> PlanarImage {
    if let img = images[key], img.width == width, img.height == height, img.channels == channels { return img }
    let img = PlanarImage(width: width, height: height, channels: channels)
    images[key] = img
    return img
  }
}
