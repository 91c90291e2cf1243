/// Separable box blur of every plane with edge replication: a (2r+1)×(2r+1) mean.
///
/// Horizontal pass: SIMD sum of 2r+1 shifted loads on an edge-padded row. Vertical pass: running column sums
/// (O(1) per pixel in r), vectorised across x. Rows are split over ``Parallel``. Layout: [C, H, W] in and out.
public enum BoxBlur {
  /// Blurs `src` into `dst` (same shape; may be the same image). `scratch` (same shape) avoids an allocation.
  /// - Parameters:
  ///   - radius: half-width r ≥ 0; the window is (2r+1)×(2r+1). r = 0 copies.
  public static func apply(_ src: PlanarImage, radius: Int, into dst: PlanarImage, scratch: PlanarImage? = nil) {
    precondition(src.hasSameShape(as: dst), "BoxBlur needs equal shapes")
    precondition(radius >= 0, "BoxBlur radius must be ≥ 0")
    if radius == 0 {
      if src !== dst { dst.assign(from: src) }
      return
    }
    let tmp = scratch ?? PlanarImage(width: src.width, height: src.height, channels: src.channels)
    precondition(tmp.hasSameShape(as: src) && tmp !== src && tmp !== dst, "BoxBlur scratch must be distinct")
    horizontal(src, radius: radius, into: tmp)
    vertical(tmp, radius: radius, into: dst)
  }

  /// Horizontal (2r+1)-tap mean of each row.
  static func horizontal(_ src: PlanarImage, radius r: Int, into dst: PlanarImage) {
    let w = src.width, h = src.height
    let norm = 1 / Float(2 * r + 1)
    Parallel.forRanges(src.channels * h, minChunk: 16) { start, end in
      let pad = UnsafeMutablePointer<Float>.allocate(capacity: w + 2 * r + 8)
      defer { pad.deallocate() }
      for row in start..<end {
        let s = src.data + row * w, d = dst.data + row * w
        RowPadding.fill(pad, from: s, width: w, radius: r)
        var x = 0
        while x + 8 <= w {
          var acc = SIMDLoad.load8(pad + x)
          for k in 1...(2 * r) { acc += SIMDLoad.load8(pad + x + k) }
          SIMDLoad.store8(acc * norm, d + x)
          x += 8
        }
        while x < w {
          var acc: Float = 0
          for k in 0...(2 * r) { acc += pad[x + k] }
          d[x] = acc * norm
          x += 1
        }
      }
    }
  }

  /// Vertical (2r+1)-tap mean by running column sums; rows clamp to the image.
  static func vertical(_ src: PlanarImage, radius r: Int, into dst: PlanarImage) {
    let w = src.width, h = src.height
    let norm = 1 / Float(2 * r + 1)
    for c in 0..<src.channels {
      let sp = src.plane(c), dp = dst.plane(c)
      Parallel.forRanges(h, minChunk: 8) { start, end in
        let acc = UnsafeMutablePointer<Float>.allocate(capacity: w)
        defer { acc.deallocate() }
        acc.initialize(repeating: 0, count: w)
        // Window sum for the first row of the chunk.
        for k in (start - r)...(start + r) { addRow(acc, sp + min(max(k, 0), h - 1) * w, w, 1) }
        for y in start..<end {
          let d = dp + y * w
          var x = 0
          while x + 8 <= w {
            SIMDLoad.store8(SIMDLoad.load8(acc + x) * norm, d + x)
            x += 8
          }
          while x < w { d[x] = acc[x] * norm; x += 1 }
          if y + 1 < end {
            addRow(acc, sp + min(y + r + 1, h - 1) * w, w, 1)
            addRow(acc, sp + max(y - r, 0) * w, w, -1)
          }
        }
      }
    }
  }

  /// acc += sign · row.
  @inline(__always)
  static func addRow(_ acc: UnsafeMutablePointer<Float>, _ row: UnsafePointer<Float>, _ w: Int, _ sign: Float) {
    var x = 0
    while x + 8 <= w {
      SIMDLoad.store8(SIMDLoad.load8(acc + x) + sign * SIMDLoad.load8(row + x), acc + x)
      x += 8
    }
    while x < w { acc[x] += sign * row[x]; x += 1 }
  }
}
