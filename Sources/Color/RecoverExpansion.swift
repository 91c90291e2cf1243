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

  // BT.709 luma weights on linear light (ITU-R BT.709 item 3.2).
  static let wr: Float = 0.2126, wg: Float = 0.7152, wb: Float = 0.0722

  /// The output of one pixel (the definition; the frame loop below follows it exactly).
  @inline(__always)
  public func map(_ r: Float, _ g: Float, _ b: Float, mask m: Float) -> SIMD3<Float> {
    let y = Self.wr * r + Self.wg * g + Self.wb * b
    let top = max(r, g, b)
    let lifted = y + (gain - 1) * max(0, y - 1) + liftLinear * m
    if lifted == y && top <= peak { return SIMD3(r, g, b) }
    if y <= 1e-6 {
      let v = min(max(lifted, 0), peak)
      return SIMD3(v, v, v)
    }
    let ratio = min(max(lifted, 0) / y, peak / max(top, 1e-6))
    return SIMD3(r, g, b) * ratio
  }

  /// Expands `img` ([3, H, W] linear) in place, `overMask` ([1, H, W]) giving m.
  public func apply(to img: PlanarImage, overMask: PlanarImage?) {
    let n = img.planeSize
    let r = img.plane(0), g = img.plane(1), b = img.plane(2)
    let mask: UnsafeMutablePointer<Float>? = overMask?.plane(0)
    let me = self
    Parallel.forRanges(n, minChunk: 16384) { start, end in
      for i in start..<end {
        let m = mask?[i] ?? 0
        let out = me.map(r[i], g[i], b[i], mask: m)
        r[i] = out.x; g[i] = out.y; b[i] = out.z
      }
    }
  }
}
