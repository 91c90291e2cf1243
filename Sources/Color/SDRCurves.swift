import Foundation

/// IEC 61966-2-1 sRGB piecewise transfer.
public enum SRGB {
  /// EOTF: signal 0...1 → linear 0...1 (IEC 61966-2-1).
  @inlinable public static func eotf(_ v: Double) -> Double {
    v <= 0.04045 ? v / 12.92 : pow((max(v, 0) + 0.055) / 1.055, 2.4)
  }
  /// Inverse EOTF: linear 0...1 → signal 0...1 (IEC 61966-2-1).
  @inlinable public static func inverseEOTF(_ l: Double) -> Double {
    l <= 0.0031308 ? 12.92 * l : 1.055 * pow(max(l, 0), 1 / 2.4) - 0.055
  }
}

/// ITU-R BT.1886 reference EOTF with black level 0 (pure 2.4 power), relative to white.
public enum BT1886 {
  /// EOTF: signal 0...1 → linear relative 0...1 (BT.1886, L_B = 0).
  @inlinable public static func eotf(_ v: Double) -> Double { pow(max(v, 0), 2.4) }
  /// Inverse EOTF (BT.1886, L_B = 0).
  @inlinable public static func inverseEOTF(_ l: Double) -> Double { pow(max(l, 0), 1 / 2.4) }
}

/// ITU-R BT.709 camera OETF (scene light → signal).
///
/// BT.709 publishes the rounded constants α = 1.099, β = 0.018, with which the two segments do not meet
/// (4.5·0.018 = 0.081 but 1.099·0.018^0.45 − 0.099 ≈ 0.08125), so the rounded inverse was not monotonic
/// just above 0.081. This uses the exact continuous values that ITU-R BT.2020 (table 4, note) gives for
/// the same curve, α = 1.09929682680944 and β = 0.018053968510807; the signal differs from the rounded
/// curve by at most 2.5e-4 (a quarter of a 10-bit code, at the joint; 1.7e-4 at 18 % grey).
public enum BT709 {
  /// α: the power segment is α·L^0.45 − (α − 1) (BT.2020 exact value).
  public static let alpha: Double = 1.09929682680944
  /// β: the linear segment 4.5·L is used for L < β (BT.2020 exact value).
  public static let beta: Double = 0.018053968510807

  /// OETF: linear scene 0...1 → signal (BT.709, exact-continuous constants).
  @inlinable public static func oetf(_ l: Double) -> Double {
    l < beta ? 4.5 * l : alpha * pow(l, 0.45) - (alpha - 1)
  }
  /// Inverse OETF: signal → linear scene 0...1 (BT.709, exact-continuous constants).
  @inlinable public static func inverseOETF(_ v: Double) -> Double {
    v < 4.5 * beta ? v / 4.5 : pow((v + (alpha - 1)) / alpha, 1 / 0.45)
  }
}
