import VectorMath
#if canImport(Glibc)
  import Glibc
#endif

/// The guide the joint (guided-filter) upsamplers of the learned stages share: I = log2(Y + 2⁻¹²)/12 + 1
/// of BT.709 luminance Y of linear RGB (negative Y clamped to 0), so one stop is 1/12 and SDR white ≈ 1.
public enum LogLuminanceGuide {
  /// Floor added to Y before the logarithm (2⁻¹²).
  public static let floor: Float = 1.0 / 4096

  /// I for one pixel.
  @inlinable @inline(__always)
  public static func value(_ r: Float, _ g: Float, _ b: Float) -> Float {
    log2f(max(0.2126 * r + 0.7152 * g + 0.0722 * b, 0) + floor) / 12 + 1
  }

  /// I of eight pixels (ln by ``SIMDMath``, relative error ≈ 1e-7).
  @inlinable @inline(__always)
  public static func lanes(_ r: SIMD8<Float>, _ g: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
    let perLn: Float = 1 / (12 * 0.693_147_18)  // log2(v)/12 = ln(v)/(12 ln 2)
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return SIMDMath.log(SIMDMath.max(y, SIMD8(repeating: 0)) + floor) * perLn + 1
  }

  /// I of every pixel of `image` [3, H, W] into `out` [1, H, W]; eight pixels at a time (ln by
  /// ``SIMDMath``, relative error ≈ 1e-7).
  public static func compute(_ image: PlanarImage, into out: PlanarImage) {
    precondition(image.channels == 3 && out.channels == 1 && out.planeSize == image.planeSize)
    let r = image.plane(0), g = image.plane(1), b = image.plane(2), o = out.data
    Parallel.forRanges(image.planeSize, minChunk: 8192) { s, e in
      var i = s
      while i + 8 <= e {
        SIMDLoad.store8(lanes(SIMDLoad.load8(r + i), SIMDLoad.load8(g + i), SIMDLoad.load8(b + i)), o + i)
        i += 8
      }
      while i < e {
        o[i] = value(r[i], g[i], b[i])
        i += 1
      }
    }
  }

  /// I of `image` [3, H, W] as a new [1, H, W] plane.
  public static func compute(_ image: PlanarImage) -> PlanarImage {
    let out = PlanarImage(width: image.width, height: image.height, channels: 1)
    compute(image, into: out)
    return out
  }
}
