import Execution

/// 2-D convolution over NCHW tensors (any kernel, stride, padding, dilation, groups; optional bias).
///
/// Matches `torch.nn.Conv2d` with zero padding. Weight layout `[Cout, Cin/groups, kh, kw]`, bias `[Cout]`.
/// Dispatch: 1×1/stride-1/unpadded → one `sgemm` per group on the input itself; depthwise
/// (groups = Cin = Cout) → `DepthwiseKernel`; otherwise im2col over bands of output rows, each band
/// followed by `sgemm` writing straight into the output (bias pre-filled, beta = 1); 3×3 stride-1 layers
/// with enough channels use Winograd F(4×4, 3×3) (see `Algorithm`). The Winograd filter transform is
/// cached per weight tensor: assign a new `weight` rather than editing `weight.data` in place after
/// the first forward pass.
public struct Conv2d: WeightLoadable {
  /// Input channels.
  public let inChannels: Int
  /// Output channels.
  public let outChannels: Int
  /// Channel groups (`inChannels` and `outChannels` are multiples).
  public let groups: Int
  /// Kernel, stride, padding, dilation.
  public let geometry: ConvGeometry
  /// Filters, `[Cout, Cin/groups, kh, kw]`.
  public var weight: Tensor
  /// Per-output-channel bias, `[Cout]` (shape [1,1,1,Cout]); nil when the layer has none.
  public var bias: Tensor?

  /// How 3×3 convolutions are computed (chosen per ``Execution/ExecutionContext``: `nnKernels.convAlgorithm`,
  /// with the im2col band size and Winograd block size beside it).
  public typealias Algorithm = NNKernelChoices.ConvAlgorithm

  /// Cached Winograd filter transform (shared by copies; keyed on the weight tensor's storage).
  let winogradCache = WinogradCache()

  /// Creates a layer with zero weights (and zero bias when `bias` is true).
  public init(
    inChannels: Int, outChannels: Int, kernel: (Int, Int), stride: (Int, Int) = (1, 1),
    padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), groups: Int = 1, bias: Bool = true
  ) {
    precondition(groups >= 1 && inChannels % groups == 0 && outChannels % groups == 0, "channels vs groups")
    self.inChannels = inChannels
    self.outChannels = outChannels
    self.groups = groups
    geometry = ConvGeometry(kernel: kernel, stride: stride, padding: padding, dilation: dilation)
    weight = Tensor(zeros: Shape(outChannels, inChannels / groups, kernel.0, kernel.1))
    self.bias = bias ? Tensor(zeros: Shape(1, 1, 1, outChannels)) : nil
  }

  /// Square-kernel convenience initialiser (same value on both axes).
  public init(
    _ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0, dilation: Int = 1,
    groups: Int = 1, bias: Bool = true
  ) {
    self.init(
      inChannels: inChannels, outChannels: outChannels, kernel: (kernel, kernel), stride: (stride, stride),
      padding: (padding, padding), dilation: (dilation, dilation), groups: groups, bias: bias)
  }

  /// Expected weight dims `[Cout, Cin/groups, kh, kw]`.
  public var weightDims: [Int] { [outChannels, inChannels / groups, geometry.kernelH, geometry.kernelW] }

  /// Output shape for an NCHW input shape.
  public func outputShape(for s: Shape) -> Shape {
    precondition(s.c == inChannels, "Conv2d expects \(inChannels) channels, got \(s)")
    let (oh, ow) = geometry.convOutput(h: s.h, w: s.w)
    precondition(oh > 0 && ow > 0, "Conv2d output is empty for input \(s)")
    return Shape(s.n, outChannels, oh, ow)
  }

  /// Reads `prefix.weight` and (if this layer has a bias) `prefix.bias`.
  public mutating func load(from weights: SafeTensors, prefix: String) throws {
    weight = try weights.tensor(prefix.dot("weight"), shape: weightDims)
    if bias != nil { bias = try weights.tensor(prefix.dot("bias"), shape: [outChannels]) }
  }

  /// Folds a following `BatchNorm2d` (eval mode) into this layer's weight and bias.
  ///
  /// w′ = w·γ/√(var+ε), b′ = (b − mean)·γ/√(var+ε) + β; the layer gains a bias if it had none.
  public mutating func fold(_ bn: BatchNorm2d) {
    precondition(bn.channels == outChannels, "BatchNorm channels")
    let per = weight.count / outChannels
    let newBias = Tensor(zeros: Shape(1, 1, 1, outChannels))
    let w = weight.copy()
    for o in 0..<outChannels {
      let s = bn.gamma.data[o] / (bn.runningVar.data[o] + bn.eps).squareRoot()
      for i in 0..<per { w.data[o * per + i] *= s }
      let b = bias?.data[o] ?? 0
      newBias.data[o] = (b - bn.runningMean.data[o]) * s + bn.beta.data[o]
    }
    weight = w
    bias = newBias
  }
}
