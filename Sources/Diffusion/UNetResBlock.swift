import NN

/// Time-conditioned residual block (`ResBlock` in `Training/diffusion/model.py`).
///
/// h = conv1(SiLU(norm1 x)) + emb(SiLU(temb)) per channel; out = x + conv2(SiLU(norm2 h)).
/// Convolutions 3×3 c → c, GroupNorm with 8 groups, emb: linear 128 → c.
public struct UNetResBlock: WeightLoadable {
  /// GroupNorm before each convolution.
  public var norm1: GroupNorm, norm2: GroupNorm
  /// 3×3 convolutions c → c.
  public var conv1: Conv2d, conv2: Conv2d
  /// Time-embedding projection, 128 → c.
  public var emb: Linear

  /// A block of width `channels`.
  public init(channels: Int, embedding: Int = DiffusionUNet.embeddingWidth) {
    norm1 = GroupNorm(groups: 8, channels: channels)
    norm2 = GroupNorm(groups: 8, channels: channels)
    conv1 = Conv2d(channels, channels, kernel: 3, padding: 1)
    conv2 = Conv2d(channels, channels, kernel: 3, padding: 1)
    emb = Linear(embedding, channels)
  }

  /// Reads `prefix.{norm1,conv1,emb,norm2,conv2}.*`.
  public mutating func load(from weights: SafeTensors, prefix: String) throws {
    try norm1.load(from: weights, prefix: prefix + ".norm1")
    try conv1.load(from: weights, prefix: prefix + ".conv1")
    try emb.load(from: weights, prefix: prefix + ".emb")
    try norm2.load(from: weights, prefix: prefix + ".norm2")
    try conv2.load(from: weights, prefix: prefix + ".conv2")
  }

  /// x [N, c, h, w], `siluTemb` = SiLU(temb) [N, 128, 1, 1] → [N, c, h, w].
  public func callAsFunction(_ x: Tensor, siluTemb: Tensor, pool: TensorPool = .shared) -> Tensor {
    let a = norm1(x, pool: pool)
    Activation.silu.apply(a)
    let h = conv1(a, pool: pool)
    let e = emb(siluTemb, pool: pool)
    DiffusionUNet.addPerChannel(h, e)
    let b = norm2(h, pool: pool)
    Activation.silu.apply(b)
    let y = conv2(b, pool: pool)
    Elementwise.addInPlace(y, x)
    return y
  }
}
