import Color
import Foundation
import Imaging
import VectorMath

/// Log-Gamma encode/decode on SIMD8 lanes (same constants as ``Color/LogGamma``; relative error ≈ 1e-6).
enum LogGammaLanes {
  typealias V = SIMD8<Float>
  // Literal constants (a computed `static let` costs a swift_once check per call in the hot loops);
  // ``checkConstants()`` ties them to ``Color/LogGamma``.
  static let gamma: Float = 2.2
  static let maxLinear: Float = 65536
  /// ln(γ·M + 1) rounded to Float.
  static let logRange: Float = 11.878_819_465_637_207

  /// Whether the literal constants equal those derived from ``Color/LogGamma`` (checked by the tests).
  static func checkConstants() -> Bool {
    gamma == Float(LogGamma.gamma) && maxLinear == Float(LogGamma.maxLinear)
      && logRange == Float(Foundation.log(LogGamma.gamma * LogGamma.maxLinear + 1))
  }

  /// Linear (clamped to 0...M) → code 0...1.
  @inline(__always)
  static func encode(_ l: V) -> V {
    let x = SIMDMath.clamp(l, 0, maxLinear)
    let t = SIMDMath.log(gamma * x + 1) * (1 / logRange)
    // t^(1/γ), 0 for t ≤ 0 (as SIMDMath.pow, inlined).
    return SIMDMath.exp(SIMDMath.log(t) * (1 / gamma)).replacing(with: 0, where: t .<= 0)
  }

  /// Code 0...1 → linear 0...M.
  @inline(__always)
  static func decode(_ e: V) -> V {
    let x = SIMDMath.clamp(e, 0, 1)
    let p = SIMDMath.exp(SIMDMath.log(x) * gamma).replacing(with: 0, where: x .<= 0)
    return (SIMDMath.exp(p * logRange) - 1) * (1 / gamma)
  }

  /// Scalar encode through the lanes (for single values).
  static func encode(_ l: Float) -> Float { encode(V(repeating: l))[0] }
  /// Scalar decode through the lanes.
  static func decode(_ e: Float) -> Float { decode(V(repeating: e))[0] }
}
