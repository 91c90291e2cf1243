/// Vectorised natural log and exp on SIMD8 lanes (Cephes-style polynomials, relative error ≈ 1e-7), plus a
/// 16-lane exp for the NN activations.
///
/// Used by per-pixel transfer functions (Log-Gamma, sRGB) and the NN engine (`FastMath`'s sigmoid and tanh)
/// that would otherwise call libm per value. Also the
/// lane-wise min/max/clamp/abs helpers every kernel uses: the standard library's generic `pointwiseMin`,
/// `clamped`, `rounded` and Int↔Float conversions compile to scalar loops (10–300× slower, measured), while
/// `replacing(with:where:)` and bit casts vectorise.
public enum SIMDMath {
  public typealias V = SIMD8<Float>

  /// Lane-wise minimum.
  @inlinable @inline(__always)
  public static func min(_ a: V, _ b: V) -> V { a.replacing(with: b, where: b .< a) }

  /// Lane-wise maximum.
  @inlinable @inline(__always)
  public static func max(_ a: V, _ b: V) -> V { a.replacing(with: b, where: b .> a) }

  /// Lane-wise clamp to lo...hi.
  @inlinable @inline(__always)
  public static func clamp(_ v: V, _ lo: Float, _ hi: Float) -> V {
    v.replacing(with: lo, where: v .< lo).replacing(with: hi, where: v .> hi)
  }

  /// Lane-wise |v| (clears the sign bit).
  @inlinable @inline(__always)
  public static func abs(_ v: V) -> V {
    unsafeBitCast(unsafeBitCast(v, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: V.self)
  }

  /// Lane-wise round to nearest (ties to even) for |v| < 2^22, by the 1.5·2^23 magic-number trick.
  @inlinable @inline(__always)
  public static func round(_ v: V) -> V { (v + 12_582_912) - 12_582_912 }

  /// e^x per lane; inputs clamped to [−87.3, 88.3].
  @inlinable @inline(__always)
  public static func exp(_ x0: V) -> V {
    let x = clamp(x0, -87.3, 88.3)
    // n = round(x / ln 2); its integer value sits in the low mantissa bits of (x/ln2 + magic).
    let shifted = x * 1.442_695_04 + 12_582_912
    let n = shifted - 12_582_912
    let ni = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
    var r = x - n * 0.693_359_375
    r = r + n * 2.121_944_4e-4
    var p = V(repeating: 1.987_569_15e-4)
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_59e-2
    p = p * r + 1.666_666_55e-1
    p = p * r + 5.000_000_12e-1
    let y = p * (r * r) + r + 1
    let bits = (ni &+ 127) &<< 23
    return y * unsafeBitCast(bits, to: V.self)
  }

  /// e^x for 16 lanes: `exp` on each half (an AVX register holds 8), so there is one polynomial.
  @inlinable @inline(__always)
  public static func exp(_ x: SIMD16<Float>) -> SIMD16<Float> {
    SIMD16(lowHalf: exp(x.lowHalf), highHalf: exp(x.highHalf))
  }

  /// ln(x) per lane for x > 0 (x ≤ 0 gives ≈ −87.3, never NaN).
  ///
  /// Written to compile to straight 8-wide code: the exponent is split without compare-and-select
  /// (offsetting the bits by those of √½ first, as musl's logf does), and the polynomial tail is
  /// (p·f − ½)·f², since p·f·f² − ½·f² is lowered to partly scalar code.
  @inlinable @inline(__always)
  public static func log(_ x0: V) -> V {
    let x = max(x0, V(repeating: 1.175_494_4e-38))
    // x = 2^k·m with m in [√½, √2).
    let ix = unsafeBitCast(x, to: SIMD8<Int32>.self) &- 0x3F35_04F3
    let k = unsafeBitCast((ix &>> 23) &+ 0x4B40_0000, to: V.self) - 12_582_912
    let m = unsafeBitCast((ix & 0x007F_FFFF) &+ 0x3F35_04F3, to: V.self)
    let f = m - 1
    var p = V(repeating: 7.037_683_6e-2)
    p = p * f - 1.151_461_0e-1
    p = p * f + 1.167_699_9e-1
    p = p * f - 1.242_014_1e-1
    p = p * f + 1.424_932_3e-1
    p = p * f - 1.666_805_8e-1
    p = p * f + 2.000_071_5e-1
    p = p * f - 2.499_999_4e-1
    p = p * f + 3.333_333_1e-1
    let y = (p * f - 0.5) * (f * f)
    return f + y + k * 0.693_147_18
  }

  /// x^p per lane for x ≥ 0 (0 for x ≤ 0).
  @inlinable @inline(__always)
  public static func pow(_ x: V, _ p: Float) -> V {
    let r = exp(log(x) * p)
    return r.replacing(with: 0, where: x .<= 0)
  }
}
