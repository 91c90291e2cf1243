import Imaging

/// Soft, temporally stabilised over/under-exposure masks (DiffHDR's recipe, REFERENCE §1).
///
/// Steps per frame, on both masks at once (a [2, h, w] working image; h, w = H, W or half with
/// `halfResolution`, radii then halved and rounded up):
/// 1. raw masks from the sRGB-coded signal (``RawExposureMask``);
/// 2. closing with a (2·morphologyRadius+1)² square;
/// 3. temporal EMA: m = temporalWeight·m + (1 − temporalWeight)·previous (the previous EMA state; skipped on
///    the first frame and at scene cuts);
/// 4. Gaussian blur with radius blurRadius, σ = 0.3·(radius − 1) + 0.8 (OpenCV's automatic σ);
/// 5. opening then closing with a (2·smoothingMorphologyRadius+1)² square;
/// 6. upsampling to H × W when working at half resolution.
/// Stateful (the EMA state); one instance per stream. Not thread-safe.
public final class ExposureMasker {
  /// Validated parameters.
  public let params: MaskParams
  private let raw: RawExposureMask
  /// EMA state [2, h, w] from the previous frame; nil at stream start or after a reset.
  private var previous: PlanarImage?
  private var work: PlanarImage?
  private var scratch: PlanarImage?
  /// Recycles output masks once every frame has let go of them.
  private let output = RecyclingPool()

  /// Creates a masker; throws ``ParameterError`` when `params` is out of range.
  public init(params: MaskParams = MaskParams()) throws {
    try params.validate()
    self.params = params
    raw = RawExposureMask(params: params)
  }

  /// Forgets the temporal state (the next frame is treated as a stream start).
  public func reset() { previous = nil }

  /// Computes the masks of one frame.
  /// - Parameters:
  ///   - signal: non-linear R'G'B' [3, H, W] in 0...1.
  ///   - isSceneCut: resets the temporal state before this frame.
  /// - Returns: over and under masks, [1, H, W] each, in 0...1.
  public func compute(signal: PlanarImage, isSceneCut: Bool = false) -> ExposureMasks {
    let w = signal.width, h = signal.height
    let half = params.halfResolution && w >= 16 && h >= 16
    let s = half ? 2 : 1
    let ww = (w + s - 1) / s, wh = (h + s - 1) / s
    func scaled(_ r: Int) -> Int { half ? (r + 1) / 2 : r }
    if isSceneCut { previous = nil }
    if let p = previous, p.width != ww || p.height != wh { previous = nil }
    let m = buffer(&work, ww, wh), t = buffer(&scratch, ww, wh)

    // 1–2. Raw masks, closing.
    raw.compute(signal: signal, into: m, scale: s)
    Morphology.close(m, radius: scaled(params.morphologyRadiusPixels), into: m, scratch: t)
    // 3. Temporal EMA, the state kept before the spatial smoothing.
    if let p = previous {
      let a = params.temporalWeight, n = m.count
      let md = m.data, pd = p.data
      Parallel.forRanges(n, minChunk: 8192) { st, en in
        for i in st..<en {
          let v = a * md[i] + (1 - a) * pd[i]
          md[i] = v
          pd[i] = v
        }
      }
    } else {
      previous = m.copy()
    }
    // 4. Blur.
    let br = scaled(params.blurRadiusPixels)
    if br > 0 { GaussianBlur.apply(m, sigma: 0.3 * Float(br - 1) + 0.8, radius: br, into: m, scratch: t) }
    // 5. Opening then closing: erode(r), dilate(2r), erode(r).
    let sr = scaled(params.smoothingMorphologyRadiusPixels)
    if sr > 0 {
      Morphology.apply(.erode, m, radius: sr, into: m, scratch: t)
      Morphology.apply(.dilate, m, radius: 2 * sr, into: m, scratch: t)
      Morphology.apply(.erode, m, radius: sr, into: m, scratch: t)
    }
    // 6. Split (and upsample) into the two output planes.
    let over = output.take(width: w, height: h), under = output.take(width: w, height: h)
    if half {
      Pyramid.upsamplePlane(m.plane(0), width: ww, height: wh, into: over.data, width: w, height: h)
      Pyramid.upsamplePlane(m.plane(1), width: ww, height: wh, into: under.data, width: w, height: h)
    } else {
      over.data.update(from: m.plane(0), count: w * h)
      under.data.update(from: m.plane(1), count: w * h)
    }
    return ExposureMasks(over: over, under: under)
  }

  /// A cached [2, h, w] buffer, reallocated when the size changes.
  private func buffer(_ slot: inout PlanarImage?, _ w: Int, _ h: Int) -> PlanarImage {
    if let b = slot, b.width == w, b.height == h { return b }
    let b = PlanarImage(width: w, height: h, channels: 2)
    slot = b
    return b
  }
}
