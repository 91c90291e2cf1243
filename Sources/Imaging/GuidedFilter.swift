/// Grey-guide guided filter (He, Sun & Tang 2010): edge-preserving smoothing of every plane of `src`.
///
/// Per window of radius r: a = cov(I, p)/(var(I) + ε), b = mean(p) − a·mean(I); output = mean(a)·I + mean(b).
/// Means are ``BoxBlur`` (running sums), so the cost does not depend on r. Layout: guide [1, H, W],
/// src/dst [C, H, W] with the same H, W.
public enum GuidedFilter {
  /// Filters `src` into `dst` guided by the single-plane `guide`.
  /// - Parameters:
  ///   - radius: box radius r ≥ 1 in pixels.
  ///   - epsilon: regulariser ε (> 0) in squared guide units; larger = smoother across edges.
  public static func apply(
    guide: PlanarImage, _ src: PlanarImage, radius: Int, epsilon: Float, into dst: PlanarImage
  ) {
    precondition(src.hasSameShape(as: dst), "GuidedFilter needs equal shapes")
    let (a, b) = coefficients(guide: guide, src, radius: radius, epsilon: epsilon)
    let n = src.width * src.height
    for c in 0..<src.channels {
      let d = dst.plane(c), pa = a.plane(c), pb = b.plane(c)
      Parallel.forRanges(n, minChunk: 4096) { s, e in
        for i in s..<e { d[i] = pa[i] * guide.data[i] + pb[i] }
      }
    }
  }

  /// The box-meaned coefficients (mean a, mean b), each [C, H, W], of the per-window fit p ≈ a·I + b of
  /// every plane p of `src` to the single-plane `guide` I: the filter's output is mean a·I + mean b. Used
  /// directly by joint upsamplers, which evaluate the coefficients with a finer guide.
  public static func coefficients(
    guide: PlanarImage, _ src: PlanarImage, radius: Int, epsilon: Float
  ) -> (a: PlanarImage, b: PlanarImage) {
    precondition(guide.channels == 1 && guide.width == src.width && guide.height == src.height)
    let w = src.width, h = src.height, n = w * h
    let scratch = PlanarImage(width: w, height: h, channels: 1)
    let meanI = PlanarImage(width: w, height: h, channels: 1)
    let varI = PlanarImage(width: w, height: h, channels: 1)
    BoxBlur.apply(guide, radius: radius, into: meanI, scratch: scratch)
    // var(I) = mean(I²) − mean(I)², never below 0 (rounding).
    mapPlanes(varI.data, guide.data, guide.data, n) { i, _ in i * i }
    BoxBlur.apply(varI, radius: radius, into: varI, scratch: scratch)
    mapPlanes(varI.data, varI.data, meanI.data, n) { v, m in max(v - m * m, 0) }
    let meanP = PlanarImage(width: w, height: h, channels: 1)
    let a = PlanarImage(width: w, height: h, channels: src.channels)
    let b = PlanarImage(width: w, height: h, channels: src.channels)
    let pa = PlanarImage(width: w, height: h, channels: 1)
    let pb = PlanarImage(width: w, height: h, channels: 1)
    for c in 0..<src.channels {
      let p = src.plane(c)
      // mean(p), mean(I·p).
      meanP.data.update(from: p, count: n)
      BoxBlur.apply(meanP, radius: radius, into: meanP, scratch: scratch)
      mapPlanes(pa.data, guide.data, p, n) { i, q in i * q }
      BoxBlur.apply(pa, radius: radius, into: pa, scratch: scratch)
      // a = (mean(Ip) − mean(I)mean(p)) / (var(I) + ε); b = mean(p) − a·mean(I).
      Parallel.forRanges(n, minChunk: 4096) { s, e in
        for i in s..<e {
          let ai = (pa.data[i] - meanI.data[i] * meanP.data[i]) / (varI.data[i] + epsilon)
          pa.data[i] = ai
          pb.data[i] = meanP.data[i] - ai * meanI.data[i]
        }
      }
      BoxBlur.apply(pa, radius: radius, into: pa, scratch: scratch)
      BoxBlur.apply(pb, radius: radius, into: pb, scratch: scratch)
      a.plane(c).update(from: pa.data, count: n)
      b.plane(c).update(from: pb.data, count: n)
    }
    return (a, b)
  }

  /// out[i] = f(x[i], y[i]) over n values, in parallel.
  static func mapPlanes(
    _ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int,
    _ f: (Float, Float) -> Float
  ) {
    Parallel.forRanges(n, minChunk: 4096) { s, e in
      for i in s..<e { out[i] = f(x[i], y[i]) }
    }
  }
}
