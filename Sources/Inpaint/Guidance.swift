import Imaging

/// Guidance fields for ``PoissonFill``: forward differences of the known pixels, filled over unknown edges.
enum Guidance {
  /// gx = right − left and gy = down − up where both pixels are known (each step through ``bounded(_:_:)``),
  /// extended over the other edges by membrane (Laplace) interpolation, which continues a linear gradient field
  /// exactly (so a paraboloid dome is rebuilt exactly); 0 on the last column (gx) / row (gy). Returns [1, H, W]
  /// planes owned by `scratch` (valid until its next use). The two membrane solves run concurrently when there
  /// are workers for them.
  static func estimate(
    _ e: PlanarImage, _ unknown: PlanarImage, maxStep: Float = .infinity, scratch: ScratchImages
  ) -> (PlanarImage, PlanarImage) {
    let w = e.width, h = e.height
    let gx = scratch.image(0, width: w, height: h), gy = scratch.image(1, width: w, height: h)
    // Unknown-edge masks: 0 where both ends are known, else 1.
    let ux = scratch.image(2, width: w, height: h), uy = scratch.image(3, width: w, height: h)
    for y in 0..<h {
      let er = e.row(0, y), ur = unknown.row(0, y)
      let vx = gx.row(0, y), vy = gy.row(0, y), mx = ux.row(0, y), my = uy.row(0, y)
      for x in 0..<(w - 1) {
        let known = ur[x] == 0 && ur[x + 1] == 0
        vx[x] = known ? bounded(er[x + 1] - er[x], maxStep) : 0
        mx[x] = known ? 0 : 1
      }
      vx[w - 1] = 0
      mx[w - 1] = 1
      if y + 1 < h {
        let en = e.row(0, y + 1), un = unknown.row(0, y + 1)
        for x in 0..<w {
          let known = ur[x] == 0 && un[x] == 0
          vy[x] = known ? bounded(en[x] - er[x], maxStep) : 0
          my[x] = known ? 0 : 1
        }
      } else {
        vy.update(repeating: 0, count: w)
        my.update(repeating: 1, count: w)
      }
    }
    let planes = [(gx, ux, scratch.child(10)), (gy, uy, scratch.child(11))]
    let membrane = { (i: Int) in
      let (g, u, s) = planes[i]
      PoissonFill(iterations: 24, coarsestSize: 16, guidanceSize: 0, scratch: s).solve(values: g, unknown: u)
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

  /// Edges leaving the image carry no guidance.
  static func zeroLastEdges(_ gx: PlanarImage, _ gy: PlanarImage) {
    for y in 0..<gx.height { gx.row(0, y)[gx.width - 1] = 0 }
    gy.row(0, gy.height - 1).update(repeating: 0, count: gy.width)
  }
}
