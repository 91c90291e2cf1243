import Foundation

/// ITU-R BT.2100 hybrid log-gamma: OETF, inverse OETF, OOTF and EOTF.
///
/// Scene light E is normalised to 0...1; display light is in cd/m² for a display of nominal peak `L_W`
/// (black level 0).
public enum HLG {
  // BT.2100 HLG constants.
  public static let a: Double = 0.17883277
  public static let b: Double = 0.28466892  // 1 − 4a
  public static let c: Double = 0.55991073  // 0.5 − a·ln(4a)

  /// OETF: normalised scene light E in 0...1 → signal E' (BT.2100).
  @inlinable public static func oetf(_ e: Double) -> Double {
    let x = max(e, 0)
    return x <= 1.0 / 12.0 ? (3 * x).squareRoot() : a * log(12 * x - b) + c
  }

  /// Inverse OETF: signal E' → normalised scene light E in 0...1 (BT.2100).
  @inlinable public static func inverseOETF(_ signal: Double) -> Double {
    let x = max(signal, 0)
    return x <= 0.5 ? x * x / 3 : (exp((x - c) / a) + b) / 12
  }

  /// System gamma for a display of nominal peak `peakNits` (BT.2100 note 5e: 1.2 + 0.42·log10(L_W/1000)).
  @inlinable public static func systemGamma(peakNits: Double) -> Double {
    1.2 + 0.42 * log10(peakNits / 1000)
  }

  /// OOTF on BT.2020 linear scene RGB in 0...1 → display RGB in cd/m² (BT.2100, black level 0).
  @inlinable public static func ootf(
    r: Double, g: Double, b: Double, peakNits: Double
  ) -> (Double, Double, Double) {
    let gamma = systemGamma(peakNits: peakNits)
    let ys = 0.2627 * r + 0.6780 * g + 0.0593 * b
    let k = ys > 0 ? peakNits * pow(ys, gamma - 1) : 0
    return (k * r, k * g, k * b)
  }

  /// Inverse OOTF: BT.2020 display RGB in cd/m² → linear scene RGB in 0...1 (BT.2100).
  @inlinable public static func inverseOOTF(
    r: Double, g: Double, b: Double, peakNits: Double
  ) -> (Double, Double, Double) {
    let gamma = systemGamma(peakNits: peakNits)
    let yd = 0.2627 * r + 0.6780 * g + 0.0593 * b
    if yd <= 0 { return (0, 0, 0) }
    // Y_D = L_W · Y_S^γ  ⇒  Y_S = (Y_D / L_W)^(1/γ); E = F_D / (L_W · Y_S^(γ−1)).
    let ys = pow(yd / peakNits, 1 / gamma)
    let k = 1 / (peakNits * pow(ys, gamma - 1))
    return (k * r, k * g, k * b)
  }
}
