import Imaging

/// ln and exp on SIMD8 lanes written so that they compile to straight 8-wide AVX code (integer exponent
/// split without compare-and-select; the compare-based normalisation of ``SIMDMath/log(_:)`` is lowered to
/// partly scalar code). Same Cephes polynomials, so results agree with ``SIMDMath`` to an ulp or two.
enum LaneMath {
  typealias V = SIMD8<Float>
  typealias I = SIMD8<Int32>

  /// ln(x) per lane for x > 0 (x ≤ 0 gives ≈ −87.3, never NaN).
  @inline(__always)
  static func log(_ x0: V) -> V {
    let x = SIMDMath.max(x0, V(repeating: 1.175_494_4e-38))
    // x = 2^k·m with m in [√½, √2): offset the bits by those of √½ before splitting (musl logf).
    let ix = unsafeBitCast(x, to: I.self) &- 0x3F35_04F3
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
    // (p·f − ½)·f² rather than p·f·f² − ½·f²: the latter is lowered to partly scalar code.
    let y = (p * f - 0.5) * (f * f)
    return f + y + k * 0.693_147_18
  }

  /// e^x per lane; inputs clamped to [−87.3, 88.3].
  @inline(__always)
  static func exp(_ x0: V) -> V {
    let x = SIMDMath.min(SIMDMath.max(x0, V(repeating: -87.3)), V(repeating: 88.3))
    let shifted = x * 1.442_695_04 + 12_582_912
    let n = shifted - 12_582_912
    let ni = unsafeBitCast(shifted, to: I.self) &- 0x4B40_0000
    let r = (x - n * 0.693_359_375) + n * 2.121_944_4e-4
    var p = V(repeating: 1.987_569_15e-4)
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_59e-2
    p = p * r + 1.666_666_55e-1
    p = p * r + 5.000_000_12e-1
    let y = p * (r * r) + r + 1
    return y * unsafeBitCast((ni &+ 127) &<< 23, to: V.self)
  }
}
