import Foundation

/// A seeded generator (64-bit LCG, top 24 bits) of uniform and Gaussian floats: the same numbers on every
/// machine, so noisy fixtures are reproducible.
public struct SeededNoise {
  private var state: UInt64

  public init(seed: UInt64) { state = seed }

  /// Uniform in (0, 1).
  public mutating func uniform() -> Float {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return (Float(state >> 40) + 0.5) / Float(1 << 24)
  }

  /// Standard normal (Box–Muller).
  public mutating func gaussian() -> Float {
    let u = uniform(), v = uniform()
    return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
  }
}
