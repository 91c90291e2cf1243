import VectorMath
/// Grey-level morphology with a (2r+1)×(2r+1) square: separable min (erosion) and max (dilation).
///
/// Each pass is a direct SIMD min/max over 2r+1 shifted loads (edge replication), rows split over
/// ``Parallel``; cost O(r) per pixel, which is cheapest for the small radii masks use. Layout: [C, H, W].
public enum Morphology {
  /// Which extremum a pass takes.
  public enum Operation: Sendable {
    /// Minimum filter (erosion).
    case erode
    /// Maximum filter (dilation).
    case dilate
  }

  /// Erodes or dilates `src` into `dst` (same shape; may be the same image).
  public static func apply(
    _ op: Operation, _ src: PlanarImage, radius: Int, into dst: PlanarImage, scratch: PlanarImage? = nil
  ) {
    precondition(src.hasSameShape(as: dst), "Morphology needs equal shapes")
    precondition(radius >= 0, "Morphology radius must be ≥ 0")
    if radius == 0 {
      if src !== dst { dst.assign(from: src) }
      return
    }
    let tmp = scratch ?? PlanarImage(width: src.width, height: src.height, channels: src.channels)
    precondition(tmp.hasSameShape(as: src) && tmp !== src && tmp !== dst, "Morphology scratch must be distinct")
    let isMax = op == .dilate
    horizontal(src, radius: radius, isMax: isMax, into: tmp)
    vertical(tmp, radius: radius, isMax: isMax, into: dst)
  }

  /// Closing (dilate then erode): fills holes and gaps narrower than the square.
  public static func close(_ src: PlanarImage, radius: Int, into dst: PlanarImage, scratch: PlanarImage? = nil) {
    let tmp = scratch ?? PlanarImage(width: src.width, height: src.height, channels: src.channels)
    apply(.dilate, src, radius: radius, into: dst, scratch: tmp)
    apply(.erode, dst, radius: radius, into: dst, scratch: tmp)
  }

  /// Opening (erode then dilate): removes specks smaller than the square.
  public static func open(_ src: PlanarImage, radius: Int, into dst: PlanarImage, scratch: PlanarImage? = nil) {
    let tmp = scratch ?? PlanarImage(width: src.width, height: src.height, channels: src.channels)
    apply(.erode, src, radius: radius, into: dst, scratch: tmp)
    apply(.dilate, dst, radius: radius, into: dst, scratch: tmp)
  }

  static func horizontal(_ src: PlanarImage, radius r: Int, isMax: Bool, into dst: PlanarImage) {
    let w = src.width
    Parallel.forRanges(src.channels * src.height, minChunk: 16) { start, end in
      let pad = UnsafeMutablePointer<Float>.allocate(capacity: w + 2 * r + 8)
      defer { pad.deallocate() }
      for row in start..<end {
        let s = src.data + row * w, d = dst.data + row * w
        RowPadding.fill(pad, from: s, width: w, radius: r)
        var x = 0
        while x + 8 <= w {
          var acc = SIMDLoad.load8(pad + x)
          if isMax {
            for k in 1...(2 * r) { acc = SIMDMath.max(acc, SIMDLoad.load8(pad + x + k)) }
          } else {
            for k in 1...(2 * r) { acc = SIMDMath.min(acc, SIMDLoad.load8(pad + x + k)) }
          }
          SIMDLoad.store8(acc, d + x)
          x += 8
        }
        while x < w {
          var acc = pad[x]
          for k in 1...(2 * r) { acc = isMax ? max(acc, pad[x + k]) : min(acc, pad[x + k]) }
          d[x] = acc
          x += 1
        }
      }
    }
  }

  static func vertical(_ src: PlanarImage, radius r: Int, isMax: Bool, into dst: PlanarImage) {
    let w = src.width, h = src.height
    Parallel.forRanges(src.channels * h, minChunk: 16) { start, end in
      for row in start..<end {
        let c = row / h, y = row % h
        let sp = src.plane(c), d = dst.row(c, y)
        let y0 = max(y - r, 0), y1 = min(y + r, h - 1)
        var x = 0
        while x + 8 <= w {
          var acc = SIMDLoad.load8(sp + y0 * w + x)
          if y1 > y0 {
            if isMax {
              for yy in (y0 + 1)...y1 { acc = SIMDMath.max(acc, SIMDLoad.load8(sp + yy * w + x)) }
            } else {
              for yy in (y0 + 1)...y1 { acc = SIMDMath.min(acc, SIMDLoad.load8(sp + yy * w + x)) }
            }
          }
          SIMDLoad.store8(acc, d + x)
          x += 8
        }
        while x < w {
          var acc = sp[y0 * w + x]
          for yy in y0...y1 { acc = isMax ? max(acc, sp[yy * w + x]) : min(acc, sp[yy * w + x]) }
          d[x] = acc
          x += 1
        }
      }
    }
  }
}
