import Foundation

/// SMPTE ST 2084 perceptual quantizer, absolute luminance in cd/m² (0...10000).
public enum PQ {
  // ST 2084 constants.
  public static let m1: Double = 2610.0 / 16384.0
  public static let m2: Double = 2523.0 / 4096.0 * 128.0
  public static let c1: Double = 3424.0 / 4096.0
  public static let c2: Double = 2413.0 / 4096.0 * 32.0
  public static let c3: Double = 2392.0 / 4096.0 * 32.0

  /// Inverse EOTF: luminance in cd/m² → signal in 0...1 (ST 2084). Negative input clamps to 0.
  @inlinable public static func encode(nits: Double) -> Double {
    let y = min(max(nits / 10000.0, 0), 1)
    let ym = pow(y, m1)
    return pow((c1 + c2 * ym) / (1 + c3 * ym), m2)
  }

  /// EOTF: signal in 0...1 → luminance in cd/m² (ST 2084).
  @inlinable public static func decode(signal: Double) -> Double {
    let e = pow(min(max(signal, 0), 1), 1 / m2)
    let num = max(e - c1, 0)
    return 10000.0 * pow(num / (c2 - c3 * e), 1 / m1)
  }
}
