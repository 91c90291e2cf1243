import VectorMath

/// The NN activations' vector maths: sigmoid and tanh on 16 lanes, on `SIMDMath.exp` (Cephes-style
/// polynomial, max rel. error ≈ 2e-7).
public enum FastMath {
  public typealias V = SIMD16<Float>

  /// e^x for each lane; inputs are clamped to [-87.3, 88.3] so the result stays finite.
  @inlinable @inline(__always)
  public static func exp(_ x: V) -> V { SIMDMath.exp(x) }

  /// e^x for 8 lanes (same algorithm and accuracy); an 8-lane vector travels in one AVX register, so this
  /// stays cheap in loops where the compiler does not inline it.
  @inlinable @inline(__always)
  public static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> { SIMDMath.exp(x) }

  /// 1 / (1 + e^−x) for each lane.
  @inlinable @inline(__always)
  public static func sigmoid(_ x: V) -> V { 1 / (1 + exp(-x)) }

  /// tanh(x) for each lane, as 2·sigmoid(2x) − 1 (absolute error ≤ 2e-7).
  @inlinable @inline(__always)
  public static func tanh(_ x: V) -> V { 2 / (1 + exp(-2 * x)) - 1 }
}
