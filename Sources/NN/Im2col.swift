/// Lowers a band of output rows of a convolution to a column matrix for GEMM.
enum Im2col {
  /// Fills `col` [channels·kh·kw, (r1−r0)·Wo] for output rows r0..<r1 from `x` [channels, H, W].
  ///
  /// Row k = (c·kh + ky)·kw + kx holds input samples for tap (ky, kx) of channel c, zero outside the
  /// image. Rows are filled in parallel.
  static func fill(
    x: UnsafePointer<Float>, channels: Int, h: Int, w: Int, g: ConvGeometry, outW: Int,
    rows r0: Int, _ r1: Int, col: UnsafeMutablePointer<Float>
  ) {
    let kk = g.kernelH * g.kernelW
    let cols = (r1 - r0) * outW
    NNThreading.forRanges(channels * kk, minChunk: 4) { k0, k1 in
      for k in k0..<k1 {
        let c = k / kk
        let ky = (k % kk) / g.kernelW
        let kx = k % g.kernelW
        let src = x + c * h * w
        let ix0 = kx * g.dilationW - g.padW
        // Valid output columns for stride 1: 0 ≤ ox + ix0 < w.
        let lo = min(outW, max(0, -ix0))
        let hi = max(lo, min(outW, w - ix0))
        for oy in r0..<r1 {
          let dst = col + k * cols + (oy - r0) * outW
          let iy = oy * g.strideH - g.padH + ky * g.dilationH
          if iy < 0 || iy >= h {
            dst.update(repeating: 0, count: outW)
            continue
          }
          let row = src + iy * w
          if g.strideW == 1 {
            if lo > 0 { dst.update(repeating: 0, count: lo) }
            if hi > lo { dst.advanced(by: lo).update(from: row + lo + ix0, count: hi - lo) }
            if hi < outW { dst.advanced(by: hi).update(repeating: 0, count: outW - hi) }
          } else {
            for ox in 0..<outW {
              let ix = ox * g.strideW + ix0
              dst[ox] = (ix >= 0 && ix < w) ? row[ix] : 0
            }
          }
        }
      }
    }
  }
}
