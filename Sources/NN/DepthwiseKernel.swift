/// Depthwise convolution (one filter per channel) with a SIMD inner loop; no GEMM.
enum DepthwiseKernel {
  /// out[c] = bias[c] + Σ_taps w[c,ky,kx] · x[c] shifted, for every plane of `x` [N·C, H, W].
  ///
  /// - Parameters:
  ///   - weight: [C, 1, kh, kw].
  ///   - bias: [C] or nil.
  static func run(
    x: UnsafePointer<Float>, planes: Int, channels: Int, h: Int, w: Int,
    weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?, g: ConvGeometry,
    out: UnsafeMutablePointer<Float>, outH: Int, outW: Int
  ) {
    let kk = g.kernelH * g.kernelW
    NNThreading.forRanges(planes * outH, minChunk: 8) { r0, r1 in
      for r in r0..<r1 {
        let p = r / outH
        let oy = r % outH
        let c = p % channels
        let src = x + p * h * w
        let dst = out + p * outH * outW + oy * outW
        dst.update(repeating: bias?[c] ?? 0, count: outW)
        for ky in 0..<g.kernelH {
          let iy = oy * g.strideH - g.padH + ky * g.dilationH
          if iy < 0 || iy >= h { continue }
          let row = src + iy * w
          for kx in 0..<g.kernelW {
            let wt = weight[c * kk + ky * g.kernelW + kx]
            let ix0 = kx * g.dilationW - g.padW
            if g.strideW == 1 {
              let lo = min(outW, max(0, -ix0))
              let hi = max(lo, min(outW, w - ix0))
              if hi > lo { SIMDLoops.axpy(hi - lo, wt, row + lo + ix0, dst + lo) }
            } else {
              for ox in 0..<outW {
                let ix = ox * g.strideW + ix0
                if ix >= 0 && ix < w { dst[ox] += wt * row[ix] }
              }
            }
          }
        }
      }
    }
  }
}
