#if canImport(Glibc)
  import Glibc
#endif

/// Cosine noise schedule and the DDIM/SDEdit timesteps (twin of `Training/diffusion/schedule.py`).
///
/// ᾱ(t) for t = 0…T−1 (T = 1000) with f(u) = cos²((u + s)/(1 + s)·π/2), s = 0.008,
/// βᵢ = min(1 − f((i+1)/T)/f(i/T), 0.999), ᾱ(t) = ∏_{i≤t}(1 − βᵢ), computed in Double
/// (Nichol & Dhariwal 2021, "Improved DDPM").
public enum NoiseSchedule {
  /// Training steps T.
  public static let steps = 1000
  /// ᾱ(t), t = 0…T−1.
  public static let alphasCumprod: [Double] = {
    let s = 0.008
    func f(_ u: Double) -> Double {
      let c = cos((u + s) / (1 + s) * Double.pi / 2)
      return c * c
    }
    var out = [Double](repeating: 0, count: steps)
    var acc = 1.0
    for i in 0..<steps {
      let beta = min(1 - f(Double(i + 1) / Double(steps)) / f(Double(i) / Double(steps)), 0.999)
      acc *= 1 - beta
      out[i] = acc
    }
    return out
  }()

  /// Decreasing DDIM timesteps of an SDEdit start at `strength` with `count` steps; empty for 0.
  ///
  /// t₀ = ⌊strength·T + 0.5⌋ − 1 clamped to 0…T−1; tᵢ = ⌊t₀·(count − i)/count⌋, duplicates dropped.
  public static func timesteps(strength: Float, count: Int) -> [Int] {
    guard strength > 0, count > 0 else { return [] }
    let t0 = min(max(Int((Double(strength) * Double(steps) + 0.5).rounded(.down)) - 1, 0), steps - 1)
    var ts: [Int] = []
    for i in 0..<count {
      let t = (t0 * (count - i)) / count
      if ts.isEmpty || t < ts[ts.count - 1] { ts.append(t) }
    }
    return ts
  }
}
