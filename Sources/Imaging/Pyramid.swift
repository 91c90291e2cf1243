/// 2× down- and up-sampling for image pyramids.
///
/// Down: each coarse pixel is the mean of its (up to) 2×2 children; odd sizes round up (the last
/// row/column averages what exists). Up: bilinear with pixel-centre alignment, fine (x + 0.5)/2 − 0.5.
/// Layout: [C, H, W] in and out.
public enum Pyramid {
  /// Size of the next coarser level: ⌈n/2⌉.
  @inlinable public static func coarserSize(_ n: Int) -> Int { (n + 1) / 2 }

  /// Box 2×2 downsample to ⌈W/2⌉ × ⌈H/2⌉.
  public static func downsample2x(_ src: PlanarImage) -> PlanarImage {
    let out = PlanarImage(width: coarserSize(src.width), height: coarserSize(src.height), channels: src.channels)
    downsample2x(src, into: out)
    return out
  }

  /// Box 2×2 downsample into a preallocated ⌈W/2⌉ × ⌈H/2⌉ image.
  public static func downsample2x(_ src: PlanarImage, into dst: PlanarImage) {
    let w = src.width, h = src.height, cw = dst.width, ch = dst.height
    precondition(cw == coarserSize(w) && ch == coarserSize(h) && dst.channels == src.channels)
    Parallel.forRanges(src.channels * ch, minChunk: 8) { start, end in
      for row in start..<end {
        let c = row / ch, y = row % ch
        downsampleRows(src.row(c, 2 * y), src.row(c, min(2 * y + 1, h - 1)), width: w, into: dst.row(c, y))
      }
    }
  }

  /// One coarse row: d[x] = mean of r0/r1 at columns 2x, 2x+1 (the last column clamps); `d` holds ⌈w/2⌉.
  @inlinable
  public static func downsampleRows(
    _ r0: UnsafePointer<Float>, _ r1: UnsafePointer<Float>, width w: Int, into d: UnsafeMutablePointer<Float>
  ) {
    let cw = coarserSize(w), fullX = w / 2
    var x = 0
    while x + 8 <= fullX {
      let s0 = SIMDLoad.load8(r0 + 2 * x) + SIMDLoad.load8(r1 + 2 * x)
      let s1 = SIMDLoad.load8(r0 + 2 * x + 8) + SIMDLoad.load8(r1 + 2 * x + 8)
      let even = SIMD8<Float>(s0[0], s0[2], s0[4], s0[6], s1[0], s1[2], s1[4], s1[6])
      let odd = SIMD8<Float>(s0[1], s0[3], s0[5], s0[7], s1[1], s1[3], s1[5], s1[7])
      SIMDLoad.store8((even + odd) * 0.25, d + x)
      x += 8
    }
    while x < cw {
      let x0 = 2 * x, x1 = min(2 * x + 1, w - 1)
      d[x] = (r0[x0] + r0[x1] + r1[x0] + r1[x1]) * 0.25
      x += 1
    }
  }

  /// Bilinear 2× upsample of `src` to `width × height` (normally 2W or 2W − 1 and likewise for H).
  public static func upsample2x(_ src: PlanarImage, width: Int, height: Int) -> PlanarImage {
    let out = PlanarImage(width: width, height: height, channels: src.channels)
    upsample2x(src, into: out)
    return out
  }

  /// Bilinear 2× upsample into a preallocated image (any size close to 2× works; coordinates scale by ½).
  public static func upsample2x(_ src: PlanarImage, into dst: PlanarImage) {
    precondition(src.channels == dst.channels)
    let exact = coarserSize(dst.width) == src.width && coarserSize(dst.height) == src.height
    if !exact || src.width < 2 {
      BilinearResize.apply(src, into: dst, scaleX: 0.5, scaleY: 0.5)
      return
    }
    for c in 0..<src.channels {
      upsamplePlane(src.plane(c), width: src.width, height: src.height, into: dst.plane(c), width: dst.width, height: dst.height)
    }
  }

  /// One fine row of the exact 2× bilinear upsample from coarse rows `a` (nearest, weight ¾) and `b`
  /// (weight ¼): fine 2i = ¼·v[i−1] + ¾·v[i], 2i+1 = ¾·v[i] + ¼·v[i+1] with v = ¾·a + ¼·b, edges clamped.
  /// `scratch` holds cw + 2 floats.
  @inlinable
  public static func upsampleRow(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, coarseWidth cw: Int, into d: UnsafeMutablePointer<Float>,
    fineWidth fw: Int, scratch v: UnsafeMutablePointer<Float>
  ) {
    var x = 0
    while x + 8 <= cw {
      SIMDLoad.store8(0.75 * SIMDLoad.load8(a + x) + 0.25 * SIMDLoad.load8(b + x), v + 1 + x)
      x += 8
    }
    while x < cw { v[1 + x] = 0.75 * a[x] + 0.25 * b[x]; x += 1 }
    v[0] = v[1]
    v[cw + 1] = v[cw]
    var i = 0
    while i + 8 <= cw && 2 * i + 16 <= fw {
      let l = SIMDLoad.load8(v + i), m = SIMDLoad.load8(v + i + 1), r = SIMDLoad.load8(v + i + 2)
      let even = 0.25 * l + 0.75 * m, odd = 0.75 * m + 0.25 * r
      let lo = SIMD8<Float>(even[0], odd[0], even[1], odd[1], even[2], odd[2], even[3], odd[3])
      let hi = SIMD8<Float>(even[4], odd[4], even[5], odd[5], even[6], odd[6], even[7], odd[7])
      SIMDLoad.store8(lo, d + 2 * i)
      SIMDLoad.store8(hi, d + 2 * i + 8)
      i += 8
    }
    while 2 * i < fw {
      d[2 * i] = 0.25 * v[i] + 0.75 * v[i + 1]
      if 2 * i + 1 < fw { d[2 * i + 1] = 0.75 * v[i + 1] + 0.25 * v[i + 2] }
      i += 1
    }
  }

  /// Exact 2× bilinear upsample of one plane ([H, W] → [fh, fw] with ⌈fw/2⌉ = W, ⌈fh/2⌉ = H, W ≥ 2):
  /// fine 2i = ¼·c[i−1] + ¾·c[i], fine 2i+1 = ¾·c[i] + ¼·c[i+1] (edges clamp), on both axes.
  public static func upsamplePlane(
    _ src: UnsafePointer<Float>, width cw: Int, height chh: Int, into dst: UnsafeMutablePointer<Float>, width fw: Int,
    height fh: Int
  ) {
    precondition(coarserSize(fw) == cw && coarserSize(fh) == chh && cw >= 2, "upsamplePlane needs an exact 2× size")
    Parallel.forRanges(fh, minChunk: 8) { start, end in
      let v = UnsafeMutablePointer<Float>.allocate(capacity: cw + 2)
      defer { v.deallocate() }
      for y in start..<end {
        let iy = y / 2
        let ny = y % 2 == 0 ? max(iy - 1, 0) : min(iy + 1, chh - 1)
        let a = src + iy * cw, b = src + ny * cw
        let d = dst + y * fw
        upsampleRow(a, b, coarseWidth: cw, into: d, fineWidth: fw, scratch: v)
      }
    }
  }
}
