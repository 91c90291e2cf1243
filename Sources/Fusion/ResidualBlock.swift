import NN

/// x + conv2(ReLU(conv1(x))) with two 3×3 convolutions of equal width (`ResBlock` in `model.py`).
public struct ResidualBlock: WeightLoadable {
  /// First and second 3×3 convolutions, c → c.
  public var conv1: Conv2d, conv2: Conv2d

  /// A block of width `channels`.
  public init(channels: Int) {
    conv1 = Conv2d(channels, channels, kernel: 3, padding: 1)
    conv2 = Conv2d(channels, channels, kernel: 3, padding: 1)
  }

  /// Reads `prefix.conv1.*`, `prefix.conv2.*`.
  public mutating func load(from weights: SafeTensors, prefix: String) throws {
    try conv1.load(from: weights, prefix: prefix + ".conv1")
    try conv2.load(from: weights, prefix: prefix + ".conv2")
  }

  /// x [1, c, h, w] → [1, c, h, w].
  public func callAsFunction(_ x: Tensor, pool: TensorPool = .shared) -> Tensor {
    let t = conv1(x, pool: pool)
    Activation.relu.apply(t)
    let y = conv2(t, pool: pool)
    Elementwise.addInPlace(y, x)
    return y
  }
}
