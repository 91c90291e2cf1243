import Color
import Imaging
import VectorMath

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
  /// with s = 2 the signal is box-averaged 2×2 first. With `rowFlags` (2·⌈H/s⌉ bytes, plane-major), each is set
  /// to whether that output row has a value > 0.
  func compute(signal: PlanarImage, into out: PlanarImage, scale s: Int, rowFlags: UnsafeMutablePointer<UInt8>? = nil) {
    precondition(signal.channels >= 3 && out.channels == 2 && (s == 1 || s == 2))
    let w = signal.width, h = signal.height
    precondition(out.width == (w + s - 1) / s && out.height == (h + s - 1) / s)
    let ow = out.width, oh = out.height
    Parallel.forRanges(oh, minChunk: 4) { start, end in
      for y in start..<end {
        if s == 1 {
          rawRow(signal.row(0, y), signal.row(1, y), signal.row(2, y), w, out.row(0, y), out.row(1, y))
        } else {
          // Average the signal 2×2 first, then take the masks of the averaged row.
          let y1 = min(2 * y + 1, h - 1)
          let a: Rows = (UnsafePointer(signal.row(0, 2 * y)), UnsafePointer(signal.row(1, 2 * y)),
                         UnsafePointer(signal.row(2, 2 * y)))
          let b: Rows = (UnsafePointer(signal.row(0, y1)), UnsafePointer(signal.row(1, y1)),
                         UnsafePointer(signal.row(2, y1)))
          rawRow2x(a, b, w, out.row(0, y), out.row(1, y))
        }
        if let rowFlags {
          rowFlags[y] = SquareFilter.anyPositive(out.row(0, y), count: ow) ? 1 : 0
          rowFlags[oh + y] = SquareFilter.anyPositive(out.row(1, y), count: ow) ? 1 : 0
        }
      }
    }
  }

  typealias Rows = (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>)

  /// Raw masks of the 2×2 average of two signal rows (R, G, B each), as ``Pyramid/downsampleRows`` averages
  /// (same operation order, so the same values), without storing the averaged row.
  @inline(__always)
  private func rawRow2x(
    _ a: Rows, _ b: Rows, _ w: Int, _ o: UnsafeMutablePointer<Float>, _ u: UnsafeMutablePointer<Float>
  ) {
    let cw = (w + 1) / 2, fullX = w / 2
    @inline(__always) func avg(_ r0: UnsafePointer<Float>, _ r1: UnsafePointer<Float>, _ x: Int) -> V {
      let s0 = SIMDLoad.load8(r0 + 2 * x) + SIMDLoad.load8(r1 + 2 * x)
      let s1 = SIMDLoad.load8(r0 + 2 * x + 8) + SIMDLoad.load8(r1 + 2 * x + 8)
      let even = V(lowHalf: s0.evenHalf, highHalf: s1.evenHalf)
      let odd = V(lowHalf: s0.oddHalf, highHalf: s1.oddHalf)
      return (even + odd) * 0.25
    }
    var x = 0
    while x + 8 <= fullX {
      let (ov, uv) = lanes(avg(a.0, b.0, x), avg(a.1, b.1, x), avg(a.2, b.2, x))
      SIMDLoad.store8(ov, o + x)
      SIMDLoad.store8(uv, u + x)
      x += 8
    }
    if x < cw {
      // Tail: scalar averages, padded with the last one.
      var rv = V(repeating: 0), gv = V(repeating: 0), bv = V(repeating: 0)
      for i in 0..<8 {
        let xx = min(x + i, cw - 1)
        let x0 = 2 * xx, x1 = min(2 * xx + 1, w - 1)
        rv[i] = (a.0[x0] + a.0[x1] + b.0[x0] + b.0[x1]) * 0.25
        gv[i] = (a.1[x0] + a.1[x1] + b.1[x0] + b.1[x1]) * 0.25
        bv[i] = (a.2[x0] + a.2[x1] + b.2[x0] + b.2[x1]) * 0.25
      }
      let (ov, uv) = lanes(rv, gv, bv)
      for i in 0..<(cw - x) {
        o[x + i] = ov[i]
        u[x + i] = uv[i]
      }
    }
  }

  /// Raw masks of one signal row, written to (or added to) `o` and `u`.
  @inline(__always)
  private func rawRow(
    _ r: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ w: Int,
    _ o: UnsafeMutablePointer<Float>, _ u: UnsafeMutablePointer<Float>
  ) {
    var x = 0
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

  typealias V = SIMD8<Float>

  /// Raw (over, under) masks of 8 pixels.
  @inline(__always)
  private func lanes(_ rv: V, _ gv: V, _ bv: V) -> (V, V) {
    let overScale = 1 / (overHigh - overLow), underScale = 1 / underHigh
    let zero = V(repeating: 0), one = V(repeating: 1)
    // SRGBPolynomial.eotf written out: the compiler does not always inline it here, and a call per channel
    // passes the vectors through memory.
    let one1 = V(repeating: 1)
    let vr = rv.replacing(with: 0, where: rv .< 0).replacing(with: one1, where: rv .> 1)
    let vg = gv.replacing(with: 0, where: gv .< 0).replacing(with: one1, where: gv .> 1)
    let vb = bv.replacing(with: 0, where: bv .< 0).replacing(with: one1, where: bv .> 1)
    var pr = V(repeating: -0.048_960_66), pg = pr, pb = pr
    pr = pr * vr + 0.207_285_01; pg = pg * vg + 0.207_285_01; pb = pb * vb + 0.207_285_01
    pr = pr * vr - 0.409_055_49; pg = pg * vg - 0.409_055_49; pb = pb * vb - 0.409_055_49
    pr = pr * vr + 0.700_847_65; pg = pg * vg + 0.700_847_65; pb = pb * vb + 0.700_847_65
    pr = pr * vr + 0.516_486_18; pg = pg * vg + 0.516_486_18; pb = pb * vb + 0.516_486_18
    pr = pr * vr + 0.032_443_21; pg = pg * vg + 0.032_443_21; pb = pb * vb + 0.032_443_21
    pr = pr * vr + 0.000_945_26; pg = pg * vg + 0.000_945_26; pb = pb * vb + 0.000_945_26
    let er = (vr * (1 / 12.92)).replacing(with: pr, where: vr .> 0.040_45)
    let eg = (vg * (1 / 12.92)).replacing(with: pg, where: vg .> 0.040_45)
    let eb = (vb * (1 / 12.92)).replacing(with: pb, where: vb .> 0.040_45)
    let lum = 0.2126 * er + 0.7152 * eg + 0.0722 * eb
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
}
