#if canImport(Glibc)
  import Glibc
#endif

/// Pointwise activations, applied in place with SIMD where it pays.
public enum Activation: Sendable, Equatable {
  /// max(x, 0).
  case relu
  /// x for x ≥ 0, slope·x otherwise (PyTorch default slope 0.01).
  case leakyReLU(slope: Float)
  /// x·σ(x) (a.k.a. swish).
  case silu
  /// Exact GELU, x·Φ(x) = 0.5·x·(1 + erf(x/√2)) (PyTorch default `approximate='none'`).
  case gelu
  /// σ(x) = 1/(1 + e^−x).
  case sigmoid
  /// tanh(x).
  case tanh
  /// Identity.
  case identity

  /// Applies the activation to every element of `x` in place.
  public func apply(_ x: Tensor) {
    let p = x.data
    let act = self
    NNThreading.forRanges(x.count, minChunk: 4096) { s, e in
      act.applyRange(p + s, e - s)
    }
  }

  /// Applies the activation to `n` contiguous floats in place.
  public func applyRange(_ p: UnsafeMutablePointer<Float>, _ n: Int) {
    switch self {
    case .identity: return
    case .relu: SIMDLoops.map(n, p) { $0.replacing(with: 0, where: $0 .< 0) }
    case .leakyReLU(let a): SIMDLoops.map(n, p) { $0.replacing(with: $0 * a, where: $0 .< 0) }
    case .silu: SIMDLoops.map(n, p) { $0 * FastMath.sigmoid($0) }
    case .sigmoid: SIMDLoops.map(n, p) { FastMath.sigmoid($0) }
    case .tanh: SIMDLoops.map(n, p) { FastMath.tanh($0) }
    case .gelu:
      for i in 0..<n { p[i] = 0.5 * p[i] * (1 + erff(p[i] * 0.707_106_781_186_547_5)) }
    }
  }

  /// Returns a pooled copy of `x` with the activation applied.
  public func callAsFunction(_ x: Tensor, pool: TensorPool = .shared) -> Tensor {
    let y = x.copy(pool: pool)
    apply(y)
    return y
  }
}
