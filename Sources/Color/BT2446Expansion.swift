import Foundation
import Imaging

/// The `bt2446a` and `bt2446c` expansion styles: an ITU-R BT.2446-1 SDR → HDR curve on luminance, applied as
/// a ratio to linear RGB (hue kept) and bounded by the output peak.
///
/// Both methods take SDR as displayed on a 100 cd/m² display; the frame's relative linear Y (1 = SDR white)
/// is that display's light / 100 cd/m², and the curve's cd/m² are divided by reference white to return to
/// the frame's relative scale.
/// - A (Report BT.2446-1 table 3): Y' = Y^(1/2.4), HDR light = ``BT2446A/greyNits(luma:)`` (SDR white → 1000
///   cd/m²); the method's chroma step is not applied (hue and saturation are kept by the ratio).
/// - C (Report BT.2446-1 method C): HDR light = ``BT2446C/expand(sdrNits:)`` of 100·Y.
public struct BT2446Expansion: Sendable {
  public let method: ExpansionStyle
  public let referenceWhiteNits: Float
  public let peak: Float

  /// `method` is `.bt2446a` or `.bt2446c`.
  public init(method: ExpansionStyle, peakNits: Float, referenceWhiteNits: Float) {
    precondition(method == .bt2446a || method == .bt2446c, "a BT.2446 style")
    self.method = method
    self.referenceWhiteNits = referenceWhiteNits
    peak = max(1, peakNits / referenceWhiteNits)
  }

  /// Relative linear luminance in → relative linear luminance out. Above SDR white (a rebuilt highlight)
  /// the curve's value at white is scaled by Y, so the rebuild keeps its shape.
  public func mapLuminance(_ y: Float) -> Float {
    if y > 1 { return y * mapLuminance(1) }
    let sdrNits = 100 * Double(max(0, y))
    let nits: Double
    switch method {
    case .bt2446a: nits = BT2446A.greyNits(luma: pow(sdrNits / 100, 1 / 2.4))
    default: nits = BT2446C.expand(sdrNits: sdrNits)
    }
    return Float(nits) / referenceWhiteNits
  }

  /// Expands `img` ([3, H, W] linear) in place.
  public func apply(to img: PlanarImage) {
    let me = self
    // A black pixel (Y ≤ 1e-6) becomes grey at the curve's value of black.
    LuminanceGain.apply(to: img, mask: nil, peak: peak) { y, _ in me.mapLuminance(y <= 1e-6 ? 0 : y) }
  }
}
