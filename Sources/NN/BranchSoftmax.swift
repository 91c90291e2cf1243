#if canImport(Glibc)
  import Glibc
#endif

/// Softmax across K branches, elementwise (the selective-kernel / fusion weighting).
///
/// For logits z_k of equal shape, w_k = e^{z_k − max_j z_j} / Σ_j e^{z_j − max_j z_j} at every element.
public enum BranchSoftmax {
  /// Returns one pooled weight tensor per branch.
  public static func apply(_ logits: [Tensor], pool: TensorPool = .shared) -> [Tensor] {
    precondition(!logits.isEmpty)
    let s = logits[0].shape
    for l in logits { precondition(l.shape == s, "branch shapes differ") }
    let outs = logits.map { _ in pool.tensor(s) }
    let k = logits.count
    NNThreading.forRanges(s.count, minChunk: 1024) { s0, e in
      for i in s0..<e {
        var m = -Float.infinity
        for b in 0..<k { m = max(m, logits[b].data[i]) }
        var sum: Float = 0
        for b in 0..<k {
          let v = expf(logits[b].data[i] - m)
          outs[b].data[i] = v
          sum += v
        }
        let inv = 1 / sum
        for b in 0..<k { outs[b].data[i] *= inv }
      }
    }
    return outs
  }
}
