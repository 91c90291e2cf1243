/// Convolutional LSTM cell: one fused conv over concat[x, h] gives the four gates i, f, o, g.
///
/// i = σ(·), f = σ(·), o = σ(·), g = tanh(·) taken in that channel order from the conv output
/// `[1, 4·Ch, H, W]`; then c ← f·c + i·g and h ← o·tanh(c). Weights: `prefix.conv.weight`
/// `[4·Ch, Cin + Ch, k, k]` and `prefix.conv.bias` `[4·Ch]`, padding k/2.
public struct ConvLSTMCell: WeightLoadable {
  /// Input channels.
  public let inputChannels: Int
  /// Hidden channels.
  public let hiddenChannels: Int
  /// The gate convolution (Cin + Ch → 4·Ch).
  public var conv: Conv2d

  /// Creates a cell with zero weights and a `kernel`×`kernel` gate conv.
  public init(inputChannels: Int, hiddenChannels: Int, kernel: Int = 3, bias: Bool = true) {
    precondition(kernel % 2 == 1, "odd kernel keeps H×W")
    self.inputChannels = inputChannels
    self.hiddenChannels = hiddenChannels
    conv = Conv2d(inputChannels + hiddenChannels, 4 * hiddenChannels, kernel: kernel, padding: kernel / 2, bias: bias)
  }

  /// Reads `prefix.conv.weight` and `prefix.conv.bias`.
  public mutating func load(from weights: SafeTensors, prefix: String) throws {
    try conv.load(from: weights, prefix: prefix.dot("conv"))
  }

  /// A fresh zero state for H×W frames.
  public func makeState(height: Int, width: Int) -> ConvLSTMState {
    ConvLSTMState(inputChannels: inputChannels, hiddenChannels: hiddenChannels, height: height, width: width)
  }

  /// Advances `state` by one frame `x` [1, Cin, H, W] and returns the new hidden state h [1, Ch, H, W].
  ///
  /// The returned tensor is a view into `state`; copy it if it must outlive the next step.
  @discardableResult
  public func step(_ x: Tensor, state: ConvLSTMState, pool: TensorPool = .shared) -> Tensor {
    precondition(
      x.shape == Shape(1, inputChannels, state.height, state.width),
      "ConvLSTM input \(x.shape), state is \(state.height)x\(state.width)")
    precondition(state.inputChannels == inputChannels && state.hiddenChannels == hiddenChannels, "state mismatch")
    state.xh.channels(0..<inputChannels).assign(x)
    let gates = pool.tensor(Shape(1, 4 * hiddenChannels, state.height, state.width))
    conv.forward(state.xh, into: gates, pool: pool)
    ConvLSTMCell.updateState(gates: gates, state: state)
    state.steps += 1
    return state.hidden
  }

  /// c ← σ(f)·c + σ(i)·tanh(g); h ← σ(o)·tanh(c), SIMD over the planes, in parallel.
  static func updateState(gates: Tensor, state: ConvLSTMState) {
    let n = state.hiddenChannels * state.height * state.width
    let gi = gates.data, gf = gi + n, go = gi + 2 * n, gg = gi + 3 * n
    let c = state.cell.data
    let h = state.hidden.data
    NNThreading.forRanges((n + 15) / 16, minChunk: 256) { b0, b1 in
      var j = b0 * 16
      let end = min(n, b1 * 16)
      while j + 16 <= end {
        let i = FastMath.sigmoid(SIMDLoops.load(gi + j))
        let f = FastMath.sigmoid(SIMDLoops.load(gf + j))
        let o = FastMath.sigmoid(SIMDLoops.load(go + j))
        let g = FastMath.tanh(SIMDLoops.load(gg + j))
        let cn = f * SIMDLoops.load(c + j) + i * g
        SIMDLoops.store(cn, c + j)
        SIMDLoops.store(o * FastMath.tanh(cn), h + j)
        j += 16
      }
      while j < end {
        let i = FastMath.sigmoid(SIMD16(repeating: gi[j]))[0]
        let f = FastMath.sigmoid(SIMD16(repeating: gf[j]))[0]
        let o = FastMath.sigmoid(SIMD16(repeating: go[j]))[0]
        let g = FastMath.tanh(SIMD16(repeating: gg[j]))[0]
        let cn = f * c[j] + i * g
        c[j] = cn
        h[j] = o * FastMath.tanh(SIMD16(repeating: cn))[0]
        j += 1
      }
    }
  }
}
