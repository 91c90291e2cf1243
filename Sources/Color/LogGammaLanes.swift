import Foundation
import VectorMath

/// Log-Gamma encode/decode on SIMD8 lanes (same constants as ``LogGamma``; relative error ≈ 1e-6), for the
/// hot loops of the highlight fill and the diffusion blend.
public enum LogGammaLanes {
  public typealias V = SIMD8<Float>
  // Literal constants (a computed `static let` costs a swift_once check per call in the hot loops);
  // ``checkConstants()`` ties them to ``LogGamma``.
  public static let gamma: Float = 2.2
  public static let maxLinear: Float = 65536
  /// ln(γ·M + 1) rounded to Float.
  public static let logRange: Float = 11.878_819_465_637_207

  /// Whether the literal constants equal those derived from ``LogGamma`` (checked by the tests).
  public static func checkConstants() -> Bool {
    gamma == Float(LogGamma.gamma) && maxLinear == Float(LogGamma.maxLinear)
      && logRange == Float(Foundation.log(LogGamma.gamma * LogGamma.maxLinear + 1))
  }

  /// Linear (clamped to 0...M) → code 0...1.
  @inlinable @inline(__always)
  public static func encode(_ l: V) -> V {
    let x = SIMDMath.clamp(l, 0, maxLinear)
    let t = SIMDMath.log(gamma * x + 1) * (1 / logRange)
    // t^(1/γ), 0 for t ≤ 0 (as SIMDMath.pow, inlined).
    return SIMDMath.exp(SIMDMath.log(t) * (1 / gamma)).replacing(with: 0, where: t .<= 0)
  }

  /// Code 0...1 → linear 0...M.
  @inlinable @inline(__always)
  public static func decode(_ e: V) -> V {
    let x = SIMDMath.clamp(e, 0, 1)
    let p = SIMDMath.exp(SIMDMath.log(x) * gamma).replacing(with: 0, where: x .<= 0)
    return (SIMDMath.exp(p * logRange) - 1) * (1 / gamma)
  }

  /// Encodes `count` values of `src` into `dst` (which may be `src`), `scale` × each value first, eight at a time.
  public static func encode(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int, scale: Float = 1) {
    var i = 0
    while i + 8 <= count {
      let v = UnsafeRawPointer(src + i).loadUnaligned(as: V.self)
      UnsafeMutableRawPointer(dst + i).storeBytes(of: encode(v * scale), as: V.self)
      i += 8
    }
    while i < count { dst[i] = encode(src[i] * scale); i += 1 }
  }

  /// Scalar encode through the lanes (for single values).
  public static func encode(_ l: Float) -> Float { encode(V(repeating: l))[0] }
  /// Scalar decode through the lanes.
  public static func decode(_ e: Float) -> Float { decode(V(repeating: e))[0] }
}
