import Imaging

/// The `recover` expansion style: unclipped pixels keep their linearised level; what lies above SDR white (the
/// highlight stage's rebuild of clipped regions) is scaled, and clipped pixels get a lift by their mask.
///
/// Per pixel, with Y the BT.709 luminance of the linear frame (1 = SDR white), e = max(0, Y − 1) and m the
/// over-exposure mask (0 without one):
///
///     Y' = Y + (gain − 1)·e + lift·m
///
/// applied as the ratio Y'/Y to RGB (hue kept), then bounded so that no channel passes the peak P. A pixel
/// with Y ≤ 1 and m = 0 is never rewritten, so diffuse content and unclipped highlights keep their level.
public struct RecoverExpansion: Sendable {
  public let gain: Float
  public let liftLinear: Float
  /// Output peak in relative linear (peakNits / referenceWhiteNits), at least 1.
  public let peak: Float

  public init(params: ExpansionParams, peakNits: Float, referenceWhiteNits: Float) {
    gain = params.recoverGain
    liftLinear = params.clippedLiftLinear
    peak = max(1, peakNits / referenceWhiteNits)
  }

  /// Y' for a pixel of luminance `y` and mask value `m`.
  @inline(__always)
  func target(_ y: Float, mask m: Float) -> Float { y + (gain - 1) * max(0, y - 1) + liftLinear * m }

  /// The output of one pixel (the definition the frame loop applies).
  public func map(_ r: Float, _ g: Float, _ b: Float, mask m: Float) -> SIMD3<Float> {
    let y = ExpansionApplier.wr * r + ExpansionApplier.wg * g + ExpansionApplier.wb * b
    return LuminanceGain.pixel(r, g, b, luminance: y, target: target(y, mask: m), peak: peak)
  }

  /// Expands `img` ([3, H, W] linear) in place, `overMask` ([1, H, W]) giving m.
  public func apply(to img: PlanarImage, overMask: PlanarImage?) {
    let me = self
    LuminanceGain.apply(to: img, mask: overMask, peak: peak) { y, m in me.target(y, mask: m) }
  }
}
