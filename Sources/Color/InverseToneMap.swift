/// Highlight expansion of SDR-range luminance toward an HDR peak.
///
/// Works on relative linear luminance Y (1 = SDR white, which sits at reference white, BT.2408 203 cd/m²).
/// Below the knee k the curve is the identity, so diffuse content keeps the BT.2408 placement. Above it,
/// with t = (Y − k)/(1 − k) and P = peak/reference white:
///
///     f(Y) = k + (P − k) · (a·t + (1 − a)·t^p),   a = (1 − k)/(P − k)
///
/// `a` makes the slope 1 at the knee (C¹, no visible band) and f(1) = P, so SDR white (where clipping
/// happened) lands on the mastering peak. The power term keeps mid-highlights close to SDR while the last
/// stop before clipping takes most of the headroom, which is where clipped skies and speculars live. For
/// Y ≥ 1 (clipped or reconstructed values) it returns P.
/// It is monotonic for p ≥ 1. Applied as a ratio f(Y)/Y to RGB so hue and saturation are kept.
public struct InverseToneMap: Sendable {
  /// Knee in relative linear.
  public let knee: Float
  /// Peak in relative linear (peakNits / referenceWhiteNits).
  public let peak: Float
  /// Power exponent p.
  public let exponent: Float
  @usableFromInline let slopeAtKnee: Float

  /// - Parameters: peakNits and referenceWhiteNits in cd/m²; if the peak is not above reference white the
  ///   curve is the identity.
  public init(params: ExpansionParams, peakNits: Float, referenceWhiteNits: Float) {
    let p = max(1, peakNits / referenceWhiteNits)
    peak = params.enabled ? p : 1
    knee = params.kneeLinear
    exponent = params.exponent
    slopeAtKnee = peak > knee ? (1 - knee) / (peak - knee) : 1
  }

  /// Whether the curve is the identity (no headroom or disabled).
  public var isIdentity: Bool { peak <= 1 }

  /// f(Y) for relative linear luminance Y ≥ 0.
  @inlinable public func map(_ y: Float) -> Float {
    if isIdentity || y <= knee { return y }
    let t = (y - knee) / (1 - knee)
    if t >= 1 {
      return peak
    }
    let a = slopeAtKnee
    return knee + (peak - knee) * (a * t + (1 - a) * powf(t, exponent))
  }
}

#if canImport(Glibc)
  import Glibc
#endif
