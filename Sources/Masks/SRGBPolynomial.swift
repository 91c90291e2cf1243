import Imaging
import VectorMath

/// SIMD sRGB EOTF (IEC 61966-2-1) for mask thresholds: linear segment below 0.04045, a degree-6 least-squares
/// polynomial for ((v + 0.055)/1.055)^2.4 above (max abs. error 1.7e-5 on 0.04045...1).
enum SRGBPolynomial {
  typealias V = SIMD8<Float>

  /// Signal 0...1 → linear 0...1 per lane (inputs clamped to 0...1).
  @inline(__always)
  static func eotf(_ v0: V) -> V {
    let v = SIMDMath.clamp(v0, 0, 1)
    var p = V(repeating: -0.048_960_66)
    p = p * v + 0.207_285_01
    p = p * v - 0.409_055_49
    p = p * v + 0.700_847_65
    p = p * v + 0.516_486_18
    p = p * v + 0.032_443_21
    p = p * v + 0.000_945_26
    return (v * (1 / 12.92)).replacing(with: p, where: v .> 0.040_45)
  }
}
