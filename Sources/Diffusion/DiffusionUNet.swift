import NN

/// Conditional UNet denoiser (v-prediction) for diffusion inpainting of clipped highlights.
///
/// Swift twin of `DiffusionUNet` in `Training/diffusion/model.py` (same bare `state_dict` keys; the
/// key table is in `Sources/Diffusion/README.md`). Runs on S×S tiles, S a multiple of 4 (64).
///
/// temb = lin2(SiLU(lin1(sincos(t, 64)))) (+ the reference embedding); conv_in 3×3 15 → c1;
/// res1 @S; down1 3×3 s2 → c2; res2 @S/2; down2 3×3 s2 → c3; mid @S/4; up2 convT 4×4 s2 → c2 + res2;
/// dec2; up1 convT → c1 + res1; dec1; conv_out(SiLU(norm_out ·)) 3×3 c1 → 3. The reference encoder
/// (ref1…3: 3×3 s2 3 → 16 → 32 → 64, SiLU; global mean; ref_out 64 → 128) runs once per still.
public struct DiffusionUNet: WeightLoadable {
  /// Width of the time embedding (and of the reference embedding).
  public static let embeddingWidth = 128
  /// Width of the sinusoidal timestep features.
  public static let timestepFeatures = 64
  /// Conditioning channels: fill 3, masked LDR 3, over 1, under 1, previous output 3, has-previous 1.
  public static let conditionChannels = 12
  /// Side of the reference still after resizing.
  public static let referenceSize = 64

  /// Level widths c1, c2, c3 (default 24/48/64).
  public let widths: [Int]
  /// Time-embedding MLP.
  public var lin1: Linear, lin2: Linear
  /// Input convolution, 3×3 (3 + 12) → c1.
  public var convIn: Conv2d
  /// Residual blocks: res1, res2, mid, dec2, dec1.
  public var res1: UNetResBlock, res2: UNetResBlock, mid: UNetResBlock, dec2: UNetResBlock, dec1: UNetResBlock
  /// Stride-2 3×3 downsamplers c1 → c2, c2 → c3.
  public var down1: Conv2d, down2: Conv2d
  /// 4×4 stride-2 transposed-conv upsamplers c3 → c2, c2 → c1.
  public var up2: ConvTranspose2d, up1: ConvTranspose2d
  /// Output GroupNorm and 3×3 convolution c1 → 3.
  public var normOut: GroupNorm, convOut: Conv2d
  /// Reference encoder convolutions and projection.
  public var ref1: Conv2d, ref2: Conv2d, ref3: Conv2d, refOut: Linear

  /// An unloaded network (zero weights).
  public init(widths: [Int] = [24, 48, 64]) {
    precondition(widths.count == 3, "DiffusionUNet has three levels")
    self.widths = widths
    let (c1, c2, c3) = (widths[0], widths[1], widths[2])
    let e = Self.embeddingWidth
    lin1 = Linear(Self.timestepFeatures, e)
    lin2 = Linear(e, e)
    convIn = Conv2d(3 + Self.conditionChannels, c1, kernel: 3, padding: 1)
    res1 = UNetResBlock(channels: c1)
    down1 = Conv2d(c1, c2, kernel: 3, stride: 2, padding: 1)
    res2 = UNetResBlock(channels: c2)
    down2 = Conv2d(c2, c3, kernel: 3, stride: 2, padding: 1)
    mid = UNetResBlock(channels: c3)
    up2 = ConvTranspose2d(c3, c2, kernel: 4, stride: 2, padding: 1)
    dec2 = UNetResBlock(channels: c2)
    up1 = ConvTranspose2d(c2, c1, kernel: 4, stride: 2, padding: 1)
    dec1 = UNetResBlock(channels: c1)
    normOut = GroupNorm(groups: 8, channels: c1)
    convOut = Conv2d(c1, 3, kernel: 3, padding: 1)
    ref1 = Conv2d(3, 16, kernel: 3, stride: 2, padding: 1)
    ref2 = Conv2d(16, 32, kernel: 3, stride: 2, padding: 1)
    ref3 = Conv2d(32, 64, kernel: 3, stride: 2, padding: 1)
    refOut = Linear(64, e)
  }

  /// Loads a weights file written from `DiffusionUNet.state_dict()` (bare keys; F32/F16/BF16).
  ///
  /// `widths` nil: taken from the file's `widths` metadata ("24,48,64", written by `train.py`), else
  /// the default 24/48/64.
  /// - Throws: `NNError` naming the file and tensor (missing file, truncated, missing tensor, shape).
  public init(contentsOf path: String, widths: [Int]? = nil) throws {
    let file = try SafeTensors(path: path)
    let meta = file.metadata["widths"].map { $0.split(separator: ",").compactMap { Int($0) } }
    let chosen = widths ?? meta.flatMap { $0.count == 3 && $0.allSatisfy({ $0 > 0 && $0 % 8 == 0 }) ? $0 : nil }
    self.init(widths: chosen ?? [24, 48, 64])
    try load(from: file, prefix: "")
  }

  /// Reads every parameter under `prefix` (empty for bare keys).
  public mutating func load(from weights: SafeTensors, prefix: String) throws {
    func key(_ name: String) -> String { prefix.isEmpty ? name : prefix + "." + name }
    try lin1.load(from: weights, prefix: key("lin1"))
    try lin2.load(from: weights, prefix: key("lin2"))
    try convIn.load(from: weights, prefix: key("conv_in"))
    try res1.load(from: weights, prefix: key("res1"))
    try down1.load(from: weights, prefix: key("down1"))
    try res2.load(from: weights, prefix: key("res2"))
    try down2.load(from: weights, prefix: key("down2"))
    try mid.load(from: weights, prefix: key("mid"))
    try up2.load(from: weights, prefix: key("up2"))
    try dec2.load(from: weights, prefix: key("dec2"))
    try up1.load(from: weights, prefix: key("up1"))
    try dec1.load(from: weights, prefix: key("dec1"))
    try normOut.load(from: weights, prefix: key("norm_out"))
    try convOut.load(from: weights, prefix: key("conv_out"))
    try ref1.load(from: weights, prefix: key("ref1"))
    try ref2.load(from: weights, prefix: key("ref2"))
    try ref3.load(from: weights, prefix: key("ref3"))
    try refOut.load(from: weights, prefix: key("ref_out"))
  }

  /// SiLU(temb) [N, 128, 1, 1] for timesteps `t` (plus `reference` [1, 128, 1, 1] when given).
  public func timeEmbedding(_ t: [Float], reference: Tensor?, pool: TensorPool = .shared) -> Tensor {
    let f = TimestepEmbedding.apply(t, dim: Self.timestepFeatures, pool: pool)
    let h = lin1(f, pool: pool)
    Activation.silu.apply(h)
    let temb = lin2(h, pool: pool)
    if let reference {
      precondition(reference.count == Self.embeddingWidth, "reference embedding must have 128 values")
      let e = Self.embeddingWidth
      for n in 0..<t.count {
        for i in 0..<e { temb.data[n * e + i] += reference.data[i] }
      }
    }
    Activation.silu.apply(temb)
    return temb
  }

  /// v prediction [N, 3, S, S].
  /// - Parameters:
  ///   - x: noisy sample [N, 3, S, S] (x = 2E − 1 of Log-Gamma codes); S a multiple of 4.
  ///   - t: timestep index (0…999) per item.
  ///   - condition: [N, 12, S, S] (see ``conditionChannels``).
  ///   - reference: the reference embedding from ``encodeReference(_:pool:)`` or nil.
  public func callAsFunction(
    _ x: Tensor, t: [Float], condition: Tensor, reference: Tensor?, pool: TensorPool = .shared
  ) -> Tensor {
    let s = x.shape
    precondition(s.c == 3 && s.h % 4 == 0 && s.w % 4 == 0 && t.count == s.n, "x must be [N, 3, S, S], S % 4 == 0")
    precondition(condition.shape == Shape(s.n, Self.conditionChannels, s.h, s.w), "condition must be [N, 12, S, S]")
    let temb = timeEmbedding(t, reference: reference, pool: pool)
    let input = Tensor.concat([x, condition], pool: pool)
    let h0 = convIn(input, pool: pool)
    let r1 = res1(h0, siluTemb: temb, pool: pool)
    let r2 = res2(down1(r1, pool: pool), siluTemb: temb, pool: pool)
    let m = mid(down2(r2, pool: pool), siluTemb: temb, pool: pool)
    let u2 = up2(m, pool: pool)
    Elementwise.addInPlace(u2, r2)
    let d2 = dec2(u2, siluTemb: temb, pool: pool)
    let u1 = up1(d2, pool: pool)
    Elementwise.addInPlace(u1, r1)
    let d1 = dec1(u1, siluTemb: temb, pool: pool)
    let o = normOut(d1, pool: pool)
    Activation.silu.apply(o)
    return convOut(o, pool: pool)
  }

  /// Reference embedding [1, 128, 1, 1] of a still already normalised to [1, 3, 64, 64] x-space
  /// (2E − 1 of the Log-Gamma codes; ``ReferenceEncoding`` prepares it).
  public func encodeReference(_ x: Tensor, pool: TensorPool = .shared) -> Tensor {
    var h = ref1(x, pool: pool)
    Activation.silu.apply(h)
    h = ref2(h, pool: pool)
    Activation.silu.apply(h)
    h = ref3(h, pool: pool)
    Activation.silu.apply(h)
    return refOut(Pooling.globalAverage(h, pool: pool), pool: pool)
  }

  /// Adds `e` [N, C, 1, 1] to every pixel of channel c of `x` [N, C, H, W] in place.
  static func addPerChannel(_ x: Tensor, _ e: Tensor) {
    let s = x.shape
    precondition(e.count == s.n * s.c, "per-channel shapes")
    for p in 0..<(s.n * s.c) {
      let v = e.data[p]
      let d = x.data + p * s.plane
      for i in 0..<s.plane { d[i] += v }
    }
  }
}
