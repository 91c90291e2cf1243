/// Convolutional LSTM cell: one fused conv over concat[x, h] gives the four gates i, f, o, g.
///
/// i = σ(·), f = σ(·), o = σ(·), g = tanh(·) taken in that channel order from the conv output
/// `[1, 4·Ch, H, W]`; then c ← f·c + i·g and h ← o·tanh(c). Weights: `prefix.conv.weight`
/// `[4·Ch, Cin + Ch, k, k]` and `prefix.conv.bias` `[4·Ch]`, padding k/2.
///
/// When the gate conv takes the Winograd path (`Conv2d.usesWinograd`), the step reads x and h in place
/// and runs the state update inside the conv's output transform, per 4-row tile strip, so the
/// [1, 4·Ch, H, W] gate tensor is never written; otherwise conv → gates → `updateState`.
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
    let shape = Shape(1, 4 * hiddenChannels, state.height, state.width)
    if conv.usesWinograd(outputShape: shape) {
      // Winograd gate conv reading x and h in place, with the state update fused into its output
      // transform: the gates are never written out. The new h goes to the spare buffer (the conv still
      // reads the current h), then the buffers swap.
      conv.forwardLSTM(x: x, h: state.hidden, cell: state.cell, newHidden: state.spareHidden, pool: pool)
      state.swapBuffers()
    } else {
      state.xh.channels(0..<inputChannels).assign(x)
      let gates = pool.tensor(shape)
      conv.forward(state.xh, into: gates, pool: pool)
      ConvLSTMCell.updateState(gates: gates, state: state)
    }
    state.steps += 1
    return state.hidden
  }

  /// c ← σ(f)·c + σ(i)·tanh(g); h ← σ(o)·tanh(c), one fused pass over the planes, in parallel.
  static func updateState(gates: Tensor, state: ConvLSTMState) {
    let n = state.hiddenChannels * state.height * state.width
    let gi = gates.data, gf = gi + n, go = gi + 2 * n, gg = gi + 3 * n
    let c = state.cell.data
    let h = state.hidden.data
    NNThreading.forRanges((n + 15) / 16, minChunk: 256) { b0, b1 in
      let s = b0 * 16, e = min(n, b1 * 16)  // 64-byte blocks
      update(count: e - s, i: gi + s, f: gf + s, o: go + s, g: gg + s, c: c + s, h: h + s)
    }
  }

  /// The cell update over `count` elements (pre-activation gates i, f, o, g; c in place; h out).
  ///
  /// With eᵢ = e^−i, e_f = e^−f, e_o = e^−o, e_g = e^−2g (arguments clamped to ±20, beyond which σ and
  /// tanh are within 4e-9 of their limits):
  /// c′ = [c(1+e_g)(1+eᵢ) + (1−e_g)(1+e_f)] / [(1+e_f)(1+e_g)(1+eᵢ)],
  /// h = (1−e_c)/[(1+e_c)(1+e_o)] with e_c = e^−2c′ — five FastMath exps and two divisions per element.
  @inline(__always)
  static func update(
    count n: Int, i gi: UnsafePointer<Float>, f gf: UnsafePointer<Float>, o go: UnsafePointer<Float>,
    g gg: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>
  ) {
    typealias V = SIMD8<Float>
    @inline(__always) func ld(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    @inline(__always) func st(_ v: V, _ p: UnsafeMutablePointer<Float>) {
      UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }
    // Blocks of 64 elements: gather the exp arguments, run `exps` over them in one call (the
    // compiler does not inline FastMath.exp into this loop), combine, repeat for e^−2c′.
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 5 * 64 + 64) { buf in
      let t = buf.baseAddress!
      var j = 0
      while j < n {
        let m = min(64, n - j)
        let vecs = (m + 7) / 8
        if m < 64 {  // tail: zero-padded copies of the inputs (outputs written back lane by lane)
          for l in 0..<(vecs * 8) {
            let ok = l < m
            t[l] = ok ? -gi[j + l] : 0
            t[64 + l] = ok ? -gf[j + l] : 0
            t[128 + l] = ok ? -go[j + l] : 0
            t[192 + l] = ok ? -2 * gg[j + l] : 0
            t[256 + l] = ok ? c[j + l] : 0
          }
        } else {
          for k in 0..<8 {
            st(-ld(gi + j + 8 * k), t + 8 * k)
            st(-ld(gf + j + 8 * k), t + 64 + 8 * k)
            st(-ld(go + j + 8 * k), t + 128 + 8 * k)
            st(-2 * ld(gg + j + 8 * k), t + 192 + 8 * k)
            st(ld(c + j + 8 * k), t + 256 + 8 * k)
          }
        }
        exps(t, 256)
        for k in 0..<vecs {
          let pi = 1 + ld(t + 8 * k), pf = 1 + ld(t + 64 + 8 * k), eg = ld(t + 192 + 8 * k)
          let pg = 1 + eg
          let cn = (ld(t + 256 + 8 * k) * pg * pi + (1 - eg) * pf) / (pf * pg * pi)
          st(cn, t + 256 + 8 * k)
          st(-2 * cn, t + 320 + 8 * k)
        }
        exps(t + 320, vecs * 8)
        for k in 0..<vecs {
          let ec = ld(t + 320 + 8 * k), po = 1 + ld(t + 128 + 8 * k)
          st((1 - ec) / ((1 + ec) * po), t + 192 + 8 * k)  // h (e^−2g no longer needed)
        }
        if m < 64 {
          for l in 0..<m {
            c[j + l] = t[256 + l]
            h[j + l] = t[192 + l]
          }
        } else {
          for k in 0..<8 {
            st(ld(t + 256 + 8 * k), c + j + 8 * k)
            st(ld(t + 192 + 8 * k), h + j + 8 * k)
          }
        }
        j += m
      }
    }
  }

  /// p[k] ← e^p[k] (argument clamped to ±20) for k < n, n a multiple of 8.
  @inline(never)
  static func exps(_ p: UnsafeMutablePointer<Float>, _ n: Int) {
    var k = 0
    while k < n {
      let x = UnsafeRawPointer(p + k).loadUnaligned(as: SIMD8<Float>.self)
      UnsafeMutableRawPointer(p + k).storeBytes(of: clampedExp(x), as: SIMD8<Float>.self)
      k += 8
    }
  }

  /// e^x with x clamped to ±20 (so products of three such terms stay finite).
  @inline(__always)
  static func clampedExp(_ x: SIMD8<Float>) -> SIMD8<Float> {
    var a = x.replacing(with: 20, where: x .> 20)
    a = a.replacing(with: -20, where: a .< -20)
    return FastMath.exp(a)
  }
}
