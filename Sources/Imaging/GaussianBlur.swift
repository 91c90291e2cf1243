import Foundation

/// Separable Gaussian blur of every plane with edge replication.
///
/// Kernel: exp(−k²/(2σ²)) for |k| ≤ radius, normalised to sum 1; radius defaults to ⌈3σ⌉. Both passes are
/// direct SIMD weighted sums, rows split over ``Parallel``. Layout: [C, H, W] in and out.
public enum GaussianBlur {
  /// Normalised 1-D weights for offsets −radius ... radius.
  public static func weights(sigma: Float, radius: Int) -> [Float] {
    var w = (-radius...radius).map { k in Float(exp(-Double(k * k) / (2 * Double(sigma * sigma)))) }
    let s = w.reduce(0, +)
    for i in w.indices { w[i] /= s }
    return w
  }

  /// Blurs `src` into `dst` (same shape; may be the same image).
  /// - Parameters:
  ///   - sigma: standard deviation in pixels (> 0; ≤ 0 copies).
  ///   - radius: kernel half-width; nil = ⌈3σ⌉.
  public static func apply(
    _ src: PlanarImage, sigma: Float, radius: Int? = nil, into dst: PlanarImage, scratch: PlanarImage? = nil
  ) {
    precondition(src.hasSameShape(as: dst), "GaussianBlur needs equal shapes")
    let r = radius ?? Int((3 * sigma).rounded(.up))
    if sigma <= 0 || r <= 0 {
      if src !== dst { dst.assign(from: src) }
      return
    }
    let k = weights(sigma: sigma, radius: r)
    let tmp = scratch ?? PlanarImage(width: src.width, height: src.height, channels: src.channels)
    precondition(tmp.hasSameShape(as: src) && tmp !== src && tmp !== dst, "GaussianBlur scratch must be distinct")
    k.withUnsafeBufferPointer { kp in
      horizontal(src, kernel: kp.baseAddress!, radius: r, into: tmp)
      vertical(tmp, kernel: kp.baseAddress!, radius: r, into: dst)
    }
  }

  static func horizontal(_ src: PlanarImage, kernel: UnsafePointer<Float>, radius r: Int, into dst: PlanarImage) {
    let w = src.width
    Parallel.forRanges(src.channels * src.height, minChunk: 16) { start, end in
      let pad = UnsafeMutablePointer<Float>.allocate(capacity: w + 2 * r + 8)
      defer { pad.deallocate() }
      for row in start..<end {
        let s = src.data + row * w, d = dst.data + row * w
        RowPadding.fill(pad, from: s, width: w, radius: r)
        var x = 0
        while x + 8 <= w {
          var acc = SIMDLoad.load8(pad + x) * kernel[0]
          for t in 1...(2 * r) { acc += SIMDLoad.load8(pad + x + t) * kernel[t] }
          SIMDLoad.store8(acc, d + x)
          x += 8
        }
        while x < w {
          var acc: Float = 0
          for t in 0...(2 * r) { acc += pad[x + t] * kernel[t] }
          d[x] = acc
          x += 1
        }
      }
    }
  }

  static func vertical(_ src: PlanarImage, kernel: UnsafePointer<Float>, radius r: Int, into dst: PlanarImage) {
    let w = src.width, h = src.height
    Parallel.forRanges(src.channels * h, minChunk: 16) { start, end in
      for row in start..<end {
        let c = row / h, y = row % h
        let sp = src.plane(c), d = dst.row(c, y)
        var x = 0
        while x + 8 <= w {
          var acc = SIMD8<Float>(repeating: 0)
          for t in 0...(2 * r) {
            let yy = min(max(y + t - r, 0), h - 1)
            acc += SIMDLoad.load8(sp + yy * w + x) * kernel[t]
          }
          SIMDLoad.store8(acc, d + x)
          x += 8
        }
        while x < w {
          var acc: Float = 0
          for t in 0...(2 * r) { acc += sp[min(max(y + t - r, 0), h - 1) * w + x] * kernel[t] }
          d[x] = acc
          x += 1
        }
      }
    }
  }
}
