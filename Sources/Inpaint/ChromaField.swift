import Imaging

/// Local chroma ratios k_c = R, G or B / (R + G + B) learned on unclipped highlight pixels and spread over
/// clipped regions by push-pull (``PushPull``), darktable "inpaint opposed" style but local.
///
/// Data pixels: no channel clipped, weighted by ramp(max channel, 0.5·clip → 0.9·clip) · (R + G + B)/3, so the
/// bright ring around each clipped region dominates. Estimated at half resolution over the crop `box`
/// ([3, ⌈h/2⌉, ⌈w/2⌉]) and sampled bilinearly per full-resolution pixel; ratios are renormalised to sum 1,
/// neutral (⅓) where the sum vanishes.
final class ChromaField {
  /// Filled ratios [3, h, w] at half resolution over the crop.
  let ratios: PlanarImage
  let scale: Int
  let originX: Int, originY: Int

  /// Estimates the field from `image` ([3, H, W] linear) inside `box`.
  init(image: PlanarImage, clip: Float, box: PixelBox) {
    let w = box.width, h = box.height
    originX = box.x0
    originY = box.y0
    let ox = box.x0, oy = box.y0
    let s = (w >= 16 && h >= 16) ? 2 : 1
    scale = s
    let cw = (w + s - 1) / s, ch = (h + s - 1) / s
    let values = PlanarImage(width: cw, height: ch, channels: 3)
    let weights = PlanarImage(width: cw, height: ch, channels: 1)
    let lo = 0.5 * clip, invSpan = 1 / (0.4 * clip)
    Parallel.forRanges(ch, minChunk: 4) { start, end in
      // Full-resolution premultiplied rows (R·ω, G·ω, B·ω, ω) for the two source rows.
      let rows = UnsafeMutablePointer<Float>.allocate(capacity: 8 * w + 16)
      defer { rows.deallocate() }
      for y in start..<end {
        for k in 0..<s {
          let fy = min(s * y + k, h - 1) + oy
          let r = image.row(0, fy) + ox, g = image.row(1, fy) + ox, b = image.row(2, fy) + ox
          let base = rows + k * 4 * w
          var x = 0
          while x < w {
            let n = min(8, w - x)
            var rv = SIMD8<Float>(repeating: 0), gv = rv, bv = rv
            if n == 8 {
              rv = SIMDLoad.load8(r + x); gv = SIMDLoad.load8(g + x); bv = SIMDLoad.load8(b + x)
            } else {
              for i in 0..<n { rv[i] = r[x + i]; gv[i] = g[x + i]; bv[i] = b[x + i] }
            }
            rv = SIMDMath.max(rv, .zero); gv = SIMDMath.max(gv, .zero); bv = SIMDMath.max(bv, .zero)
            let m = SIMDMath.max(rv, SIMDMath.max(gv, bv))
            var ramp = SIMDMath.clamp((m - lo) * invSpan, 0, 1)
            ramp = ramp.replacing(with: 0, where: m .>= clip)
            let wr = ramp * (1.0 / 3)
            let pr = wr * rv, pg = wr * gv, pb = wr * bv, pw = wr * (rv + gv + bv)
            if n == 8 {
              SIMDLoad.store8(pr, base + x)
              SIMDLoad.store8(pg, base + w + x)
              SIMDLoad.store8(pb, base + 2 * w + x)
              SIMDLoad.store8(pw, base + 3 * w + x)
            } else {
              for i in 0..<n {
                base[x + i] = pr[i]
                base[w + x + i] = pg[i]
                base[2 * w + x + i] = pb[i]
                base[3 * w + x + i] = pw[i]
              }
            }
            x += 8
          }
        }
        for p in 0..<4 {
          let d = p < 3 ? values.row(p, y) : weights.row(0, y)
          if s == 1 {
            d.update(from: rows + p * w, count: w)
          } else {
            Pyramid.downsampleRows(rows + p * w, rows + 4 * w + p * w, width: w, into: d)
          }
        }
      }
    }
    ratios = PushPull.fill(premultiplied: values, weights: weights)
  }

  /// Ratios at full-resolution pixel (x, y), renormalised to sum 1.
  @inline(__always)
  func sample(_ fullX: Int, _ fullY: Int) -> (Float, Float, Float) {
    let w = ratios.width, h = ratios.height
    let sx = min(max((Float(fullX - originX) + 0.5) / Float(scale) - 0.5, 0), Float(w - 1))
    let sy = min(max((Float(fullY - originY) + 0.5) / Float(scale) - 0.5, 0), Float(h - 1))
    let x0 = Int(sx), y0 = Int(sy)
    let x1 = min(x0 + 1, w - 1), y1 = min(y0 + 1, h - 1)
    let fx = sx - Float(x0), fy = sy - Float(y0)
    @inline(__always) func at(_ c: Int) -> Float {
      let p = ratios.plane(c)
      let a = p[y0 * w + x0] + (p[y0 * w + x1] - p[y0 * w + x0]) * fx
      let b = p[y1 * w + x0] + (p[y1 * w + x1] - p[y1 * w + x0]) * fx
      return max(a + (b - a) * fy, 0)
    }
    return Self.normalised(at(0), at(1), at(2))
  }

  /// Column lookup (source index pair and weight) for full-resolution columns x0 ..< x0 + count.
  func columns(x0: Int, count: Int) -> (lo: [Int32], hi: [Int32], frac: [Float]) {
    let w = ratios.width
    var lo = [Int32](repeating: 0, count: count), hi = lo, frac = [Float](repeating: 0, count: count)
    for i in 0..<count {
      let sx = min(max((Float(x0 + i - originX) + 0.5) / Float(scale) - 0.5, 0), Float(w - 1))
      let xa = Int(sx)
      lo[i] = Int32(xa)
      hi[i] = Int32(min(xa + 1, w - 1))
      frac[i] = sx - Float(xa)
    }
    return (lo, hi, frac)
  }

  /// Normalised ratios of full-resolution row y at the columns of `table` into k (3 rows of `count`);
  /// `scratch` holds 3·ratios.width floats.
  func sampleRow(
    _ y: Int, table: (lo: [Int32], hi: [Int32], frac: [Float]), into k: UnsafeMutablePointer<Float>,
    scratch: UnsafeMutablePointer<Float>
  ) {
    let w = ratios.width, h = ratios.height, count = table.lo.count
    let sy = min(max((Float(y - originY) + 0.5) / Float(scale) - 0.5, 0), Float(h - 1))
    let ya = Int(sy), yb = min(ya + 1, h - 1), fy = sy - Float(ya)
    // Vertical lerp of the three planes (SIMD), then per-column lerp and normalisation.
    for c in 0..<3 {
      let a = ratios.row(c, ya), b = ratios.row(c, yb), d = scratch + c * w
      var x = 0
      while x + 8 <= w {
        let va = SIMDLoad.load8(a + x)
        SIMDLoad.store8(va + (SIMDLoad.load8(b + x) - va) * fy, d + x)
        x += 8
      }
      while x < w { d[x] = a[x] + (b[x] - a[x]) * fy; x += 1 }
    }
    table.lo.withUnsafeBufferPointer { lo in
      table.hi.withUnsafeBufferPointer { hi in
        table.frac.withUnsafeBufferPointer { fr in
          for i in 0..<count {
            let xa = Int(lo[i]), xb = Int(hi[i]), f = fr[i]
            let r0 = scratch[xa] + (scratch[xb] - scratch[xa]) * f
            let r1 = scratch[w + xa] + (scratch[w + xb] - scratch[w + xa]) * f
            let r2 = scratch[2 * w + xa] + (scratch[2 * w + xb] - scratch[2 * w + xa]) * f
            let n = Self.normalised(max(r0, 0), max(r1, 0), max(r2, 0))
            k[i] = n.0
            k[count + i] = n.1
            k[2 * count + i] = n.2
          }
        }
      }
    }
  }

  @inline(__always)
  static func normalised(_ a: Float, _ b: Float, _ c: Float) -> (Float, Float, Float) {
    let s = a + b + c
    if s <= 1e-4 { return (1.0 / 3, 1.0 / 3, 1.0 / 3) }
    let inv = 1 / s
    return (a * inv, b * inv, c * inv)
  }
}
