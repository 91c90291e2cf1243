import Imaging

/// Local chroma ratios k_c = R, G or B / (R + G + B) learned on unclipped highlight pixels and spread over
/// clipped regions by push-pull (``PushPull``), darktable "inpaint opposed" style but local.
///
/// Data pixels: no channel clipped, weighted by ramp(max channel, 0.5·clip → 0.9·clip) · (R + G + B)/3, so the
/// bright ring around each clipped region dominates. Estimated at half resolution ([3, ⌈H/2⌉, ⌈W/2⌉]),
/// sampled bilinearly per full-resolution pixel; ratios are renormalised to sum 1, neutral (⅓) without data.
/// Only the crop `box` of the image is analysed (the clipped pixels' box plus a margin).
final class ChromaField {
  /// Filled ratios [3, h, w] at half resolution over the crop.
  let ratios: PlanarImage
  let scale: Int
  let originX: Int, originY: Int

  /// Estimates the field from `image` ([3, H, W] linear) classified by `map`, inside `box`.
  init(image: PlanarImage, map: ClipMap, clip: Float, box: PixelBox) {
    let fullW = image.width
    let w = box.width, h = box.height
    originX = box.x0
    originY = box.y0
    let ox = box.x0, oy = box.y0
    let s = (w >= 16 && h >= 16) ? 2 : 1
    scale = s
    let cw = (w + s - 1) / s, ch = (h + s - 1) / s
    let values = PlanarImage(width: cw, height: ch, channels: 3)
    let weights = PlanarImage(width: cw, height: ch, channels: 1)
    let lo = 0.5 * clip, span = 0.4 * clip
    let norm = 1 / Float(s * s * 3)
    Parallel.forRanges(ch, minChunk: 4) { start, end in
      for y in start..<end {
        let pr = values.row(0, y), pg = values.row(1, y), pb = values.row(2, y), pw = weights.row(0, y)
        for fy in (s * y)..<min(s * y + s, h) {
          let r = image.row(0, fy + oy) + ox, g = image.row(1, fy + oy) + ox, b = image.row(2, fy + oy) + ox
          let counts = map.counts + (fy + oy) * fullW + ox
          for fx in 0..<w where counts[fx] == 0 {
            let rv = max(r[fx], 0), gv = max(g[fx], 0), bv = max(b[fx], 0)
            let m = max(rv, max(gv, bv))
            if m <= lo { continue }
            let ramp = min((m - lo) / span, 1)
            let x = fx / s
            pr[x] += ramp * rv * norm
            pg[x] += ramp * gv * norm
            pb[x] += ramp * bv * norm
            pw[x] += ramp * (rv + gv + bv) * norm
          }
        }
      }
    }
    ratios = PushPull.fill(premultiplied: values, weights: weights)
  }

  /// Ratios (summing to 1) at full-resolution pixel (x, y).
  @inline(__always)
  func sample(_ fullX: Int, _ fullY: Int) -> SIMD3<Float> {
    let w = ratios.width, h = ratios.height
    let x = fullX - originX, y = fullY - originY
    let sx = min(max((Float(x) + 0.5) / Float(scale) - 0.5, 0), Float(w - 1))
    let sy = min(max((Float(y) + 0.5) / Float(scale) - 0.5, 0), Float(h - 1))
    let x0 = Int(sx), y0 = Int(sy)
    let x1 = min(x0 + 1, w - 1), y1 = min(y0 + 1, h - 1)
    let fx = sx - Float(x0), fy = sy - Float(y0)
    var k = SIMD3<Float>(repeating: 0)
    for c in 0..<3 {
      let p = ratios.plane(c)
      let a = p[y0 * w + x0] + (p[y0 * w + x1] - p[y0 * w + x0]) * fx
      let b = p[y1 * w + x0] + (p[y1 * w + x1] - p[y1 * w + x0]) * fx
      k[c] = max(a + (b - a) * fy, 0)
    }
    let sum = k.sum()
    return sum > 1e-4 ? k / sum : SIMD3<Float>(repeating: 1.0 / 3)
  }
}
