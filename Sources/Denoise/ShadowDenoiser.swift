import Imaging

/// Temporal + edge-aware spatial denoising of under-exposed regions.
///
/// Per pixel p of the centre frame (only where the under mask m > 0; every other pixel is copied unchanged):
/// 1. temporal: T = Σ_j w_j·I_j / Σ_j w_j over the given window, w_centre = 1 and for a neighbour
///    w_j = clamp(1 − d/(3σ), 0, 1) with d = mean |I_j − I_centre| over channels and σ = `noiseSigmaLinear`
///    (motion and occlusions disagree by more than the noise and are rejected);
/// 2. spatial: a (2r+1)² cross-bilateral mean of T, weight clamp(1 − |ΔT̄|/(3σ_t), 0, 1) on the channel mean
///    with σ_t = σ/√(frames used), so edges survive;
/// 3. out = I + strength·m·(S − I).
/// Stateless. Layout: frames [3, H, W] linear, mask [1, H, W].
public final class ShadowDenoiser {
  /// Validated parameters.
  public let params: ShadowParams

  /// Creates a denoiser; throws ``ParameterError`` when `params` is out of range.
  public init(params: ShadowParams = ShadowParams()) throws {
    try params.validate()
    self.params = params
  }

  /// Denoises `window[center]` using the other frames of `window` as temporal neighbours.
  /// - Parameters:
  ///   - window: frames of one scene around the centre (any count ≥ 1; same size as the centre).
  ///   - center: index of the frame to denoise.
  ///   - underMask: [1, H, W] in 0...1; pixels where it is 0 are returned bit-identical.
  /// - Returns: a new image [3, H, W].
  public func denoise(window: [PlanarImage], center: Int, underMask: PlanarImage) -> PlanarImage {
    let cur = window[center]
    precondition(underMask.width == cur.width && underMask.height == cur.height, "mask size")
    let out = cur.copy()
    let strength = params.strength
    if !params.enabled || strength == 0 { return out }
    let others = window.enumerated().filter { $0.offset != center && $0.element.hasSameShape(as: cur) }.map(\.element)
    let w = cur.width, h = cur.height
    let temporal = PlanarImage(width: w, height: h, channels: 3)
    let sigma = params.noiseSigmaLinear
    let frameCount = Float(1 + others.count)

    // 1. Temporal average with motion rejection, rows in parallel.
    Parallel.forRanges(h, minChunk: 8) { start, end in
      for y in start..<end {
        TemporalRow.average(cur, others, y, sigma, into: temporal)
      }
    }
    // 2–3. Edge-aware spatial mean and blend, only under the mask.
    let r = params.spatialRadiusPixels
    let sigmaT = sigma / frameCount.squareRoot()
    Parallel.forRanges(h, minChunk: 8) { start, end in
      for y in start..<end {
        let m = underMask.row(0, y)
        for x in 0..<w where m[x] > 0 {
          let s = BilateralPixel.mean(temporal, x, y, radius: r, sigma: sigmaT)
          let a = strength * min(m[x], 1)
          for c in 0..<3 {
            let o = out.row(c, y)
            o[x] += a * (s[c] - o[x])
          }
        }
      }
    }
    return out
  }
}
