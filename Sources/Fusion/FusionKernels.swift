import Foundation
import Imaging
import VectorMath

/// Full-resolution pixel work around the fusion network: the SDR-clamped input, resampling to the working
/// size, and applying the upsampled gain with the rebuilt-highlight blend and the peak cap.
public enum FusionKernels {
  /// `src` clamped to [0, 1] (SDR white: what the network was trained on) into `dst` of the same size.
  public static func clampToSDRWhite(_ src: PlanarImage, into dst: PlanarImage) {
    let s = src.data, d = dst.data
    Parallel.forRanges(3 * src.planeSize, minChunk: 16384) { start, end in
      for i in start..<end { d[i] = min(max(s[i], 0), 1) }
    }
  }

  /// `src` [C, h, w] mirrored by `pad` pixels on every side into `dst` [C, h + 2·pad, w + 2·pad] (whole-sample
  /// symmetric reflection, indices clamped when the image is smaller than the pad).
  public static func reflectPad(_ src: PlanarImage, by pad: Int, into dst: PlanarImage) {
    let w = src.width, h = src.height
    precondition(dst.width == w + 2 * pad && dst.height == h + 2 * pad && dst.channels == src.channels)
    func mirror(_ i: Int, _ n: Int) -> Int {
      let m = i < 0 ? -i - 1 : (i >= n ? 2 * n - i - 1 : i)
      return min(max(m, 0), n - 1)
    }
    for c in 0..<src.channels {
      for y in 0..<dst.height {
        let s = src.row(c, mirror(y - pad, h)), d = dst.row(c, y)
        for x in 0..<dst.width { d[x] = s[mirror(x - pad, w)] }
      }
    }
  }

  /// Area downscale where `dst` is smaller on both axes, else bilinear.
  public static func resample(_ src: PlanarImage, into dst: PlanarImage) {
    if dst.width <= src.width && dst.height <= src.height {
      AreaResize.apply(src, into: dst)
    } else {
      BilinearResize.apply(src, into: dst)
    }
  }

  /// Multiplies each pixel by 2^gain, blending rebuilt highlights' own level by `fillWeight`; caps at the peak.
  /// `residual`: the gain corrects the frame as it is (a pixel above SDR white keeps its level as the base
  /// the gain multiplies, not only its hue); `maskedResidual` also weights the gain by `overMask` and, with
  /// `rebuiltRamp` > 0, by clamp((L − 1)/rebuiltRamp, 0, 1), L the pixel's largest channel. Eight pixels at a
  /// time (exp/ln by ``SIMDMath``, relative error ≈ 1e-7).
  public static func applyGain(
    _ gain: PlanarImage, to image: PlanarImage, overMask: PlanarImage?, fillWeight: Float, peakLinear: Float,
    residual: Bool = false, maskedResidual: Bool = false, rebuiltRamp: Float = 0
  ) {
    typealias V = SIMD8<Float>
    let r = image.plane(0), g = image.plane(1), b = image.plane(2), f = gain.data
    let peak = peakLinear
    let alpha = overMask == nil ? 0 : fillWeight
    let mask = overMask?.data
    let ln2: Float = 0.693_147_18
    Parallel.forRanges(image.planeSize, minChunk: 8192) { s, e in
      var i = s
      while i + 8 <= e {
        let rv = SIMDLoad.load8(r + i), gv = SIMDLoad.load8(g + i), bv = SIMDLoad.load8(b + i)
        let top = SIMDMath.max(SIMDMath.max(rv, gv), bv)
        var stops = SIMDLoad.load8(f + i)
        if maskedResidual, let mask {
          stops = stops * SIMDMath.clamp(SIMDLoad.load8(mask + i), 0, 1)
          if rebuiltRamp > 0 { stops = stops * SIMDMath.clamp((top - 1) * (1 / rebuiltRamp), 0, 1) }
        }
        let rebuilt = residual ? SIMDMask<SIMD8<Float.SIMDMaskScalar>>(repeating: false) : top .> 1
        var level = V(repeating: 1)
        if any(rebuilt) {  // rebuilt above SDR white: keep the hue; the level blends network and rebuild
          level = level.replacing(with: 1 / top, where: rebuilt)
          if alpha > 0, let mask {
            let w = (alpha * SIMDMath.clamp(SIMDLoad.load8(mask + i), 0, 1)).replacing(with: 0, where: .!rebuilt)
            let own = SIMDMath.log(SIMDMath.max(top, V(repeating: 1))) * (1 / ln2)
            stops = (1 - w) * stops + w * own
          }
        }
        let cap = peak / SIMDMath.max(top * level, V(repeating: 1e-6))
        let k = SIMDMath.min(SIMDMath.exp(stops * ln2), cap) * level
        SIMDLoad.store8(rv * k, r + i)
        SIMDLoad.store8(gv * k, g + i)
        SIMDLoad.store8(bv * k, b + i)
        i += 8
      }
      while i < e {
        let top = max(r[i], g[i], b[i])
        var stops = f[i]
        if maskedResidual, let mask {
          stops *= min(max(mask[i], 0), 1)
          if rebuiltRamp > 0 { stops *= min(max((top - 1) / rebuiltRamp, 0), 1) }
        }
        var level: Float = 1
        if top > 1 && !residual {
          level = 1 / top
          if alpha > 0, let mask {
            let w = alpha * min(max(mask[i], 0), 1)
            stops = (1 - w) * stops + w * log2f(top)
          }
        }
        let k = min(exp2f(stops), peak / max(top * level, 1e-6)) * level
        r[i] *= k
        g[i] *= k
        b[i] *= k
        i += 1
      }
    }
  }
}
