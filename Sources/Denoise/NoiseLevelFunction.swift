import Foundation

/// How noise grows with signal: per channel, variance σ²(x) = shot·x + read in linear light (1 = SDR white),
/// the Poisson–Gaussian model of a camera's raw noise (Foi et al., "Practical Poissonian-Gaussian noise
/// modeling and fitting for single-image raw-data", IEEE TIP 2008).
public struct NoiseLevelFunction: Equatable, Sendable, CustomStringConvertible {
  /// Variance per unit of signal (the shot-noise term), per R, G, B.
  public var shot: SIMD3<Float>
  /// Signal-independent variance (read noise, quantisation), per R, G, B.
  public var read: SIMD3<Float>

  public init(shot: SIMD3<Float>, read: SIMD3<Float>) {
    self.shot = shot
    self.read = read
  }

  /// No noise.
  public static let zero = NoiseLevelFunction(shot: .zero, read: .zero)

  /// A flat σ on every channel at every level.
  public init(sigma: Float) { self.init(shot: .zero, read: SIMD3(repeating: sigma * sigma)) }

  /// Standard deviation of channel `c` (0 R, 1 G, 2 B) at linear level `x`.
  public func sigma(channel c: Int, level x: Float) -> Float {
    (shot[c] * max(x, 0) + read[c]).squareRoot()
  }

  /// σ per channel at 18 % grey, 50 % and SDR white: the levels `--stats` and logs report.
  public static let reportLevels: [Float] = [0.18, 0.5, 1]

  public var description: String {
    Self.reportLevels.map { x in
      let s = (0..<3).map { String(format: "%.4f", sigma(channel: $0, level: x)) }.joined(separator: "/")
      return "σ(\(x)) \(s)"
    }.joined(separator: ", ")
  }
}
