import Imaging

/// Multiscale guided membrane (Poisson) fill of unknown pixels from their known surroundings.
///
/// Solves, over unknown pixels p, Σ_q (u_p − u_q + d_pq) = 0 for the 4-neighbours q inside the image, where
/// d_pq is the guidance difference u_q − u_p (`gx` = right minus left, `gy` = down minus up, edges stored at
/// the left/top pixel; 0 on the last column/row). Known pixels are Dirichlet data; the image border is a
/// natural (Neumann) boundary. The guidance is the known pixels' own forward differences, pushed into the
/// unknown region by ``PushPull``, so a region whose surroundings rise towards it keeps rising (a clipped
/// dome or ramp is continued, not flattened).
///
/// Cascadic multigrid: restrict to ⌈W/2⌉ × ⌈H/2⌉ (a coarse pixel is known when all its children are, or, if
/// that leaves none, when any is; known children are averaged) until the long side ≤ `coarsestSize`,
/// solve there to convergence, then upsample the solution as the initial guess of each finer level's
/// unknowns and run Jacobi sweeps (8 × `iterations` on levels with long side ≤ `thoroughSize`, else
/// `iterations`, ½ of it on level 1 and ¼ on level 0, at least 2).
/// The guidance is estimated on every level whose long side is ≤ `guidanceSize`, from that level's own known
/// values (smooth, robust to noise); larger levels run plain Laplace sweeps, since there the guidance's
/// per-sweep effect (curvature/4 per pixel, shrinking 4× per finer level) is negligible.
/// Layout: all planes [1, H, W].
struct PoissonFill {
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
  var scratch = ScratchImages()

  /// Fills `values` in place where `unknown` is 1.
  func solve(values: PlanarImage, unknown: PlanarImage) {
    solveLevel(values, unknown, level: 0)
  }

  /// Solves one level (and, first, all coarser ones).
  private func solveLevel(_ values: PlanarImage, _ unknown: PlanarImage, level: Int) {
    let w = values.width, h = values.height
    let g = max(w, h) <= guidanceSize ? Guidance.estimate(values, unknown) : nil
    if max(w, h) <= coarsestSize || w < 2 || h < 2 {
      seedWithKnownMean(values, unknown)
      let n = max(w, h)
      relax(values, unknown, g, sweeps: min(max(4 * n * n, iterations), 4096))
      return
    }
    // Restrict.
    let cw = Pyramid.coarserSize(w), ch = Pyramid.coarserSize(h)
    let cv = scratch.image(100 + 4 * level, width: cw, height: ch)
    let cu = scratch.image(101 + 4 * level, width: cw, height: ch)
    // A coarse pixel is known only when all its children are (exact averages, no bias from the unknown
    // ones); when that leaves no known pixel at all, any known child suffices.
    for requireAll in [true, false] {
      let knownRows = UnsafeMutablePointer<Int>.allocate(capacity: ch)
      defer { knownRows.deallocate() }
      Parallel.forRanges(ch, minChunk: 8) { start, end in
        for y in start..<end {
          let ya = 2 * y, yb = min(2 * y + 1, h - 1)
          let va = values.row(0, ya), vb = values.row(0, yb), ua = unknown.row(0, ya), ub = unknown.row(0, yb)
          let o = cv.row(0, y), ou = cu.row(0, y)
          var count = 0
          for x in 0..<cw {
            let xa = 2 * x, xb = min(2 * x + 1, w - 1)
            let k0 = 1 - ua[xa], k1 = 1 - ua[xb], k2 = 1 - ub[xa], k3 = 1 - ub[xb]
            let known = k0 + k1 + k2 + k3
            let sum = k0 * va[xa] + k1 * va[xb] + k2 * vb[xa] + k3 * vb[xb]
            let isKnown = requireAll ? known > 3.5 : known > 0
            ou[x] = isKnown ? 0 : 1
            o[x] = known > 0 ? sum / known : 0
            if isKnown { count += 1 }
          }
          knownRows[y] = count
        }
      }
      if (0..<ch).contains(where: { knownRows[$0] > 0 }) { break }
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
    relax(values, unknown, g, sweeps: sweeps, scratch: up)
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

  /// Jacobi sweeps (double-buffered, even count so the result ends in `v`).
  private func relax(
    _ v: PlanarImage, _ u: PlanarImage, _ g: (PlanarImage, PlanarImage)?, sweeps: Int, scratch: PlanarImage? = nil
  ) {
    let tmp = scratch ?? PlanarImage(width: v.width, height: v.height, channels: 1)
    tmp.assign(from: v)
    var a = v, b = tmp
    let total = sweeps + sweeps % 2
    for _ in 0..<total {
      JacobiSweep.run(from: a, to: b, unknown: u, gx: g?.0, gy: g?.1)
      swap(&a, &b)
    }
  }
}
