/// Fully connected layer (`torch.nn.Linear`): y = x·Wᵀ + b on `[N, in]` features.
///
/// Input and output are NCHW tensors whose per-item size is the feature count (`[N, in, 1, 1]` is
/// typical); weight `[out, in]`, bias `[out]`.
public struct Linear: WeightLoadable {
  /// Input features.
  public let inFeatures: Int
  /// Output features.
  public let outFeatures: Int
  /// Weight `[out, in]` (shape [1,1,out,in]).
  public var weight: Tensor
  /// Bias `[out]`, or nil.
  public var bias: Tensor?

  /// Creates a layer with zero weights.
  public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true) {
    self.inFeatures = inFeatures
    self.outFeatures = outFeatures
    weight = Tensor(zeros: Shape(1, 1, outFeatures, inFeatures))
    self.bias = bias ? Tensor(zeros: Shape(1, 1, 1, outFeatures)) : nil
  }

  /// Reads `prefix.weight` and `prefix.bias`.
  public mutating func load(from weights: SafeTensors, prefix: String) throws {
    weight = try weights.tensor(prefix.dot("weight"), shape: [outFeatures, inFeatures])
    if bias != nil { bias = try weights.tensor(prefix.dot("bias"), shape: [outFeatures]) }
  }

  /// Applies the layer to `x` with `inFeatures` elements per batch item; returns `[N, out, 1, 1]`.
  public func callAsFunction(_ x: Tensor, pool: TensorPool = .shared) -> Tensor {
    let n = x.shape.n
    precondition(x.shape.item == inFeatures, "Linear expects \(inFeatures) features per item, got \(x.shape)")
    let out = pool.tensor(Shape(n, outFeatures, 1, 1))
    if let bias {
      for i in 0..<n { (out.data + i * outFeatures).update(from: bias.data, count: outFeatures) }
    }
    Gemm.sgemm(
      transB: true, m: n, n: outFeatures, k: inFeatures, a: x.data, lda: inFeatures, b: weight.data, ldb: inFeatures,
      beta: bias == nil ? 0 : 1, c: out.data, ldc: outFeatures)
    return out
  }
}
