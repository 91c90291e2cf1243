import Foundation

// MARK: - HLG EOTF (ITU-R BT.2100)

extension HLG {
  /// EOTF: HLG R'G'B' signal → BT.2020 display RGB in cd/m² on a display of nominal peak `peakNits`.
  ///
  /// F_D = OOTF(OETF⁻¹(E')) (ITU-R BT.2100, black level L_B = 0, so β = 0).
  /// - Parameters:
  ///   - r: red signal 0...1.
  ///   - g: green signal 0...1.
  ///   - b: blue signal 0...1.
  ///   - peakNits: nominal display peak L_W in cd/m² (sets the system gamma).
  /// - Returns: display light in cd/m², BT.2020 primaries.
  @inlinable public static func eotf(
    r: Double, g: Double, b: Double, peakNits: Double
  ) -> (Double, Double, Double) {
    ootf(r: inverseOETF(r), g: inverseOETF(g), b: inverseOETF(b), peakNits: peakNits)
  }

  /// Inverse EOTF: BT.2020 display RGB in cd/m² → HLG R'G'B' signal (ITU-R BT.2100: OETF ∘ OOTF⁻¹).
  /// - Parameters:
  ///   - r: red display light in cd/m².
  ///   - g: green display light in cd/m².
  ///   - b: blue display light in cd/m².
  ///   - peakNits: nominal display peak L_W in cd/m².
  /// - Returns: signal R'G'B'; light above the display peak gives values above 1 (not clamped).
  @inlinable public static func inverseEOTF(
    r: Double, g: Double, b: Double, peakNits: Double
  ) -> (Double, Double, Double) {
    let s = inverseOOTF(r: r, g: g, b: b, peakNits: peakNits)
    return (oetf(s.0), oetf(s.1), oetf(s.2))
  }

  /// EOTF of an achromatic signal (R' = G' = B' = `signal`) → display luminance in cd/m².
  ///
  /// For grey Y_S = E, so F_D = L_W · E^γ (ITU-R BT.2100).
  @inlinable public static func eotf(signal: Double, peakNits: Double) -> Double {
    peakNits * pow(inverseOETF(signal), systemGamma(peakNits: peakNits))
  }

  /// Inverse of ``eotf(signal:peakNits:)``: display luminance of grey in cd/m² → HLG signal.
  @inlinable public static func inverseEOTF(nits: Double, peakNits: Double) -> Double {
    oetf(pow(max(nits, 0) / peakNits, 1 / systemGamma(peakNits: peakNits)))
  }
}
