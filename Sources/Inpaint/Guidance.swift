import Imaging

/// Guidance fields for ``PoissonFill``: forward differences of the known pixels, filled over unknown edges.
enum Guidance {
  /// gx = right − left and gy = down − up where both pixels are known (each step the median of the known
  /// steps within ±2 along its direction, through ``bounded(_:_:)``), extended over the other edges by membrane
  /// (Laplace) interpolation, which continues a linear gradient field exactly (so a paraboloid dome is rebuilt
  /// up to the one-sided medians beside its boundary); an edge between partly known pixels (a coarse level's mask) is known by the product of their
  /// knownness; 0 on the last column (gx) / row (gy). Returns [1, H, W]
  /// planes owned by `scratch` (valid until its next use). The two membrane solves run concurrently when there
  /// are workers for them.
  static func estimate(
    _ e: PlanarImage, _ unknown: PlanarImage, maxStep: Float = .infinity, scratch: ScratchImages
  ) -> (PlanarImage, PlanarImage) {
    let w = e.width, h = e.height
    let gx = scratch.image(0, width: w, height: h), gy = scratch.image(1, width: w, height: h)
    // Unknown-edge masks: 0 where both ends are known, else 1.
    let ux = scratch.image(2, width: w, height: h), uy = scratch.image(3, width: w, height: h)
    // Raw steps and their knownness (the product of the two pixels').
    let rx = scratch.image(4, width: w, height: h), ry = scratch.image(5, width: w, height: h)
    for y in 0..<h {
      let er = e.row(0, y), ur = unknown.row(0, y)
      let vx = rx.row(0, y), vy = ry.row(0, y), mx = ux.row(0, y), my = uy.row(0, y)
      for x in 0..<(w - 1) {
        let known = (1 - ur[x]) * (1 - ur[x + 1])
        vx[x] = er[x + 1] - er[x]
        mx[x] = 1 - known
      }
      vx[w - 1] = 0
      mx[w - 1] = 1
      if y + 1 < h {
        let en = e.row(0, y + 1), un = unknown.row(0, y + 1)
        for x in 0..<w {
          vy[x] = en[x] - er[x]
          my[x] = 1 - (1 - ur[x]) * (1 - un[x])
        }
      } else {
        vy.update(repeating: 0, count: w)
        my.update(repeating: 1, count: w)
      }
    }
    // Each known step is replaced by the median of the known steps within ±2 along its direction, then
    // bounded: a halo's steps agree with their neighbours, while an object's edge, even blurred over two
    // pixels, is one or two outliers among flat steps and drops out (at the sub-pixel phases where its blur
    // straddled two steps of under twice the bound, the bound alone kept it). Beside an unknown region the
    // window is one-sided; a window as wide as is known on both sides (exact on a dome's linear run of steps)
    // let the edges that matter most, those next to the clipped region, through.
    var window = [Float](repeating: 0, count: 5)
    for y in 0..<h {
      let vx = gx.row(0, y), vy = gy.row(0, y), mx = ux.row(0, y), my = uy.row(0, y), sx = rx.row(0, y)
      for x in 0..<w {
        if mx[x] < 1 {
          var n = 0
          for i in max(0, x - 2)...min(w - 1, x + 2) where mx[i] < 1 {
            window[n] = sx[i]
            n += 1
          }
          vx[x] = bounded(median(&window, n), maxStep)
        } else {
          vx[x] = 0
        }
        if my[x] < 1 {
          var n = 0
          for j in max(0, y - 2)...min(h - 1, y + 2) where uy[0, j, x] < 1 {
            window[n] = ry[0, j, x]
            n += 1
          }
          vy[x] = bounded(median(&window, n), maxStep)
        } else {
          vy[x] = 0
        }
      }
    }
    let planes = [(gx, ux, scratch.child(10)), (gy, uy, scratch.child(11))]
    let membrane = { (i: Int) in
      let (g, u, s) = planes[i]
      PoissonFill(iterations: 24, coarsestSize: 16, guidanceSize: 0, softInput: true, scratch: s).solve(values: g, unknown: u)
    }
    if Parallel.workers >= 2 {
      Parallel.concurrentPerform(iterations: 2, membrane)
    } else {
      membrane(0)
      membrane(1)
    }
    zeroLastEdges(gx, gy)
    return (gx, gy)
  }

  /// A known step as guidance: kept up to `maxStep`, faded out above it, 0 from twice it on. A halo rises in
  /// small steps; a larger one is an object's edge, which is not a slope to continue. Clamping it to `maxStep`
  /// instead made every edge along a blown region push the fill up at the full bound, by an amount that
  /// followed the edge's sub-pixel phase: a panning shot's sky pumped from frame to frame.
  @inline(__always)
  static func bounded(_ d: Float, _ maxStep: Float) -> Float {
    let a = abs(d)
    return a <= maxStep ? d : d * max(0, 2 - a / maxStep)
  }

  /// The median of `v[0..<n]` (n ≥ 1; sorts that prefix; the mean of the middle two when n is even).
  @inline(__always)
  static func median(_ v: inout [Float], _ n: Int) -> Float {
    for i in 1..<max(n, 1) {
      let a = v[i]
      var j = i - 1
      while j >= 0 && v[j] > a { v[j + 1] = v[j]; j -= 1 }
      v[j + 1] = a
    }
    return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2])
  }

  /// Edges leaving the image carry no guidance.
  static func zeroLastEdges(_ gx: PlanarImage, _ gy: PlanarImage) {
    for y in 0..<gx.height { gx.row(0, y)[gx.width - 1] = 0 }
    gy.row(0, gy.height - 1).update(repeating: 0, count: gy.width)
  }
}
