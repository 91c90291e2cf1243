import VectorMath
/// Push-pull hole filling (normalised convolution over a 2× pyramid) of sparse, weighted data.
///
/// Input per plane: premultiplied values P = w·v and weights W = w in 0...1 (0 = no data). Push: P and W are
/// box-downsampled level by level (``Pyramid/downsample2x(_:)``) until the long side is ≤ 2. At the coarsest
/// level F = P/W (0 where W = 0). Pull, coarse to fine: F_l = P_l + (1 − W_l)·up(F_{l+1}), so known data is
/// kept and holes take the smooth interpolation from coarser levels. Layout: all images [C, H, W].
public enum PushPull {
  /// Fills `values` (premultiplied, [C, H, W]) using `weights` ([C, H, W], or [1, H, W] shared by all planes;
  /// 0...1) and returns the filled planes [C, H, W]. Pixels with weight 1 keep P exactly.
  public static func fill(premultiplied values: PlanarImage, weights: PlanarImage) -> PlanarImage {
    precondition(
      values.width == weights.width && values.height == weights.height
        && (weights.channels == values.channels || weights.channels == 1), "PushPull needs matching shapes")
    if max(values.width, values.height) <= 2 {
      return coarsest(values, weights)
    }
    let pc = Pyramid.downsample2x(values), wc = Pyramid.downsample2x(weights)
    let fc = fill(premultiplied: pc, weights: wc)
    let out = Pyramid.upsample2x(fc, width: values.width, height: values.height)
    let n = out.planeSize
    for c in 0..<values.channels {
      let o = out.plane(c), p = values.plane(c), w = weights.plane(weights.channels == 1 ? 0 : c)
      pull(o, p, w, n)
    }
    return out
  }

  /// o = p + (1 − w)·o over n values.
  static func pull(
    _ o: UnsafeMutablePointer<Float>, _ p: UnsafeMutablePointer<Float>, _ w: UnsafeMutablePointer<Float>, _ n: Int
  ) {
    Parallel.forRanges(n, minChunk: 8192) { s, e in
      var i = s
      while i + 8 <= e {
        let up = SIMDLoad.load8(o + i), wv = SIMDLoad.load8(w + i)
        let one = SIMD8<Float>(repeating: 1)
        SIMDLoad.store8(SIMDLoad.load8(p + i) + (one - SIMDMath.clamp(wv, 0, 1)) * up, o + i)
        i += 8
      }
      while i < e {
        o[i] = p[i] + (1 - min(max(w[i], 0), 1)) * o[i]
        i += 1
      }
    }
  }

  /// F = P/W where W > 0, else the plane's weighted mean (0 if the plane has no data at all).
  static func coarsest(_ p: PlanarImage, _ w: PlanarImage) -> PlanarImage {
    let out = PlanarImage(width: p.width, height: p.height, channels: p.channels)
    let n = p.planeSize
    for c in 0..<p.channels {
      var sp: Float = 0, sw: Float = 0
      let wp = w.plane(w.channels == 1 ? 0 : c)
      for i in 0..<n { sp += p.plane(c)[i]; sw += wp[i] }
      let mean = sw > 0 ? sp / sw : 0
      for i in 0..<n {
        let wi = wp[i]
        out.plane(c)[i] = wi > 1e-12 ? p.plane(c)[i] / wi : mean
      }
    }
    return out
  }
}
