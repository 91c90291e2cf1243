/// Group normalisation (`torch.nn.GroupNorm`) over NCHW tensors with per-channel affine.
///
/// For each item and group of C/groups channels: y = (x − mean)/√(var + ε)·γ[c] + β[c], with the
/// biased variance over the group's channels and pixels (accumulated in Double).
public struct GroupNorm: WeightLoadable {
  /// Number of groups (divides `channels`).
  public let groups: Int
  /// Channel count.
  public let channels: Int
  /// ε (PyTorch default 1e-5).
  public let eps: Float
  /// Scale γ and shift β, `[C]`.
  public var gamma: Tensor, beta: Tensor

  /// Creates an identity-affine layer.
  public init(groups: Int, channels: Int, eps: Float = 1e-5) {
    precondition(groups >= 1 && channels % groups == 0, "channels must be a multiple of groups")
    self.groups = groups
    self.channels = channels
    self.eps = eps
    gamma = Tensor(shape: Shape(1, 1, 1, channels), values: Array(repeating: 1, count: channels))
    beta = Tensor(zeros: Shape(1, 1, 1, channels))
  }

  /// Reads `prefix.weight` (γ) and `prefix.bias` (β).
  public mutating func load(from weights: SafeTensors, prefix: String) throws {
    gamma = try weights.tensor(prefix.dot("weight"), shape: [channels])
    beta = try weights.tensor(prefix.dot("bias"), shape: [channels])
  }

  /// Normalises `x` into a new pooled tensor.
  public func callAsFunction(_ x: Tensor, pool: TensorPool = .shared) -> Tensor {
    let s = x.shape
    precondition(s.c == channels, "GroupNorm expects \(channels) channels, got \(s)")
    let out = pool.tensor(s)
    let cg = channels / groups
    let len = cg * s.plane
    NNThreading.forEach(s.n * groups) { j in
      let n = j / groups, gi = j % groups
      let src = x.data + n * s.item + gi * len
      let dst = out.data + n * s.item + gi * len
      // Two passes in Double, eight lanes at a time (a scalar Double sum cannot be vectorised: it was most of
      // the layer's time).
      var acc = SIMD8<Double>(), i = 0
      while i + 8 <= len {
        acc += SIMD8<Double>(UnsafeRawPointer(src + i).loadUnaligned(as: SIMD8<Float>.self))
        i += 8
      }
      var sum = acc.sum()
      while i < len { sum += Double(src[i]); i += 1 }
      let mean = sum / Double(len)
      var accSq = SIMD8<Double>()
      let m8 = SIMD8<Double>(repeating: mean)
      i = 0
      while i + 8 <= len {
        let d = SIMD8<Double>(UnsafeRawPointer(src + i).loadUnaligned(as: SIMD8<Float>.self)) - m8
        accSq += d * d
        i += 8
      }
      var sq = accSq.sum()
      while i < len {
        let d = Double(src[i]) - mean
        sq += d * d
        i += 1
      }
      let inv = 1 / (sq / Double(len) + Double(eps)).squareRoot()
      for c in 0..<cg {
        let ch = gi * cg + c
        let a = Float(inv) * gamma.data[ch]
        let b = beta.data[ch] - Float(mean) * a
        let p = c * s.plane
        for i in 0..<s.plane { dst[p + i] = src[p + i] * a + b }
      }
    }
    return out
  }
}
