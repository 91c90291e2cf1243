import Color
import Foundation
import Imaging

/// Log-Gamma encode/decode on SIMD8 lanes (same constants as ``Color/LogGamma``; relative error ≈ 1e-6).
enum LogGammaLanes {
  typealias V = SIMD8<Float>
  static let gamma = Float(LogGamma.gamma)
  static let maxLinear = Float(LogGamma.maxLinear)
  static let logRange = Float(Foundation.log(LogGamma.gamma * LogGamma.maxLinear + 1))

  /// Linear (clamped to 0...M) → code 0...1.
  @inline(__always)
  static func encode(_ l: V) -> V {
    let x = SIMDMath.clamp(l, 0, maxLinear)
    let t = SIMDMath.log(gamma * x + 1) * (1 / logRange)
    return SIMDMath.pow(t, 1 / gamma)
  }

  /// Code 0...1 → linear 0...M.
  @inline(__always)
  static func decode(_ e: V) -> V {
    let x = SIMDMath.clamp(e, 0, 1)
    return (SIMDMath.exp(SIMDMath.pow(x, gamma) * logRange) - 1) * (1 / gamma)
  }

  /// Scalar encode through the lanes (for single values).
  static func encode(_ l: Float) -> Float { encode(V(repeating: l))[0] }
  /// Scalar decode through the lanes.
  static func decode(_ e: Float) -> Float { decode(V(repeating: e))[0] }
}
