import VectorMath
/// Separable square filters done in one pass over memory: for each output row, the vertical pass runs into a
/// row buffer (kept in L1) and the horizontal pass reads it, so the intermediate image never exists.
///
/// Results: min/max (``Morphology``) are bit-identical to the two-pass kernels (the extremum of a square does
/// not depend on the order); the Gaussian sums vertically first, so it differs from ``GaussianBlur`` by
/// rounding only (≈ 1e-7 relative). Edges replicate. `src` and `dst` must be distinct images of one shape
/// (every output row reads 2r + 1 source rows). An optional `rowEpilogue` runs on each finished row
/// (plane, y, pointer) while it is still in cache. Rows are split over ``Parallel``. Layout: [C, H, W].
public enum SquareFilter {
  public typealias V = SIMD8<Float>
  /// Called with (plane, y, row pointer) after a destination row is written.
  public typealias RowEpilogue = (Int, Int, UnsafeMutablePointer<Float>) -> Void

  /// (2r+1)² erosion or dilation of `src` into `dst` (distinct images); r = 0 copies.
  public static func morphology(
    _ op: Morphology.Operation, _ src: PlanarImage, radius r: Int, into dst: PlanarImage,
    rowEpilogue: RowEpilogue? = nil
  ) {
    precondition(src.hasSameShape(as: dst) && src !== dst, "SquareFilter needs distinct images of one shape")
    precondition(r >= 0, "SquareFilter radius must be ≥ 0")
    let isMax = op == .dilate
    let w = src.width, h = src.height
    rows(src, dst, pad: r, epilogue: rowEpilogue) { plane, y, buf, d in
      extremumRow(plane, width: w, height: h, y: y, radius: r, isMax: isMax, buffer: buf, into: d)
    }
  }

  /// Separable Gaussian (weights from ``GaussianBlur/weights(sigma:radius:)``) of `src` into `dst` (distinct).
  public static func gaussian(
    _ src: PlanarImage, sigma: Float, radius r: Int, into dst: PlanarImage, rowEpilogue: RowEpilogue? = nil
  ) {
    precondition(src.hasSameShape(as: dst) && src !== dst, "SquareFilter needs distinct images of one shape")
    precondition(r >= 0 && sigma > 0, "SquareFilter needs r ≥ 0, σ > 0")
    let weights = GaussianBlur.weights(sigma: sigma, radius: r)
    let w = src.width, h = src.height
    weights.withUnsafeBufferPointer { kb in
      let k = kb.baseAddress!
      rows(src, dst, pad: r, epilogue: rowEpilogue) { plane, y, buf, d in
        gaussianRow(plane, width: w, height: h, y: y, kernel: k, radius: r, buffer: buf, into: d)
      }
    }
  }

  /// Drives a row kernel: for every (plane, y) calls `body(plane base, y, row buffer, dst row)`, then the
  /// epilogue.
  @inline(__always)
  static func rows(
    _ src: PlanarImage, _ dst: PlanarImage, pad r: Int, epilogue: RowEpilogue?,
    _ body: (UnsafePointer<Float>, Int, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void
  ) {
    let w = src.width, h = src.height
    Parallel.forRanges(src.channels * h, minChunk: 8) { start, end in
      let buf = UnsafeMutablePointer<Float>.allocate(capacity: w + 2 * r + 8)
      defer { buf.deallocate() }
      for row in start..<end {
        let c = row / h, y = row % h
        let d = dst.row(c, y)
        body(src.plane(c), y, buf, d)
        epilogue?(c, y, d)
      }
    }
  }

  /// One output row of a (2r+1)² erosion/dilation: rows max(y − r, 0)...min(y + r, h − 1) of `plane` ([h, w]),
  /// then 2r + 1 columns with edge replication, into `d`. `buffer` holds at least w + 2r + 8 floats.
  @inlinable
  public static func extremumRow(
    _ plane: UnsafePointer<Float>, width w: Int, height h: Int, y: Int, radius r: Int, isMax: Bool,
    buffer buf: UnsafeMutablePointer<Float>, into d: UnsafeMutablePointer<Float>
  ) {
    let y0 = Swift.max(y - r, 0), y1 = Swift.min(y + r, h - 1)
    let b = buf + r
    var x = 0
    while x + 8 <= w {
      var acc = SIMDLoad.load8(plane + y0 * w + x)
      var yy = y0 + 1
      if isMax {
        while yy <= y1 { acc = SIMDMath.max(acc, SIMDLoad.load8(plane + yy * w + x)); yy += 1 }
      } else {
        while yy <= y1 { acc = SIMDMath.min(acc, SIMDLoad.load8(plane + yy * w + x)); yy += 1 }
      }
      SIMDLoad.store8(acc, b + x)
      x += 8
    }
    while x < w {
      var acc = plane[y0 * w + x]
      for yy in y0...y1 { acc = isMax ? Swift.max(acc, plane[yy * w + x]) : Swift.min(acc, plane[yy * w + x]) }
      b[x] = acc
      x += 1
    }
    if r == 0 {
      d.update(from: b, count: w)
      return
    }
    for i in 0..<r {
      buf[i] = b[0]
      b[w + i] = b[w - 1]
    }
    x = 0
    while x + 8 <= w {
      var acc = SIMDLoad.load8(buf + x)
      var k = 1
      if isMax {
        while k <= 2 * r { acc = SIMDMath.max(acc, SIMDLoad.load8(buf + x + k)); k += 1 }
      } else {
        while k <= 2 * r { acc = SIMDMath.min(acc, SIMDLoad.load8(buf + x + k)); k += 1 }
      }
      SIMDLoad.store8(acc, d + x)
      x += 8
    }
    while x < w {
      var acc = buf[x]
      for k in 1...(2 * r) { acc = isMax ? Swift.max(acc, buf[x + k]) : Swift.min(acc, buf[x + k]) }
      d[x] = acc
      x += 1
    }
  }

  /// One output row of a separable Gaussian with normalised weights `k[0...2r]`: vertical weighted sum over
  /// rows y − r...y + r (clamped), then horizontal with edge replication, into `d`. `buffer` holds at least
  /// w + 2r + 8 floats.
  @inlinable
  public static func gaussianRow(
    _ plane: UnsafePointer<Float>, width w: Int, height h: Int, y: Int, kernel k: UnsafePointer<Float>, radius r: Int,
    buffer buf: UnsafeMutablePointer<Float>, into d: UnsafeMutablePointer<Float>
  ) {
    let b = buf + r
    var x = 0
    while x + 8 <= w {
      var acc = V(repeating: 0)
      for t in 0...(2 * r) {
        let yy = Swift.min(Swift.max(y + t - r, 0), h - 1)
        acc += SIMDLoad.load8(plane + yy * w + x) * k[t]
      }
      SIMDLoad.store8(acc, b + x)
      x += 8
    }
    while x < w {
      var acc: Float = 0
      for t in 0...(2 * r) { acc += plane[Swift.min(Swift.max(y + t - r, 0), h - 1) * w + x] * k[t] }
      b[x] = acc
      x += 1
    }
    for i in 0..<r {
      buf[i] = b[0]
      b[w + i] = b[w - 1]
    }
    x = 0
    while x + 8 <= w {
      var acc = SIMDLoad.load8(buf + x) * k[0]
      var t = 1
      while t <= 2 * r { acc += SIMDLoad.load8(buf + x + t) * k[t]; t += 1 }
      SIMDLoad.store8(acc, d + x)
      x += 8
    }
    while x < w {
      var acc: Float = 0
      for t in 0...(2 * r) { acc += buf[x + t] * k[t] }
      d[x] = acc
      x += 1
    }
  }

  /// Whether any of the `n` floats at `p` is > 0.
  @inlinable
  public static func anyPositive(_ p: UnsafePointer<Float>, count n: Int) -> Bool {
    var acc = V(repeating: 0)
    var x = 0
    while x + 8 <= n {
      acc = SIMDMath.max(acc, SIMDLoad.load8(p + x))
      x += 8
    }
    var m = acc.max()
    while x < n { m = Swift.max(m, p[x]); x += 1 }
    return m > 0
  }
}
