import Foundation

/// ITU-R BT.2446-1 method A, SDR → HDR direction (inverse tone mapping, Report BT.2446-1 table 3).
///
/// Input: SDR BT.2020 R'G'B' 0...1 with a 1/2.4 gamma (100 cd/m² nominal). Steps:
///
/// 1. Y' = 0.2627·R' + 0.6780·G' + 0.0593·B' (BT.2020 luma), C'b = (B' − Y')/1.8814,
///    C'r = (R' − Y')/1.4746.
/// 2. Y'' = 255·Y'.
/// 3. E = a1·Y''² + b1·Y'' + c1 if Y'' ≤ 70, else a2·Y''² + b2·Y'' + c2.
/// 4. Y'_HDR = Y''^E, in 0...1000.
/// 5. S_c = 1.075·Y'_HDR / Y' (1 when Y' = 0); C'b,HDR = S_c·C'b, C'r,HDR = S_c·C'r.
/// 6. R' = Y'_HDR + 1.4746·C'r, G' = Y'_HDR − 0.16455·C'b − 0.57135·C'r, B' = Y'_HDR + 1.8814·C'b,
///    clipped to 0...1000.
/// 7. Linear display light = (R'/1000)^2.4 × 1000 cd/m².
///
/// It maps SDR white to ≈ 1000 cd/m² (255^E(255) ≈ 999.8, so ≈ 999.5 cd/m² after step 7), not to
/// the BT.2408 reference white of 203 cd/m². With the published constants the exponent has a small step
/// at Y'' = 70 (E = 1.214451 below, 1.214434 above), so Y'_HDR drops by ≈ 0.012 (7e-5 relative) just above
/// Y'' = 70: the curve is monotonic except inside that 0.004-code-wide gap. The constants are kept exact.
public enum BT2446A {
  /// Exponent coefficients for Y'' ≤ 70.
  public static let a1: Double = 1.8712e-5
  public static let b1: Double = -2.7334e-3
  public static let c1: Double = 1.3141
  /// Exponent coefficients for Y'' > 70.
  public static let a2: Double = 2.8305e-6
  public static let b2: Double = -7.4622e-4
  public static let c2: Double = 1.2528
  /// Y'' threshold between the two exponent polynomials.
  public static let threshold: Double = 70
  /// Chroma gain applied with the luma ratio.
  public static let chromaGain: Double = 1.075
  /// HDR peak the method targets, cd/m².
  public static let peakNits: Double = 1000

  /// Exponent E for the 0...255 luma value Y'' (step 3).
  @inlinable public static func exponent(lumaCode y: Double) -> Double {
    y <= threshold ? (a1 * y + b1) * y + c1 : (a2 * y + b2) * y + c2
  }

  /// SDR luma Y' 0...1 → HDR luma Y'_HDR 0...1000 (steps 2–4).
  @inlinable public static func expandLuma(_ luma: Double) -> Double {
    let y = 255 * min(max(luma, 0), 1)
    if y <= 0 { return 0 }
    return min(pow(y, exponent(lumaCode: y)), peakNits)
  }

  /// Display luminance in cd/m² of SDR grey with luma Y' (R' = G' = B' = Y'): (Y'_HDR/1000)^2.4 × 1000.
  @inlinable public static func greyNits(luma: Double) -> Double {
    peakNits * pow(expandLuma(luma) / peakNits, 2.4)
  }

  /// SDR BT.2020 R'G'B' 0...1 (γ 1/2.4) → BT.2020 linear display RGB in cd/m² (0...1000), all steps.
  public static func expand(r: Double, g: Double, b: Double) -> (Double, Double, Double) {
    let (kr, kg, kb) = Primaries.bt2020.lumaWeights
    let y = kr * r + kg * g + kb * b
    let cb = (b - y) / 1.8814
    let cr = (r - y) / 1.4746
    let yHDR = expandLuma(y)
    let sc = y > 0 ? chromaGain * yHDR / y : 1
    let cbH = sc * cb, crH = sc * cr
    func display(_ v: Double) -> Double { peakNits * pow(min(max(v, 0), peakNits) / peakNits, 2.4) }
    return (
      display(yHDR + 1.4746 * crH),
      display(yHDR - 0.16455 * cbH - 0.57135 * crH),
      display(yHDR + 1.8814 * cbH)
    )
  }
}
