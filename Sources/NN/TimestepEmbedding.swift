#if canImport(Glibc)
  import Glibc
#endif

/// Sinusoidal timestep embedding, as in guided-diffusion / diffusers `get_timestep_embedding`.
///
/// With half = dim/2 and fᵢ = exp(−ln(maxPeriod)·i/half) in float32, the embedding of t is
/// [cos(t·f₀) … cos(t·f_{half−1}), sin(t·f₀) … sin(t·f_{half−1})], zero-padded when `dim` is odd.
/// This implementation matches guided-diffusion `timestep_embedding(t, dim, max_period)`.
public enum TimestepEmbedding {
  /// Embeds each timestep: `[N]` → `[N, dim, 1, 1]`.
  public static func apply(
    _ timesteps: [Float], dim: Int, maxPeriod: Float = 10000, pool: TensorPool = .shared
  ) -> Tensor {
    let half = dim / 2
    let out = pool.zeros(Shape(timesteps.count, dim, 1, 1))
    let logP = Float(log(Double(maxPeriod)))
    for (n, t) in timesteps.enumerated() {
      let row = out.data + n * dim
      for i in 0..<half {
        let a = (-logP * Float(i)) / Float(half)
        let f = Float(exp(Double(a)))
        let arg = t * f
        row[i] = Float(cos(Double(arg)))
        row[half + i] = Float(sin(Double(arg)))
      }
    }
    return out
  }
}
