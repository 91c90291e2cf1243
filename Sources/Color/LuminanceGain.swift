import Imaging

/// Sets a pixel's BT.709 luminance to a target by scaling its RGB (hue and saturation kept), with no channel
/// past the peak: the shared last step of the `recover` and BT.2446 expansion styles.
enum LuminanceGain {
  /// One pixel: RGB·min(target/Y, peak/max(R, G, B)); a pixel at its target and within the peak is returned
  /// as it is, and a black one (Y ≤ 1e-6) becomes grey at the target.
  @inline(__always)
  static func pixel(_ r: Float, _ g: Float, _ b: Float, luminance y: Float, target: Float, peak: Float) -> SIMD3<Float> {
    let top = max(r, g, b)
    if target == y && top <= peak { return SIMD3(r, g, b) }
    if y <= 1e-6 {
      let v = min(max(target, 0), peak)
      return SIMD3(v, v, v)
    }
    let ratio = min(max(target, 0) / y, peak / max(top, 1e-6))
    return SIMD3(r, g, b) * ratio
  }

  /// Applies `target(Y, m)` to every pixel of `img` ([3, H, W] linear) in place; m is `mask`'s value (0
  /// without one). Rows of pixels run in parallel.
  @inline(__always)
  static func apply(
    to img: PlanarImage, mask: PlanarImage?, peak: Float, _ target: @escaping @Sendable (Float, Float) -> Float
  ) {
    let n = img.planeSize
    let r = img.plane(0), g = img.plane(1), b = img.plane(2)
    let m: UnsafeMutablePointer<Float>? = mask?.plane(0)
    Parallel.forRanges(n, minChunk: 16384) { start, end in
      for i in start..<end {
        let y = ExpansionApplier.wr * r[i] + ExpansionApplier.wg * g[i] + ExpansionApplier.wb * b[i]
        let out = pixel(r[i], g[i], b[i], luminance: y, target: target(y, m?[i] ?? 0), peak: peak)
        r[i] = out.x; g[i] = out.y; b[i] = out.z
      }
    }
  }
}
