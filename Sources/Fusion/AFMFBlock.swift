import NN

/// Adaptive feature modulation fusion of one encoder level (REHDR's AFMF, sized for CPU).
///
/// The 5-channel image input, average-pooled to the level's size, is projected to the feature width
/// by `mask` (3×3) and gates the image features through a sigmoid (the dynamic-range mask). The gated
/// image features a and the event features e are weighted by a per-channel softmax over the two
/// branches from `select(gap(a + e))`, summed, and passed through channel attention (`se`).
/// Matches `AFMF` in `Training/rehdr/model.py`.
public struct AFMFBlock: WeightLoadable {
  /// Feature width c of the level.
  public let channels: Int
  /// Dynamic-range mask projection, conv3×3 5 → c.
  public var mask: Conv2d
  /// Branch logits, linear c → 2c ([image | event]).
  public var select: Linear
  /// Channel attention (reduction 4).
  public var se: SqueezeExcitation

  /// A block of width `channels` (weights zero until `load`).
  public init(channels: Int) {
    self.channels = channels
    mask = Conv2d(REHDRInput.imageChannels, channels, kernel: 3, padding: 1)
    select = Linear(channels, 2 * channels)
    se = SqueezeExcitation(channels: channels, reduction: 4)
  }

  /// Reads `prefix.mask.*`, `prefix.select.*`, `prefix.se.*`.
  public mutating func load(from weights: SafeTensors, prefix: String) throws {
    try mask.load(from: weights, prefix: prefix + ".mask")
    try select.load(from: weights, prefix: prefix + ".select")
    try se.load(from: weights, prefix: prefix + ".se")
  }

  /// Fuses image features `image` and event features `events` (both [1, c, h, w]) under `guide`
  /// ([1, 5, h, w], the pooled image input); returns [1, c, h, w].
  public func callAsFunction(image: Tensor, events: Tensor, guide: Tensor, pool: TensorPool = .shared) -> Tensor {
    let gate = mask(guide, pool: pool)
    Activation.sigmoid.apply(gate)
    let a = Elementwise.mul(image, gate, pool: pool)
    let z = select(Pooling.globalAverage(Elementwise.add(a, events, pool: pool), pool: pool), pool: pool)
    let w = BranchSoftmax.apply([z.channels(0..<channels), z.channels(channels..<(2 * channels))], pool: pool)
    Elementwise.mulInPlace(a, w[0])
    Elementwise.addInPlace(a, Elementwise.mul(events, w[1], pool: pool))
    return se(a, pool: pool)
  }
}
