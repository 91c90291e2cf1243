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
/// average away inside the flat fill) is sampled bilinearly and added. Only pixels with over > 0 are
/// touched: E = LogGamma(L) + over·(ā·I + b̄ + detail), L = LogGamma⁻¹(E); a pixel whose upsampled
/// difference is exactly 0 (far from every tile that ran) or whose mask is 0 keeps its bits.
enum DiffusionBlend {
  static let radius = 2
  static let epsilon: Float = 1e-3

  /// Per-channel coefficients (mean a, mean b) [3, h, w] of the fit of box(`diff`) to the guide of
  /// `small`, and the detail `diff` − box(`diff`) [3, h, w].
  static func coefficients(diff: PlanarImage, small: PlanarImage) -> (PlanarImage, PlanarImage, PlanarImage) {
    let w = diff.width, h = diff.height
    let gI = LogLuminanceGuide.compute(small)
    let (a, bb) = GuidedFilter.coefficients(guide: gI, diff, radius: radius, epsilon: epsilon)
    let detail = PlanarImage(width: w, height: h, channels: 3)
    BoxBlur.apply(diff, radius: radius, into: detail)
    for i in 0..<detail.count { detail.data[i] = diff.data[i] - detail.data[i] }
    return (a, bb, detail)
  }

  /// Applies the upsampled difference to `image` [3, H, W] in place where `over` [1, H, W] > 0.
  static func apply(
    a: PlanarImage, b: PlanarImage, detail: PlanarImage, to image: PlanarImage, over: PlanarImage
  ) {
    let W = image.width, H = image.height, w = a.width, h = a.height
    let sx = Float(w) / Float(W), sy = Float(h) / Float(H)
    let pa = a, pb = b, pd = detail
    Parallel.forRanges(H, minChunk: 4) { s, e in
      for y in s..<e {
        let m = over.row(0, y)
        let (y0, y1, wy) = BilinearResize.sourceTap(y, scale: sy, size: h)
        let r = image.row(0, y), g = image.row(1, y), bl = image.row(2, y)
        let rows = [r, g, bl]
        for x in 0..<W {
          let k = m[x]
          if !(k > 0) { continue }
          let (x0, x1, wx) = BilinearResize.sourceTap(x, scale: sx, size: w)
          let gi = LogLuminanceGuide.value(r[x], g[x], bl[x])
          @inline(__always) func sample(_ p: PlanarImage, _ c: Int) -> Float {
            let r0 = p.row(c, y0), r1 = p.row(c, y1)
            let top = r0[x0] + (r0[x1] - r0[x0]) * wx
            let bot = r1[x0] + (r1[x1] - r1[x0]) * wx
            return top + (bot - top) * wy
          }
          for c in 0..<3 {
            let d = (sample(pa, c) * gi + sample(pb, c)) + sample(pd, c)
            if d == 0 { continue }
            let e = LogGammaCodes.encode(rows[c][x]) + k * d
            rows[c][x] = LogGammaCodes.decode(e)
          }
        }
      }
    }
  }
}
