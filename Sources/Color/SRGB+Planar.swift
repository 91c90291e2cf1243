import Imaging

extension SRGB {
  /// sRGB-coded copy of a linear [3, H, W] image (IEC 61966-2-1 inverse EOTF, clamped to 0...1).
  public static func encode(_ image: PlanarImage) -> PlanarImage {
    let out = PlanarImage(width: image.width, height: image.height, channels: 3)
    let n = out.count, src = image.data, dst = out.data
    Parallel.forRanges(n, minChunk: 16384) { s, e in
      for i in s..<e { dst[i] = Float(inverseEOTF(Double(min(max(src[i], 0), 1)))) }
    }
    return out
  }
}
