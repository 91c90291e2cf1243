import Color
import Imaging

#if canImport(Glibc)
  import Glibc
#endif

/// Brings the working-resolution Log-Gamma difference to the full frame and blends it by the mask.
///
/// Guided base + bilinear detail. Per channel, the difference D at the working resolution gives a
/// smooth base, the output of a fast guided filter on D, and a detail D − box(D) ((2r+1)² box).
/// The fast guided filter (He & Sun 2015) is used as a joint upsampler, as in
/// `Fusion.GainMapApplier`: guide I = `Imaging.LogLuminanceGuide` = log2(Y + 2⁻¹²)/12 + 1 of BT.709 luminance (low-resolution
/// guide from the area-downscaled frame), per box fit a·I + b (r = 2, ε = 1e-3), mean a and mean b
/// sampled bilinearly (align_corners False) at each full-resolution pixel and evaluated with that
/// pixel's guide, so the base follows the frame's edges at the mask boundary. The detail (the re-created texture, which a guided filter alone would
/// average away inside the flat fill), scaled by the stage's `detailWeight`, is sampled bilinearly and added (with
/// weight 0 it is neither computed nor sampled). Only pixels with over > 0 are
/// touched: E = LogGamma(L) + over·(ā·I + b̄ + detail), L = LogGamma⁻¹(E); a pixel whose upsampled
/// difference is exactly 0 (far from every tile that ran) or whose mask is 0 keeps its bits.
enum DiffusionBlend {
  static let radius = 2
  static let epsilon: Float = 1e-3

  /// Per-channel coefficients (mean a, mean b) [3, h, w] of the fit of box(`diff`) to the guide of
  /// `small`, and the detail `detailWeight`·(`diff` − box(`diff`)) [3, h, w], nil when the weight is 0.
  static func coefficients(
    diff: PlanarImage, small: PlanarImage, detailWeight: Float = 1
  ) -> (PlanarImage, PlanarImage, PlanarImage?) {
    let w = diff.width, h = diff.height
    let gI = LogLuminanceGuide.compute(small)
    let (a, bb) = GuidedFilter.coefficients(guide: gI, diff, radius: radius, epsilon: epsilon)
    guard detailWeight > 0 else { return (a, bb, nil) }
    let detail = PlanarImage(width: w, height: h, channels: 3)
    BoxBlur.apply(diff, radius: radius, into: detail)
    for i in 0..<detail.count { detail.data[i] = detailWeight * (diff.data[i] - detail.data[i]) }
    return (a, bb, detail)
  }

  /// The blend weight over × clamp((L − 1)/`ramp`, 0, 1), L the largest channel of `fill` [3, H, W] (the
  /// frame before inpainting): only what the highlight stage rebuilt above white is re-created.
  static func rampedMask(_ over: PlanarImage, fill: PlanarImage, ramp: Float) -> PlanarImage {
    let out = PlanarImage(width: over.width, height: over.height, channels: 1)
    let r = fill.plane(0), g = fill.plane(1), b = fill.plane(2), m = over.plane(0), o = out.plane(0)
    let inv = 1 / ramp
    Parallel.forRanges(over.planeSize, minChunk: 16384) { s, e in
      for i in s..<e {
        let top = max(r[i], max(g[i], b[i]))
        o[i] = m[i] > 0 ? m[i] * min(max((top - 1) * inv, 0), 1) : 0
      }
    }
    return out
  }

  /// Sets every pixel of `image` with `weight` > 0 to `fill`'s RGB scaled to its own BT.709 luminance (the
  /// inpainting then changes only luminance); a pixel whose fill is black keeps the inpainted RGB.
  static func keepHue(of fill: PlanarImage, in image: PlanarImage, where weight: PlanarImage) {
    let fr = fill.plane(0), fg = fill.plane(1), fb = fill.plane(2)
    let r = image.plane(0), g = image.plane(1), b = image.plane(2), m = weight.plane(0)
    Parallel.forRanges(image.planeSize, minChunk: 16384) { s, e in
      for i in s..<e where m[i] > 0 {
        let before = 0.2126 * fr[i] + 0.7152 * fg[i] + 0.0722 * fb[i]  // BT.709 luminance (ITU-R BT.709 item 3.2)
        if !(before > 1e-6) { continue }
        let ratio = (0.2126 * r[i] + 0.7152 * g[i] + 0.0722 * b[i]) / before
        r[i] = fr[i] * ratio; g[i] = fg[i] * ratio; b[i] = fb[i] * ratio
      }
    }
  }

  /// Applies the upsampled difference to `image` [3, H, W] in place where `over` [1, H, W] > 0.
  ///
  /// Per row, over the span between the first and last pixel with over > 0: the guide and the three channels'
  /// codes eight pixels at a time (``Color/LogGammaLanes``; the scalar libm calls were a sixth of `quality`'s
  /// CPU at 1080p), the bilinear samples per pixel, then the changed codes decoded eight at a time; a pixel
  /// whose mask is 0 or whose difference is exactly 0 keeps its bits.
  static func apply(
    a: PlanarImage, b: PlanarImage, detail: PlanarImage?, to image: PlanarImage, over: PlanarImage
  ) {
    typealias V = SIMD8<Float>
    let W = image.width, H = image.height, w = a.width, h = a.height
    let sx = Float(w) / Float(W), sy = Float(h) / Float(H)
    // Horizontal taps, the same for every row.
    var taps = [(Int, Int, Float)](repeating: (0, 0, 0), count: W)
    for x in 0..<W { taps[x] = BilinearResize.sourceTap(x, scale: sx, size: w) }
    taps.withUnsafeBufferPointer { tp in
      Parallel.forRanges(H, minChunk: 4) { s, e in
        // Row buffers: the guide, three channels' codes and three changed flags (1: write back).
        let buf = UnsafeMutablePointer<Float>.allocate(capacity: 7 * W + 8)
        defer { buf.deallocate() }
        let guide = buf, codes = buf + W, changed = buf + 4 * W
        for y in s..<e {
          let m = over.row(0, y)
          var x0 = 0
          while x0 < W && !(m[x0] > 0) { x0 += 1 }
          if x0 == W { continue }
          var x1 = W
          while !(m[x1 - 1] > 0) { x1 -= 1 }
          let (y0, y1, wy) = BilinearResize.sourceTap(y, scale: sy, size: h)
          let rows = [image.row(0, y), image.row(1, y), image.row(2, y)]
          // 1. Guide and codes, eight pixels at a time (a short tail through zero-padded lanes).
          var x = x0
          while x < x1 {
            let n = min(8, x1 - x)
            @inline(__always) func load(_ c: Int) -> V {
              if n == 8 { return SIMDLoad.load8(rows[c] + x) }
              var v = V()
              for i in 0..<n { v[i] = rows[c][x + i] }
              return v
            }
            let r = load(0), g = load(1), bl = load(2)
            let gi = LogLuminanceGuide.lanes(r, g, bl)
            let cr = LogGammaLanes.encode(r), cg = LogGammaLanes.encode(g), cb = LogGammaLanes.encode(bl)
            for i in 0..<n {
              guide[x + i] = gi[i]
              codes[x + i] = cr[i]; codes[W + x + i] = cg[i]; codes[2 * W + x + i] = cb[i]
            }
            x += 8
          }
          // 2. The upsampled difference per pixel.
          for x in x0..<x1 {
            let k = m[x]
            let (tx0, tx1, wx) = tp[x]
            for c in 0..<3 {
              changed[c * W + x] = 0
              if !(k > 0) { continue }
              @inline(__always) func sample(_ p: PlanarImage) -> Float {
                let r0 = p.row(c, y0), r1 = p.row(c, y1)
                let top = r0[tx0] + (r0[tx1] - r0[tx0]) * wx
                let bot = r1[tx0] + (r1[tx1] - r1[tx0]) * wx
                return top + (bot - top) * wy
              }
              let base = sample(a) * guide[x] + sample(b)
              let d = detail.map { base + sample($0) } ?? base
              if d == 0 { continue }
              codes[c * W + x] += k * d
              changed[c * W + x] = 1
            }
          }
          // 3. Decode the changed codes and write them back.
          for c in 0..<3 {
            let row = rows[c], code = codes + c * W, flag = changed + c * W
            var x = x0
            while x + 8 <= x1 {
              let f = SIMDLoad.load8(flag + x)
              if f.max() > 0 {
                let out = SIMDLoad.load8(row + x).replacing(
                  with: LogGammaLanes.decode(SIMDLoad.load8(code + x)), where: f .> 0)
                SIMDLoad.store8(out, row + x)
              }
              x += 8
            }
            if x < x1 {
              var e = V()
              for i in 0..<(x1 - x) { e[i] = code[x + i] }
              let l = LogGammaLanes.decode(e)
              for i in 0..<(x1 - x) where flag[x + i] > 0 { row[x + i] = l[i] }
            }
          }
        }
      }
    }
  }
}
