import Imaging

/// Multiscale guided membrane (Poisson) fill of unknown pixels from their known surroundings.
///
/// Solves, over unknown pixels p, Σ_q (u_p − u_q + d_pq) = 0 for the 4-neighbours q inside the image, where
/// d_pq is the guidance difference u_q − u_p (`gx` = right minus left, `gy` = down minus up, edges stored at
/// the left/top pixel; 0 on the last column/row). Zero guidance gives Laplace (membrane) interpolation.
/// Known pixels are Dirichlet data; the image border is a natural (Neumann) boundary.
///
/// Cascadic multigrid: restrict to ⌈W/2⌉ × ⌈H/2⌉ (a coarse pixel is unknown only if all its children are, so
/// boundary data survives every level; known children and guidance are averaged, guidance ×2 for the doubled
/// spacing) until the long side ≤ `coarsestSize`,
/// solve there to convergence, then upsample the solution as the initial guess of each finer level's
/// unknowns and run Jacobi sweeps (`iterations`, ½ of it on level 1 and ¼ on level 0, at least 2).
/// Layout: all planes [1, H, W].
struct PoissonFill {
  /// Jacobi sweeps per coarse level.
  var iterations: Int
  /// Long side (pixels) at or below which a level is solved directly.
  var coarsestSize: Int

  /// Fills `values` in place where `unknown` is 1.
  func solve(values: PlanarImage, unknown: PlanarImage, gx: PlanarImage, gy: PlanarImage, level: Int = 0) {
    let w = values.width, h = values.height
    if max(w, h) <= coarsestSize || w < 2 || h < 2 {
      seedWithKnownMean(values, unknown)
      let n = max(w, h)
      relax(values, unknown, gx, gy, sweeps: min(max(4 * n * n, iterations), 4096))
      return
    }
    // Restrict.
    let cw = Pyramid.coarserSize(w), ch = Pyramid.coarserSize(h)
    let cv = PlanarImage(width: cw, height: ch, channels: 1), cu = PlanarImage(width: cw, height: ch, channels: 1)
    let cgx = PlanarImage(width: cw, height: ch, channels: 1), cgy = PlanarImage(width: cw, height: ch, channels: 1)
    Parallel.forRanges(ch, minChunk: 8) { start, end in
      for y in start..<end {
        let ya = 2 * y, yb = min(2 * y + 1, h - 1)
        for x in 0..<cw {
          let xa = 2 * x, xb = min(2 * x + 1, w - 1)
          var sum: Float = 0, known: Float = 0, sgx: Float = 0, sgy: Float = 0
          @inline(__always) func add(_ i: Int) {
            let k = 1 - unknown.data[i]
            sum += k * values.data[i]
            known += k
            sgx += gx.data[i]
            sgy += gy.data[i]
          }
          add(ya * w + xa)
          add(ya * w + xb)
          add(yb * w + xa)
          add(yb * w + xb)
          let o = y * cw + x
          cu.data[o] = known > 0 ? 0 : 1
          cv.data[o] = known > 0 ? sum / known : 0
          cgx.data[o] = x == cw - 1 ? 0 : 0.5 * sgx
          cgy.data[o] = y == ch - 1 ? 0 : 0.5 * sgy
        }
      }
    }
    solve(values: cv, unknown: cu, gx: cgx, gy: cgy, level: level + 1)
    // Prolong into the unknown pixels, then smooth.
    let up = Pyramid.upsample2x(cv, width: w, height: h)
    let n = w * h
    Parallel.forRanges(n, minChunk: 8192) { s, e in
      for i in s..<e where unknown.data[i] > 0 { values.data[i] = up.data[i] }
    }
    let sweeps = level == 0 ? max(2, iterations / 4) : level == 1 ? max(2, iterations / 2) : iterations
    relax(values, unknown, gx, gy, sweeps: sweeps)
  }

  /// Sets unknown pixels to the mean of the known ones (a starting point at the coarsest level).
  private func seedWithKnownMean(_ v: PlanarImage, _ u: PlanarImage) {
    var sum: Float = 0, count: Float = 0
    for i in 0..<v.count where u.data[i] == 0 {
      sum += v.data[i]
      count += 1
    }
    let mean = count > 0 ? sum / count : 0
    for i in 0..<v.count where u.data[i] != 0 { v.data[i] = mean }
  }

  /// Jacobi sweeps (double-buffered), even count so the result ends in `v`.
  private func relax(_ v: PlanarImage, _ u: PlanarImage, _ gx: PlanarImage, _ gy: PlanarImage, sweeps: Int) {
    let tmp = v.copy()
    var a = v, b = tmp
    let total = sweeps + sweeps % 2
    for _ in 0..<total {
      JacobiSweep.run(from: a, to: b, unknown: u, gx: gx, gy: gy)
      swap(&a, &b)
    }
  }
}
