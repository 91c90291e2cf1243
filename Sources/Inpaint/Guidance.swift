import Imaging

/// Guidance fields for ``PoissonFill``: forward differences of the known pixels, filled over unknown edges.
enum Guidance {
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
        for x in 0..<(w - 1) where ur[x] == 0 && ur[x + 1] == 0 {
          vx[x] = er[x + 1] - er[x]
          wx[x] = 1
        }
        if y + 1 < h {
          let en = e.row(0, y + 1), un = unknown.row(0, y + 1)
          for x in 0..<w where ur[x] == 0 && un[x] == 0 {
            vy[x] = en[x] - er[x]
            wy[x] = 1
          }
        }
      }
    }
    let gx = PlanarImage(width: w, height: h, channels: 1), gy = PlanarImage(width: w, height: h, channels: 1)
    let unknownEdges = PlanarImage(width: w, height: h, channels: 1)
    let membrane = PoissonFill(iterations: 24, coarsestSize: 16, guidanceSize: 0)
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
