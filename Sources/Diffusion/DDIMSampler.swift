import NN

/// DDIM sampling with an SDEdit start for one tile (twin of `ddim_sample` in `schedule.py`).
///
/// x = √ᾱ(t₀)·x_fill + √(1 − ᾱ(t₀))·z₀; per timestep t (next t′, ᾱ(−1) = 1): v = net(x, t);
/// x₀ = clamp(√ᾱ·x − √(1−ᾱ)·v, −1, 1); ε = √(1−ᾱ)·x + √ᾱ·v;
/// σ = η·√((1 − ᾱ′)/(1 − ᾱ))·√(1 − ᾱ/ᾱ′); x = √ᾱ′·x₀ + √(1 − ᾱ′ − σ²)·ε + σ·z_{i+1}.
/// The last step returns x₀. Noise zᵢ comes from ``TileNoise`` with draw i, so the result depends
/// only on (seed, tile position, inputs): two runs are bit-identical for a fixed thread count.
public enum DDIMSampler {
  /// Clean estimate x₀ [1, 3, S, S] (x-space) of one tile.
  /// - Parameters:
  ///   - fill: x-space PDE fill of the tile [1, 3, S, S] (also channels 0–2 of `condition`).
  ///   - condition: [1, 12, S, S] conditioning.
  ///   - reference: reference embedding [1, 128, 1, 1] or nil.
  ///   - tile: (x, y) grid index of the tile, the noise key with `seed`.
  public static func sample(
    network: DiffusionUNet, fill: Tensor, condition: Tensor, reference: Tensor?,
    steps: Int, eta: Float, strength: Float, seed: Int, tile: (x: Int, y: Int), pool: TensorPool = .shared
  ) -> Tensor {
    let ts = NoiseSchedule.timesteps(strength: strength, count: steps)
    let x = pool.tensor(fill.shape)
    x.assign(fill)
    guard let first = ts.first else { return x }
    let n = fill.count
    let ab = NoiseSchedule.alphasCumprod
    let z = pool.tensor(fill.shape)
    TileNoise.fill(z.data, count: n, seed: seed, tileX: tile.x, tileY: tile.y, draw: 0)
    let a0 = Float(ab[first].squareRoot()), b0 = Float((1 - ab[first]).squareRoot())
    for i in 0..<n { x.data[i] = a0 * fill.data[i] + b0 * z.data[i] }
    for (i, t) in ts.enumerated() {
      let abt = ab[t]
      let abp = i + 1 < ts.count ? ab[ts[i + 1]] : 1.0
      let a = Float(abt.squareRoot()), b = Float((1 - abt).squareRoot())
      let v = network(x, t: [Float(t)], condition: condition, reference: reference, pool: pool)
      let last = i + 1 == ts.count
      let sigma = Double(eta) * ((1 - abp) / (1 - abt)).squareRoot() * max(1 - abt / abp, 0).squareRoot()
      let ap = Float(abp.squareRoot()), dir = Float(max(1 - abp - sigma * sigma, 0).squareRoot())
      if sigma > 0 && !last {
        TileNoise.fill(z.data, count: n, seed: seed, tileX: tile.x, tileY: tile.y, draw: i + 1)
      }
      let s = Float(sigma)
      for k in 0..<n {
        let xk = x.data[k], vk = v.data[k]
        let x0 = min(max(a * xk - b * vk, -1), 1)
        if last {
          x.data[k] = x0
        } else {
          let eps = b * xk + a * vk
          var nx = ap * x0 + dir * eps
          if s > 0 { nx += s * z.data[k] }
          x.data[k] = nx
        }
      }
    }
    return x
  }
}
