import Imaging

/// The `recover` expansion style: unclipped pixels keep their linearised level; what lies above SDR white (the
/// highlight stage's rebuild of clipped regions) is scaled, and clipped pixels get a lift by their mask.
///
/// Per pixel, with Y the BT.709 luminance of the linear frame (1 = SDR white), e = max(0, Y − 1) and m the
/// over-exposure mask opened by a (2r + 1)² square, r = `liftOpeningRadiusPixels` (0 without a mask; regions
/// narrower than the square, such as captions, get no lift):
///
///     Y' = Y + (gain − 1)·e + lift·m·s
///
/// applied as the ratio Y'/Y to RGB (hue kept), then bounded so that no channel passes the peak P. A pixel
/// with Y ≤ 1 and m = 0 is never rewritten, so diffuse content and unclipped highlights keep their level.
/// s is 1, or with a surround σ > 0 the darkness of the pixel's unclipped surroundings (``SurroundDarkness``):
/// a clipped region cut sharply out of a darker scene (a window, a lamp) is lifted, one that rolls into the
/// clip through near-white (a bright wall or sky just over it) is not.
public struct RecoverExpansion: Sendable {
  public let gain: Float
  public let liftLinear: Float
  /// The surround weighting of the lift (nil: s = 1).
  public let surround: SurroundDarkness?
  /// Radius of the opening of the mask the lift reads (0: none).
  public let liftOpeningRadius: Int
  /// Output peak in relative linear (peakNits / referenceWhiteNits), at least 1.
  public let peak: Float

  public init(params: ExpansionParams, peakNits: Float, referenceWhiteNits: Float) {
    gain = params.recoverGain
    liftLinear = params.clippedLiftLinear
    surround = params.liftSurroundSigmaPerHeightPercent > 0
      ? SurroundDarkness(
        sigmaPerHeightPercent: params.liftSurroundSigmaPerHeightPercent, from: params.liftDarkSurroundFrom,
        to: params.liftDarkSurroundTo)
      : nil
    liftOpeningRadius = params.liftOpeningRadiusPixels
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
  ///
  /// Most pixels of a frame are never rewritten (Y ≤ 1, within the peak, and m = 0 or no lift), so eight
  /// at a time are tested for that and skipped; the others go through ``map(_:_:_:mask:)`` one by one.
  public func apply(to img: PlanarImage, overMask: PlanarImage?) {
    let n = img.planeSize
    let r = img.plane(0), g = img.plane(1), b = img.plane(2)
    // With the surround weighting the lift reads m·s, computed into a plane of its own; a frame with nothing
    // clipped, or only regions the opening removes, has no lift, and skips that work.
    let clipped = overMask.flatMap { mask -> PlanarImage? in
      guard liftLinear != 0, SquareFilter.anyPositive(mask.plane(0), count: n) else { return nil }
      let m = liftOpeningRadius > 0 ? Self.opened(mask, radius: liftOpeningRadius) : mask
      return liftOpeningRadius == 0 || SquareFilter.anyPositive(m.plane(0), count: n) ? m : nil
    }
    let weighted = clipped.map { mask in surround.map { $0.weightedMask(mask, image: img) } ?? mask }
    let m: UnsafeMutablePointer<Float>? = weighted?.plane(0)
    let wr = SIMD8<Float>(repeating: ExpansionApplier.wr), wg = SIMD8<Float>(repeating: ExpansionApplier.wg)
    let wb = SIMD8<Float>(repeating: ExpansionApplier.wb), one = SIMD8<Float>(repeating: 1)
    let top = SIMD8<Float>(repeating: peak), zero = SIMD8<Float>()
    let me = self
    Parallel.forRanges(n, minChunk: 16384) { start, end in
      var i = start
      while i < end {
        if i + 8 <= end {
          let rv = SIMDLoad.load8(r + i), gv = SIMDLoad.load8(g + i), bv = SIMDLoad.load8(b + i)
          let y = wr * rv + wg * gv + wb * bv
          var kept = (y .<= one) .& (rv .<= top) .& (gv .<= top) .& (bv .<= top)
          if let m { kept = kept .& (SIMDLoad.load8(m + i) .== zero) }
          if all(kept) {
            i += 8
            continue
          }
        }
        for j in i..<min(i + 8, end) {
          let out = me.map(r[j], g[j], b[j], mask: m?[j] ?? 0)
          r[j] = out.x; g[j] = out.y; b[j] = out.z
        }
        i += 8
      }
    }
  }

  /// `mask` eroded then dilated by a (2r + 1)² square: regions narrower than 2r + 1 px vanish, larger ones keep
  /// their shape up to the square's corners.
  static func opened(_ mask: PlanarImage, radius r: Int) -> PlanarImage {
    let eroded = PlanarImage(width: mask.width, height: mask.height, channels: 1)
    let out = PlanarImage(width: mask.width, height: mask.height, channels: 1)
    SquareFilter.morphology(.erode, mask, radius: r, into: eroded)
    SquareFilter.morphology(.dilate, eroded, radius: r, into: out)
    return out
  }
}
