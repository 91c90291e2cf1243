/// Channel attention (squeeze-and-excitation): x · σ(W₂·ReLU(W₁·GAP(x) + b₁) + b₂) per channel.
///
/// Parameters `prefix.fc1.{weight,bias}` `[C/r, C]` and `prefix.fc2.{weight,bias}` `[C, C/r]`.
public struct SqueezeExcitation: WeightLoadable {
  /// Channel count.
  public let channels: Int
  /// Squeeze and excite layers.
  public var fc1: Linear, fc2: Linear

  /// Creates a block with `channels / reduction` hidden units (at least 1).
  public init(channels: Int, reduction: Int) {
    self.channels = channels
    let hidden = max(1, channels / reduction)
    fc1 = Linear(channels, hidden)
    fc2 = Linear(hidden, channels)
  }

  /// Reads `prefix.fc1.*` and `prefix.fc2.*`.
  public mutating func load(from weights: SafeTensors, prefix: String) throws {
    try fc1.load(from: weights, prefix: prefix.dot("fc1"))
    try fc2.load(from: weights, prefix: prefix.dot("fc2"))
  }

  /// Rescales each channel of `x` (NCHW) by its attention weight.
  public func callAsFunction(_ x: Tensor, pool: TensorPool = .shared) -> Tensor {
    let squeezed = Pooling.globalAverage(x, pool: pool)
    let hidden = fc1(squeezed, pool: pool)
    Activation.relu.apply(hidden)
    let gate = fc2(hidden, pool: pool)
    Activation.sigmoid.apply(gate)
    return Elementwise.mul(x, gate, pool: pool)
  }
}
