/// Bilinear resampling with pixel-centre alignment and edge clamping.
///
/// Source coordinate of destination pixel x is (x + 0.5)·scale − 0.5, clamped to the image; no
/// prefiltering, so large reductions alias (use ``Pyramid`` first). Layout: [C, H, W] in and out.
public enum BilinearResize {
  /// Resizes `src` to `width × height`.
  public static func resize(_ src: PlanarImage, width: Int, height: Int) -> PlanarImage {
    let out = PlanarImage(width: width, height: height, channels: src.channels)
    apply(src, into: out)
    return out
  }

  /// Resizes `src` into `dst` with the scale given by the two sizes.
  public static func apply(_ src: PlanarImage, into dst: PlanarImage) {
    apply(
      src, into: dst, scaleX: Float(src.width) / Float(dst.width), scaleY: Float(src.height) / Float(dst.height))
  }

  /// The two source samples and the weight of the second for destination index `i`: source coordinate
  /// (i + 0.5)·scale − 0.5 clamped to [0, size − 1] (pixel centres, edges clamped; PyTorch's
  /// `align_corners=False`).
  @inlinable
  public static func sourceTap(_ i: Int, scale: Float, size: Int) -> (i0: Int, i1: Int, f: Float) {
    let s = min(max((Float(i) + 0.5) * scale - 0.5, 0), Float(size - 1))
    let i0 = min(Int(s), size - 1)
    return (i0, min(i0 + 1, size - 1), s - Float(i0))
  }

  /// Resizes with explicit source-per-destination scales.
  public static func apply(_ src: PlanarImage, into dst: PlanarImage, scaleX: Float, scaleY: Float) {
    precondition(src.channels == dst.channels, "BilinearResize needs equal channel counts")
    let sw = src.width, sh = src.height, dw = dst.width, dh = dst.height
    // Per-column source indices and weights, shared by all rows.
    let x0 = UnsafeMutablePointer<Int32>.allocate(capacity: dw)
    let x1 = UnsafeMutablePointer<Int32>.allocate(capacity: dw)
    let fx = UnsafeMutablePointer<Float>.allocate(capacity: dw)
    defer { x0.deallocate(); x1.deallocate(); fx.deallocate() }
    for x in 0..<dw {
      let t = sourceTap(x, scale: scaleX, size: sw)
      x0[x] = Int32(t.i0)
      x1[x] = Int32(t.i1)
      fx[x] = t.f
    }
    Parallel.forRanges(src.channels * dh, minChunk: 8) { start, end in
      let tmp = UnsafeMutablePointer<Float>.allocate(capacity: sw + 8)
      defer { tmp.deallocate() }
      for row in start..<end {
        let c = row / dh, y = row % dh
        let (iy, iy1, fy) = sourceTap(y, scale: scaleY, size: sh)
        let r0 = src.row(c, iy), r1 = src.row(c, iy1)
        // Vertical lerp of the two source rows (SIMD), then horizontal gather-lerp.
        var x = 0
        while x + 8 <= sw {
          let a = SIMDLoad.load8(r0 + x), b = SIMDLoad.load8(r1 + x)
          SIMDLoad.store8(a + (b - a) * fy, tmp + x)
          x += 8
        }
        while x < sw { tmp[x] = r0[x] + (r1[x] - r0[x]) * fy; x += 1 }
        let d = dst.row(c, y)
        for x in 0..<dw {
          let a = tmp[Int(x0[x])], b = tmp[Int(x1[x])]
          d[x] = a + (b - a) * fx[x]
        }
      }
    }
  }
}
