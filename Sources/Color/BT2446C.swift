import Foundation

/// ITU-R BT.2446-1 method C tone curve (HDR → SDR) and its exact inverse used as an SDR → HDR expansion.
///
/// Forward (Report ITU-R BT.2446-1 method C, luminance in cd/m²):
///
///     Y_SDR = k1·Y                      for Y < Y_ip
///     Y_SDR = k2·ln(Y/Y_ip − k3) + k4   for Y ≥ Y_ip,   Y_ip = 58.5/k1
///
/// with k1 = 0.83802, k2 = 15.09968, k3 = 0.74204, k4 = 78.99439. Inverse:
///
///     Y = Y_SDR/k1                        for Y_SDR < k1·Y_ip (= 58.5)
///     Y = Y_ip·(exp((Y_SDR − k4)/k2) + k3)  otherwise, never below Y_ip
///
/// With the published constants the log segment starts at 58.535, not 58.5, so the forward curve has a
/// small upward step at Y_ip; SDR values in 58.5..<58.535 have no preimage and the inverse maps them to
/// Y_ip, which keeps it monotonic and makes inverse(forward(Y)) = Y exact. SDR 100 cd/m² expands to
/// ≈ 332 cd/m²; HDR 1000 cd/m² tone-maps to ≈ 118 (SDR super-white).
public enum BT2446C {
  public static let k1: Double = 0.83802
  public static let k2: Double = 15.09968
  public static let k3: Double = 0.74204
  public static let k4: Double = 78.99439
  /// Inflection point Y_ip = 58.5/k1 ≈ 69.81 cd/m² (HDR side).
  public static let inflectionNits: Double = 58.5 / k1

  /// Forward curve: HDR luminance in cd/m² → SDR luminance in cd/m² (negative input clamps to 0).
  @inlinable public static func toneMap(nits: Double) -> Double {
    let y = max(nits, 0)
    return y < inflectionNits ? k1 * y : k2 * log(y / inflectionNits - k3) + k4
  }

  /// Inverse curve: SDR luminance in cd/m² → HDR luminance in cd/m² (the SDR → HDR expansion).
  @inlinable public static func expand(sdrNits: Double) -> Double {
    let y = max(sdrNits, 0)
    if y < k1 * inflectionNits { return y / k1 }
    return max(inflectionNits, inflectionNits * (exp((y - k4) / k2) + k3))
  }

  /// Expands BT.2020 linear SDR display RGB in cd/m² by the luminance ratio expand(Y)/Y (hue and
  /// saturation kept), Y on BT.2020 weights.
  public static func expand(r: Double, g: Double, b: Double) -> (Double, Double, Double) {
    let (kr, kg, kb) = Primaries.bt2020.lumaWeights
    let y = kr * r + kg * g + kb * b
    if y <= 0 { return (0, 0, 0) }
    let k = expand(sdrNits: y) / y
    return (k * r, k * g, k * b)
  }
}
