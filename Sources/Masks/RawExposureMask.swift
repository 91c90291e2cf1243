import Color
import Imaging

/// DiffHDR's per-pixel exposure masks before any morphology or smoothing, optionally of the 2×2-averaged signal.
///
/// Per pixel, with Y = BT.709 luma of the sRGB-linearised signal:
/// over = 0.7·smoothstep(Y, lin(overLow), lin(overHigh)) + 0.3·[≥ 2 channels ≥ clipSignal];
/// under = 0.7·(1 − smoothstep(Y, 0, lin(underHigh))) + 0.3·[all channels ≤ crushSignal].
/// This implementation matches the mask definition in DiffHDR's public code (REFERENCE §1).
struct RawExposureMask {
  /// Linear luma where the over ramp starts / ends.
  let overLow: Float, overHigh: Float
  /// Signal level counted as clipped.
  let clip: Float
  /// Linear luma where the under ramp ends.
  let underHigh: Float
  /// Signal level counted as crushed.
  let crush: Float

  init(params: MaskParams) {
    overLow = Float(SRGB.eotf(Double(params.overLowSignal)))
    overHigh = max(Float(SRGB.eotf(Double(params.overHighSignal))), overLow + 1e-6)
    clip = params.clipSignal
    underHigh = max(Float(SRGB.eotf(Double(params.underHighSignal))), 1e-6)
    crush = params.crushSignal
  }

  /// Computes raw masks of `signal` ([3, H, W]) into `out` ([2, ⌈H/s⌉, ⌈W/s⌉]: plane 0 over, plane 1 under);
  /// with s = 2 the signal is box-averaged 2×2 first.
  func compute(signal: PlanarImage, into out: PlanarImage, scale s: Int) {
    precondition(signal.channels >= 3 && out.channels == 2 && (s == 1 || s == 2))
    let w = signal.width, h = signal.height
    precondition(out.width == (w + s - 1) / s && out.height == (h + s - 1) / s)
    let ow = out.width, oh = out.height
    Parallel.forRanges(oh, minChunk: 4) { start, end in
      let rows = UnsafeMutablePointer<Float>.allocate(capacity: 3 * ow + 8)
      defer { rows.deallocate() }
      for y in start..<end {
        if s == 1 {
          rawRow(signal.row(0, y), signal.row(1, y), signal.row(2, y), w, out.row(0, y), out.row(1, y))
        } else {
          // Average the signal 2×2 first, then take the masks of the averaged row.
          let y1 = min(2 * y + 1, h - 1)
          for c in 0..<3 {
            Pyramid.downsampleRows(signal.row(c, 2 * y), signal.row(c, y1), width: w, into: rows + c * ow)
          }
          rawRow(rows, rows + ow, rows + 2 * ow, ow, out.row(0, y), out.row(1, y))
        }
      }
    }
  }

  /// Raw masks of one signal row, written to (or added to) `o` and `u`.
  @inline(__always)
  private func rawRow(
    _ r: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ w: Int,
    _ o: UnsafeMutablePointer<Float>, _ u: UnsafeMutablePointer<Float>
  ) {
    typealias V = SIMD8<Float>
    let overScale = 1 / (overHigh - overLow), underScale = 1 / underHigh
    let zero = V(repeating: 0), one = V(repeating: 1)
    var x = 0
    func lanes(_ rv: V, _ gv: V, _ bv: V) -> (V, V) {
      let lum = 0.2126 * SRGBPolynomial.eotf(rv) + 0.7152 * SRGBPolynomial.eotf(gv)
        + 0.0722 * SRGBPolynomial.eotf(bv)
      var t = SIMDMath.clamp((lum - overLow) * overScale, 0, 1)
      let over0 = t * t * (3 - 2 * t)
      t = SIMDMath.clamp(lum * underScale, 0, 1)
      let under0 = 1 - t * t * (3 - 2 * t)
      let nClip = zero.replacing(with: one, where: rv .>= clip) + zero.replacing(with: one, where: gv .>= clip)
        + zero.replacing(with: one, where: bv .>= clip)
      let hard = zero.replacing(with: one, where: nClip .>= 2)
      let crushed = zero.replacing(with: one, where: (rv .<= crush) .& (gv .<= crush) .& (bv .<= crush))
      return (0.7 * over0 + 0.3 * hard, 0.7 * under0 + 0.3 * crushed)
    }
    while x + 8 <= w {
      let (ov, uv) = lanes(SIMDLoad.load8(r + x), SIMDLoad.load8(g + x), SIMDLoad.load8(b + x))
      SIMDLoad.store8(ov, o + x)
      SIMDLoad.store8(uv, u + x)
      x += 8
    }
    if x < w {
      // Tail: pad a vector with the last pixel.
      var rv = V(repeating: r[w - 1]), gv = V(repeating: g[w - 1]), bv = V(repeating: b[w - 1])
      for i in 0..<(w - x) { rv[i] = r[x + i]; gv[i] = g[x + i]; bv[i] = b[x + i] }
      let (ov, uv) = lanes(rv, gv, bv)
      for i in 0..<(w - x) {
        o[x + i] = ov[i]
        u[x + i] = uv[i]
      }
    }
  }
}
