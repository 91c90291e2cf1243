import Dispatch
import Foundation
import Imaging
import VectorMath

/// Multiscale guided membrane (Poisson) fill of unknown pixels from their known surroundings.
///
/// Solves, over unknown pixels p, Σ_q (u_p − u_q + d_pq) = 0 for the 4-neighbours q inside the image, where
/// d_pq is the guidance difference u_q − u_p (`gx` = right minus left, `gy` = down minus up, edges stored at
/// the left/top pixel; 0 on the last column/row). Known pixels are Dirichlet data; the image border is a
/// natural (Neumann) boundary. The guidance is the known pixels' own forward differences (``Guidance``),
/// pushed into the unknown region, so a region whose surroundings rise towards it keeps rising (a clipped
/// dome or ramp is continued, not flattened).
///
/// The mask may be fractional: a pixel with unknown share m settles at (1 − m)·its data + m·the membrane
/// update (``JacobiSweep``), a screened anchor. The caller's level 0 uses that for weakly trusted known
/// pixels (`softInput`); coarser levels always do: a coarse pixel is as unknown as its children on average,
/// its data their knownness-weighted mean. So the coarse boundary moves smoothly as a fine one crosses the
/// pyramid's grid (a coarse pixel known only when all its children were moved it by up to 2^level pixels
/// at once, and a panning blown sky's fill jumped by half between frames).
///
/// Cascadic multigrid: restrict to ⌈W/2⌉ × ⌈H/2⌉ as above until the long side ≤ `coarsestSize`,
/// solve there to convergence, then upsample the solution as the initial guess of each finer level's
/// unknowns and run Jacobi sweeps (8 × `iterations` on levels with long side ≤ `thoroughSize`, else
/// `iterations`, ½ of it on level 1 and ¼ on level 0, at least 2).
/// The guidance is estimated on every level whose long side is ≤ `guidanceSize`, from that level's own known
/// values (smooth, robust to noise); larger levels run plain Laplace sweeps, since there the guidance's
/// per-sweep effect (curvature/4 per pixel, shrinking 4× per finer level) is negligible.
///
/// The coarsest level is solved to convergence by red-black SOR (the Jacobi sweeps' fixed point, reached in
/// O(n) instead of O(n²) sweeps).
/// Cost bounds (results as above up to float rounding, except where noted): sweeps touch only the columns
/// between the first and last unknown pixel of rows that have one; on the large Laplace levels (long side
/// > `guidanceSize`) whose sweep count s is at most ``bandTile``, only unknown pixels within a
/// ``bandTile``-pixel tile of a known pixel are relaxed — pixels farther inside keep the upsampled coarser
/// solution, which s Laplace sweeps would move only by s/4 of its (tiny) discrete curvature.
/// Layout: all planes [1, H, W].
struct PoissonFill {
  /// Jacobi sweeps per coarse level.
  var iterations: Int
  /// Long side (pixels) at or below which a level is solved directly.
  var coarsestSize: Int
  /// Long side (pixels) at or below which the guidance is estimated and used.
  var guidanceSize: Int = 256
  /// Largest guidance step, in code per full-resolution pixel (×2^level on coarser levels); ∞: unbounded.
  var guidanceMaxSlope: Float = .infinity
  /// Long side (pixels) at or below which a level runs 8× `iterations` sweeps (cheap there, and Jacobi needs
  /// them to carry the coarse solution's low frequencies).
  var thoroughSize: Int = 256
  /// The level-0 mask holds partly known pixels (between 0 and 1), settled as in ``JacobiSweep``.
  var softInput = false
  /// Reused level buffers (keys 100 + 4·level + role; children 1000 + level for the guidance).
  var scratch = ScratchImages()

  /// Optional timer wrapping each step (label, body); for benchmarks.
  var timer: ((String, () -> Void) -> Void)? = nil

  @inline(__always)
  private func step(_ label: @autoclosure () -> String, _ body: () -> Void) {
    if let timer { withoutActuallyEscaping(body) { timer(label(), $0) } } else { body() }
  }

  /// Tile size of the band-limited relaxation of large Laplace levels.
  static let bandTile = 16
  /// Levels with at least this many pixels run their row loops on all workers. (16384, which puts the
  /// 240×135 level of a 1080p frame on all workers too, measured the same wall time.)
  static let parallelPixels = 65536

  /// Fills `values` in place where `unknown` is 1.
  func solve(values: PlanarImage, unknown: PlanarImage) {
    solveLevel(values, unknown, level: 0)
  }

  /// Solves one level (and, first, all coarser ones).
  private func solveLevel(_ values: PlanarImage, _ unknown: PlanarImage, level: Int) {
    let w = values.width, h = values.height
    var g: (PlanarImage, PlanarImage)? = nil
    if max(w, h) <= guidanceSize {
      step("solve.guidance") { g = Guidance.estimate(
        values, unknown, maxStep: guidanceMaxSlope * Float(1 << min(level, 30)), scratch: scratch.child(1000 + level)) }
    }
    let spans = Self.unknownSpans(unknown)
    // Partly known pixels settle toward their known data, which the solution overwrites: keep a copy.
    var data: PlanarImage? = nil
    if level > 0 || softInput {
      let d = scratch.image(103 + 4 * level, width: w, height: h)
      d.assign(from: values)
      data = d
    }
    if max(w, h) <= coarsestSize || w < 2 || h < 2 {
      seedWithKnownMean(values, unknown)
      let n = max(w, h)
      step("solve.coarsest") {
        solveCoarsest(values, unknown, g, data: data, maxSweeps: min(max(4 * n * n, iterations), 4096))
      }
      return
    }
    // Restrict.
    let cw = Pyramid.coarserSize(w), ch = Pyramid.coarserSize(h)
    let cv = scratch.image(100 + 4 * level, width: cw, height: ch)
    let cu = scratch.image(101 + 4 * level, width: cw, height: ch)
    step("solve.restrict") {
      Self.forRows(ch, pixels: w * h) { s, e in Self.restrict(values, unknown, cv, cu, y0: s, y1: e) }
    }
    solveLevel(cv, cu, level: level + 1)
    // Prolong into the unknown pixels, then smooth.
    let up = scratch.image(102 + 4 * level, width: w, height: h)
    step("solve.prolong") {
    Pyramid.upsample2x(cv, into: up)
    Self.forRows(h, pixels: w * h) { s, e in
      for y in s..<e {
        let u = unknown.row(0, y), v = values.row(0, y), p = up.row(0, y)
        var x = spans[2 * y]
        let end = spans[2 * y + 1]
        while x + 8 <= end {
          let pv = SIMDLoad.load8(p + x)
          SIMDLoad.store8(SIMDLoad.load8(v + x).replacing(with: pv, where: SIMDLoad.load8(u + x) .> 0), v + x)
          x += 8
        }
        while x < end {
          if u[x] > 0 { v[x] = p[x] }
          x += 1
        }
      }
    }
    }
    let sweeps =
      max(w, h) <= thoroughSize
      ? 8 * iterations : level == 0 ? max(2, iterations / 4) : level == 1 ? max(2, iterations / 2) : iterations
    step("solve.relax.L\(min(level, 3))") {
      if g == nil && sweeps <= Self.bandTile {
        relaxBand(values, unknown, sweeps: sweeps, tmp: up, data: data)
      } else {
        relax(values, unknown, g, sweeps: sweeps, tmp: up, spans: spans, data: data)
      }
    }
  }

  /// Runs `body` over row ranges of 0..<h, on all workers when the level has at least `parallelPixels`.
  @inline(__always)
  static func forRows(_ h: Int, pixels: Int, _ body: (Int, Int) -> Void) {
    if pixels < parallelPixels { body(0, h) } else { Parallel.forRanges(h, minChunk: 8, body) }
  }

  /// Coarse rows y0..<y1 of the restriction: the coarse unknown share is that of the (up to) four children
  /// on average, the coarse value the knownness-weighted mean of their values (0 where none is known).
  static func restrict(
    _ values: PlanarImage, _ unknown: PlanarImage, _ cv: PlanarImage, _ cu: PlanarImage, y0: Int, y1: Int
  ) {
    let w = values.width, h = values.height, cw = cv.width
    let one = SIMD8<Float>(repeating: 1), tiny = SIMD8<Float>(repeating: 1e-20)
    for y in y0..<y1 {
      let ya = 2 * y, yb = min(2 * y + 1, h - 1)
      let va = values.row(0, ya), vb = values.row(0, yb), ua = unknown.row(0, ya), ub = unknown.row(0, yb)
      let o = cv.row(0, y), ou = cu.row(0, y)
      var x = 0
      while 2 * x + 16 <= w {
        let ka0 = one - SIMDLoad.load8(ua + 2 * x), ka1 = one - SIMDLoad.load8(ua + 2 * x + 8)
        let kb0 = one - SIMDLoad.load8(ub + 2 * x), kb1 = one - SIMDLoad.load8(ub + 2 * x + 8)
        let s0 = ka0 * SIMDLoad.load8(va + 2 * x) + kb0 * SIMDLoad.load8(vb + 2 * x)
        let s1 = ka1 * SIMDLoad.load8(va + 2 * x + 8) + kb1 * SIMDLoad.load8(vb + 2 * x + 8)
        let k0 = ka0 + kb0, k1 = ka1 + kb1
        let sum =
          SIMD8<Float>(s0[0], s0[2], s0[4], s0[6], s1[0], s1[2], s1[4], s1[6])
          + SIMD8<Float>(s0[1], s0[3], s0[5], s0[7], s1[1], s1[3], s1[5], s1[7])
        let known =
          SIMD8<Float>(k0[0], k0[2], k0[4], k0[6], k1[0], k1[2], k1[4], k1[6])
          + SIMD8<Float>(k0[1], k0[3], k0[5], k0[7], k1[1], k1[3], k1[5], k1[7])
        SIMDLoad.store8(one - 0.25 * known, ou + x)
        SIMDLoad.store8((sum / SIMDMath.max(known, tiny)).replacing(with: 0, where: known .<= 0), o + x)
        x += 8
      }
      while x < cw {
        let xa = 2 * x, xb = min(2 * x + 1, w - 1)
        let k0 = 1 - ua[xa], k1 = 1 - ua[xb], k2 = 1 - ub[xa], k3 = 1 - ub[xb]
        let known = k0 + k1 + k2 + k3
        let sum = k0 * va[xa] + k1 * va[xb] + k2 * vb[xa] + k3 * vb[xb]
        ou[x] = 1 - 0.25 * known
        o[x] = known > 0 ? sum / known : 0
        x += 1
      }
    }
  }

  /// Per row: [first, last + 1) of its unknown pixels (2 Ints a row; empty span 0, 0).
  static func unknownSpans(_ u: PlanarImage) -> [Int] {
    let w = u.width, h = u.height
    var spans = [Int](repeating: 0, count: 2 * h)
    spans.withUnsafeMutableBufferPointer { sp in
      let base = sp.baseAddress!
      forRows(h, pixels: w * h) { s, e in
        for y in s..<e {
          let r = u.row(0, y)
          var first = -1, last = -1
          var x = 0
          while x + 8 <= w {
            if LaneReduce.max(SIMDLoad.load8(r + x)) > 0 {
              if first < 0 { first = x }
              last = x + 7
            }
            x += 8
          }
          while x < w {
            if r[x] > 0 {
              if first < 0 { first = x }
              last = x
            }
            x += 1
          }
          if first >= 0 {
            // Tighten to the exact first/last unknown pixel.
            while r[first] <= 0 { first += 1 }
            while r[last] <= 0 { last -= 1 }
            base[2 * y] = first
            base[2 * y + 1] = last + 1
          }
        }
      }
    }
    return spans
  }

  /// Solves the coarsest level to convergence: red-black successive over-relaxation of the same equations as
  /// the Jacobi sweeps (so the same fixed point), until no pixel moves by more than `tolerance` (or after
  /// `maxSweeps`, the Jacobi budget this replaces; SOR needs O(n) sweeps where Jacobi needs O(n²)).
  private func solveCoarsest(
    _ img: PlanarImage, _ unknown: PlanarImage, _ g: (PlanarImage, PlanarImage)?, data: PlanarImage?, maxSweeps: Int,
    tolerance: Float = 1e-7
  ) {
    let w = img.width, h = img.height
    let v = img.data, m = unknown.data, base = data?.data ?? img.data
    let gx = g?.0.data, gy = g?.1.data
    let n = Float(max(w, h))
    let omega = Float(2 / (1 + Foundation.sin(Double.pi / Double(max(n, 2)))))
    for _ in 0..<maxSweeps {
      var largest: Float = 0
      for colour in 0..<2 {
        for y in 0..<h {
          var x = (y + colour) & 1
          while x < w {
            let i = y * w + x
            if m[i] > 0 {
              let c = v[i]
              var l = x > 0 ? v[i - 1] : c, r = x < w - 1 ? v[i + 1] : c
              var up = y > 0 ? v[i - w] : c, dn = y < h - 1 ? v[i + w] : c
              if let gx, let gy {
                if x > 0 { l += gx[i - 1] }
                if x < w - 1 { r -= gx[i] }
                if y > 0 { up += gy[i - w] }
                if y < h - 1 { dn -= gy[i] }
              }
              let b = base[i]
              let delta = b + m[i] * (0.25 * (l + r + up + dn) - b) - c
              v[i] = c + omega * delta
              largest = max(largest, abs(delta))
            }
            x += 2
          }
        }
      }
      if largest <= tolerance { break }
    }
  }

  /// Sets unknown pixels to the known pixels' mean, weighted by knownness (a starting point at the coarsest
  /// level).
  private func seedWithKnownMean(_ v: PlanarImage, _ u: PlanarImage) {
    var sum: Float = 0, count: Float = 0
    for i in 0..<v.count where u.data[i] < 1 {
      sum += (1 - u.data[i]) * v.data[i]
      count += 1 - u.data[i]
    }
    let mean = count > 0 ? sum / count : 0
    for i in 0..<v.count where u.data[i] != 0 { v.data[i] = mean }
  }

  /// Jacobi sweeps (double-buffered, even count so the result ends in `v`) over each row's unknown span.
  private func relax(
    _ v: PlanarImage, _ u: PlanarImage, _ g: (PlanarImage, PlanarImage)?, sweeps: Int, tmp: PlanarImage, spans: [Int],
    data: PlanarImage?
  ) {
    let w = v.width, h = v.height
    let rows = (0..<h).filter { spans[2 * $0 + 1] > spans[2 * $0] }
    if rows.isEmpty { return }
    // Rows without unknown pixels are never written; the others keep their known pixels in both buffers.
    let r0 = max(0, rows.first! - 1), r1 = min(h, rows.last! + 2)
    PlanarImage.copyValues(from: v.data + r0 * w, to: tmp.data + r0 * w, count: (r1 - r0) * w)
    var a = v, b = tmp
    let total = sweeps + sweeps % 2
    rows.withUnsafeBufferPointer { rp in
      spans.withUnsafeBufferPointer { sp in
        let parallel = w * h >= Self.parallelPixels
        for _ in 0..<total {
          let src = a, dst = b
          let body = { (s: Int, e: Int) in
            for i in s..<e {
              let y = rp[i]
              JacobiSweep.rows(
                from: src, to: dst, unknown: u, gx: g?.0, gy: g?.1, y0: y, y1: y + 1, x0: sp[2 * y], x1: sp[2 * y + 1],
                data: data)
            }
          }
          if parallel { Parallel.forRanges(rp.count, minChunk: 16, body) } else { body(0, rp.count) }
          swap(&a, &b)
        }
      }
    }
  }

  /// Laplace Jacobi sweeps restricted to tiles (``bandTile``²) that hold unknown pixels and touch a tile with
  /// known ones; other unknown pixels keep their current (upsampled) values. Even count, result in `v`.
  private func relaxBand(_ v: PlanarImage, _ u: PlanarImage, sweeps: Int, tmp: PlanarImage, data: PlanarImage?) {
    let w = v.width, h = v.height, t = Self.bandTile
    let tw = (w + t - 1) / t, th = (h + t - 1) / t
    // Tile flags: bit 0 = has an unknown pixel, bit 1 = has a (partly) known pixel.
    var flags = [UInt8](repeating: 0, count: tw * th)
    flags.withUnsafeMutableBufferPointer { fp in
      let f = fp.baseAddress!
      Self.forRows(th, pixels: w * h) { s, e in
        for ty in s..<e {
          for y in (ty * t)..<min(h, ty * t + t) {
            let r = u.row(0, y)
            for tx in 0..<tw {
              let xa = tx * t, xb = min(w, xa + t)
              var x = xa
              var bits: UInt8 = 0
              while x + 8 <= xb {
                let m = SIMDLoad.load8(r + x)
                if LaneReduce.max(m) > 0 { bits |= 1 }
                if LaneReduce.min(m) < 1 { bits |= 2 }
                x += 8
              }
              while x < xb {
                bits |= (r[x] > 0 ? 1 : 0) | (r[x] < 1 ? 2 : 0)
                x += 1
              }
              f[ty * tw + tx] |= bits
            }
          }
        }
      }
    }
    // Active column ranges per tile row.
    var ranges: [(ty: Int, x0: Int, x1: Int)] = []
    for ty in 0..<th {
      var start = -1
      for tx in 0...tw {
        var active = false
        if tx < tw && flags[ty * tw + tx] & 1 != 0 {
          for dy in -1...1 where ty + dy >= 0 && ty + dy < th {
            for dx in -1...1 where tx + dx >= 0 && tx + dx < tw && flags[(ty + dy) * tw + tx + dx] & 2 != 0 {
              active = true
            }
          }
        }
        if active && start < 0 { start = tx }
        if !active && start >= 0 {
          ranges.append((ty, start * t, min(w, tx * t)))
          start = -1
        }
      }
    }
    if ranges.isEmpty { return }
    // The second buffer matches the first on each range and its one-pixel ring.
    for r in ranges {
      let xa = max(0, r.x0 - 1), xb = min(w, r.x1 + 1)
      for y in max(0, r.ty * t - 1)..<min(h, r.ty * t + t + 1) {
        (tmp.row(0, y) + xa).update(from: v.row(0, y) + xa, count: xb - xa)
      }
    }
    var a = v, b = tmp
    let total = sweeps + sweeps % 2
    let work = ranges.reduce(0) { $0 + ($1.x1 - $1.x0) * t }
    ranges.withUnsafeBufferPointer { rp in
      for _ in 0..<total {
        let src = a, dst = b
        let body = { (s: Int, e: Int) in
          for i in s..<e {
            let r = rp[i]
            JacobiSweep.rows(
              from: src, to: dst, unknown: u, gx: nil, gy: nil, y0: r.ty * t, y1: min(h, r.ty * t + t), x0: r.x0, x1: r.x1,
              data: data)
          }
        }
        if work >= Self.parallelPixels { Parallel.forRanges(rp.count, minChunk: 2, body) } else { body(0, rp.count) }
        swap(&a, &b)
      }
    }
  }
}
