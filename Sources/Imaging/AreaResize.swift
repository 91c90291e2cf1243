/// Area (box) downscaling: each destination pixel is the mean of the source area it covers, with
/// fractional coverage at the borders of that area (PyTorch's `avg_pool2d` when the factor is whole,
/// OpenCV's INTER_AREA otherwise). Separable: rows first, then columns. Layout: [C, H, W] in and out.
public enum AreaResize {
  /// Resizes `src` to `width × height` (each at most the source's).
  public static func resize(_ src: PlanarImage, width: Int, height: Int) -> PlanarImage {
    let out = PlanarImage(width: width, height: height, channels: src.channels)
    apply(src, into: out)
    return out
  }

  /// One output pixel's source taps: first index and weights (summing to 1).
  struct Taps {
    var start: [Int32] = []
    var count: [Int32] = []
    var weights: [Float] = []
    var offsets: [Int32] = []

    init(source n: Int, destination m: Int) {
      let scale = Double(n) / Double(m)
      for x in 0..<m {
        let lo = Double(x) * scale, hi = Double(x + 1) * scale
        let first = Int(lo.rounded(.down)), last = min(Int((hi - 1e-9).rounded(.down)), n - 1)
        start.append(Int32(first))
        count.append(Int32(last - first + 1))
        offsets.append(Int32(weights.count))
        for i in first...last {
          let cover = min(hi, Double(i + 1)) - max(lo, Double(i))
          weights.append(Float(cover / scale))
        }
      }
    }
  }

  /// Downscales `src` into `dst` (same channels; `dst` no larger than `src` on either axis).
  public static func apply(_ src: PlanarImage, into dst: PlanarImage) {
    precondition(src.channels == dst.channels, "AreaResize needs equal channel counts")
    precondition(dst.width <= src.width && dst.height <= src.height, "AreaResize only reduces")
    let sw = src.width, dw = dst.width, dh = dst.height
    let tx = Taps(source: sw, destination: dw), ty = Taps(source: src.height, destination: dh)
    // Rows reduced horizontally into a [C, srcH, dstW] buffer, then columns.
    let mid = PlanarImage(width: dw, height: src.height, channels: src.channels)
    tx.start.withUnsafeBufferPointer { xs in
      tx.count.withUnsafeBufferPointer { xc in
        tx.offsets.withUnsafeBufferPointer { xo in
          tx.weights.withUnsafeBufferPointer { xw in
            Parallel.forRanges(src.channels * src.height, minChunk: 16) { s, e in
              for r in s..<e {
                let c = r / src.height, y = r % src.height
                let i = src.row(c, y), o = mid.row(c, y)
                for x in 0..<dw {
                  var acc: Float = 0
                  let b = Int(xs[x]), w = Int(xo[x])
                  for k in 0..<Int(xc[x]) { acc += i[b + k] * xw[w + k] }
                  o[x] = acc
                }
              }
            }
          }
        }
      }
    }
    ty.start.withUnsafeBufferPointer { ys in
      ty.count.withUnsafeBufferPointer { yc in
        ty.offsets.withUnsafeBufferPointer { yo in
          ty.weights.withUnsafeBufferPointer { yw in
            Parallel.forRanges(dst.channels * dh, minChunk: 4) { s, e in
              for r in s..<e {
                let c = r / dh, y = r % dh
                let o = dst.row(c, y)
                for x in 0..<dw { o[x] = 0 }
                let b = Int(ys[y]), w = Int(yo[y])
                for k in 0..<Int(yc[y]) {
                  let i = mid.row(c, b + k), wk = yw[w + k]
                  for x in 0..<dw { o[x] += i[x] * wk }
                }
              }
            }
          }
        }
      }
    }
  }
}
