import NN

/// REHDR-style recurrent fusion network: predicts a bounded log2 gain map for one SDR frame.
///
/// Swift twin of `REHDR` in `Training/rehdr/model.py` (same `state_dict` keys, bare, no prefix).
/// Runs at a reduced working size h×w (multiples of 8; about a quarter of the frame, 480×272 for
/// 1080p); ``GainMapApplier`` brings the gain to the full frame.
///
/// Per step: image head and event head (3×3, 5 → c1); three stride-2 encoder levels, each
/// conv3×3 s2 per branch → ``AFMFBlock`` → ConvLSTM (hidden = level width); two ``ResidualBlock``s;
/// transposed-conv decoder (4×4 s2) with sum skips (h2, h1, head features); conv3×3 → 1 channel;
/// gain = gainStops · tanh(·).
public struct REHDRNetwork: WeightLoadable {
  /// Level widths c1, c2, c3.
  public let widths: [Int]
  /// Bound of the output in stops (the `gain_stops` buffer of the weights file).
  public private(set) var gainStops: Float = 6
  /// Image head, conv3×3 5 → c1.
  public var imageHead: Conv2d
  /// Event head, conv3×3 5 → c1.
  public var eventHead: Conv2d
  /// Per-level stride-2 encoders of the image branch (`img_enc1...3`).
  public var imageEncoders: [Conv2d]
  /// Per-level stride-2 encoders of the event branch (`evt_enc1...3`).
  public var eventEncoders: [Conv2d]
  /// Per-level fusion blocks (`afmf1...3`).
  public var fusions: [AFMFBlock]
  /// Per-level ConvLSTM cells (`lstm1...3`).
  public var cells: [ConvLSTMCell]
  /// Bottleneck residual blocks (`res1`, `res2`).
  public var residuals: [ResidualBlock]
  /// Decoder, deepest first (`dec3`, `dec2`, `dec1`).
  public var decoders: [ConvTranspose2d]
  /// Output conv3×3 c1 → 1.
  public var output: Conv2d

  /// An unloaded network with level widths `widths` (default 16/32/48).
  public init(widths: [Int] = [16, 32, 48]) {
    precondition(widths.count == 3, "REHDRNetwork has three levels")
    self.widths = widths
    let (c1, c2, c3) = (widths[0], widths[1], widths[2])
    let inputs = [c1, c1, c2]
    imageHead = Conv2d(REHDRInput.imageChannels, c1, kernel: 3, padding: 1)
    eventHead = Conv2d(REHDRInput.eventBins, c1, kernel: 3, padding: 1)
    imageEncoders = zip(inputs, widths).map { Conv2d($0, $1, kernel: 3, stride: 2, padding: 1) }
    eventEncoders = zip(inputs, widths).map { Conv2d($0, $1, kernel: 3, stride: 2, padding: 1) }
    fusions = widths.map { AFMFBlock(channels: $0) }
    cells = widths.map { ConvLSTMCell(inputChannels: $0, hiddenChannels: $0) }
    residuals = [ResidualBlock(channels: c3), ResidualBlock(channels: c3)]
    decoders = [
      ConvTranspose2d(c3, c2, kernel: 4, stride: 2, padding: 1),
      ConvTranspose2d(c2, c1, kernel: 4, stride: 2, padding: 1),
      ConvTranspose2d(c1, c1, kernel: 4, stride: 2, padding: 1),
    ]
    output = Conv2d(c1, 1, kernel: 3, padding: 1)
  }

  /// Loads a weights file written from `REHDR.state_dict()` (bare keys; F32, F16 or BF16).
  /// - Throws: `NNError` naming the file and tensor when it cannot be read, a tensor is missing, or a
  ///   shape differs from `widths`.
  public init(contentsOf path: String, widths: [Int] = [16, 32, 48]) throws {
    self.init(widths: widths)
    try load(from: SafeTensors(path: path), prefix: "")
  }

  /// Reads every parameter under `prefix` (empty for bare `state_dict` keys).
  public mutating func load(from weights: SafeTensors, prefix: String) throws {
    func key(_ name: String) -> String { prefix.isEmpty ? name : prefix + "." + name }
    let stops = try weights.tensor(key("gain_stops"), shape: [1])
    gainStops = stops.toArray()[0]
    try imageHead.load(from: weights, prefix: key("img_head"))
    try eventHead.load(from: weights, prefix: key("evt_head"))
    for l in 0..<3 {
      try imageEncoders[l].load(from: weights, prefix: key("img_enc\(l + 1)"))
      try eventEncoders[l].load(from: weights, prefix: key("evt_enc\(l + 1)"))
      try fusions[l].load(from: weights, prefix: key("afmf\(l + 1)"))
      try cells[l].load(from: weights, prefix: key("lstm\(l + 1)"))
    }
    try residuals[0].load(from: weights, prefix: key("res1"))
    try residuals[1].load(from: weights, prefix: key("res2"))
    try decoders[0].load(from: weights, prefix: key("dec3"))
    try decoders[1].load(from: weights, prefix: key("dec2"))
    try decoders[2].load(from: weights, prefix: key("dec1"))
    try output.load(from: weights, prefix: key("out"))
  }

  /// Runs one frame and advances `state`.
  /// - Parameters:
  ///   - input: image input [1, 5, h, w] from ``REHDRInput/encode(_:pool:)-(Tensor,_)``; h, w multiples of 8.
  ///   - events: raw event voxel grid [1, 5, h, w] of the frame interval (normalised here by its max
  ///     |value|), or nil when the source has no events.
  ///   - state: the stream's recurrent state; reset it at scene cuts.
  /// - Returns: log2 gain [1, 1, h, w] in (−gainStops, gainStops).
  public func step(input: Tensor, events: Tensor?, state: REHDRState, pool: TensorPool = .shared) -> Tensor {
    let s = input.shape
    precondition(
      s.n == 1 && s.c == REHDRInput.imageChannels && s.h % 8 == 0 && s.w % 8 == 0,
      "REHDRNetwork input must be [1, 5, h, w] with h, w multiples of 8, got \(s)")
    let ev: Tensor
    if let events {
      precondition(
        events.shape == Shape(1, REHDRInput.eventBins, s.h, s.w), "events \(events.shape) do not match input \(s)")
      ev = REHDRInput.normaliseEvents(events, pool: pool)
    } else {
      ev = pool.zeros(Shape(1, REHDRInput.eventBins, s.h, s.w))
    }
    state.prepare(cells: cells, height: s.h, width: s.w)

    // MARK: Heads
    let f0 = imageHead(input, pool: pool)
    Activation.relu.apply(f0)
    var e = eventHead(ev, pool: pool)
    Activation.relu.apply(e)

    // MARK: Encoder levels: conv s2 per branch → AFMF → ConvLSTM
    var x = f0
    var guide = input
    var skips: [Tensor] = []
    for l in 0..<3 {
      x = imageEncoders[l](x, pool: pool)
      Activation.relu.apply(x)
      e = eventEncoders[l](e, pool: pool)
      Activation.relu.apply(e)
      guide = Pooling.average(guide, kernel: 2, pool: pool)
      let fused = fusions[l](image: x, events: e, guide: guide, pool: pool)
      // h_l is a view into the state; it stays valid until the next step.
      x = cells[l].step(fused, state: state.levels[l], pool: pool)
      skips.append(x)
    }
    state.advance()

    // MARK: Bottleneck and decoder with sum skips
    var d = residuals[1](residuals[0](x, pool: pool), pool: pool)
    for (i, skip) in [skips[1], skips[0], f0].enumerated() {
      d = decoders[i](d, pool: pool)
      Elementwise.addInPlace(d, skip)
      Activation.relu.apply(d)
    }
    let gain = output(d, pool: pool)
    Activation.tanh.apply(gain)
    let scale = pool.tensor(Shape(1, 1, 1, 1))
    scale.fill(gainStops)
    Elementwise.mulInPlace(gain, scale)
    return gain
  }
}
