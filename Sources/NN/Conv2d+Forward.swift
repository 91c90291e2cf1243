import Execution

/// Conv2d inference: dispatch to pointwise GEMM, depthwise SIMD, Winograd F(4×4, 3×3) or banded im2col + GEMM.
extension Conv2d {
  /// Convolves `x` (NCHW) into a new pooled tensor.
  public func callAsFunction(_ x: Tensor, pool: TensorPool = .shared) -> Tensor {
    let out = pool.tensor(outputShape(for: x.shape))
    forward(x, into: out, pool: pool)
    return out
  }

  /// Convolves `x` (NCHW) into `out`, whose shape must be `outputShape(for: x.shape)`.
  public func forward(_ x: Tensor, into out: Tensor, pool: TensorPool = .shared) {
    let os = outputShape(for: x.shape)
    precondition(out.shape == os, "Conv2d output \(out.shape), expected \(os)")
    let g = geometry
    let s = x.shape
    let kernels = ExecutionContext.current.nnKernels
    if groups == inChannels && groups == outChannels && groups > 1 {
      DepthwiseKernel.run(
        x: x.data, planes: s.n * s.c, channels: s.c, h: s.h, w: s.w, weight: weight.data, bias: bias?.data, g: g,
        out: out.data, outH: os.h, outW: os.w)
      return
    }
    if usesWinograd(outputShape: os, algorithm: kernels.convAlgorithm) {
      let u = winogradCache.filter(for: weight, cout: outChannels, cin: inChannels)
      for n in 0..<s.n {
        Winograd.run(
          x: x.data + n * s.item, cin: inChannels, h: s.h, w: s.w, padH: g.padH, padW: g.padW, u: u.data,
          cout: outChannels, bias: bias?.data, y: out.data + n * os.item, oh: os.h, ow: os.w,
          minTiles: kernels.winogradTiles, pool: pool)
      }
      return
    }
    let cinG = inChannels / groups
    let coutG = outChannels / groups
    let k = cinG * g.kernelH * g.kernelW
    let hw = os.h * os.w
    for n in 0..<s.n {
      for gi in 0..<groups {
        let xin = x.data + n * s.item + gi * cinG * s.plane
        let y = out.data + n * os.item + gi * coutG * hw
        let w = weight.data + gi * coutG * k
        let b = bias.map { $0.data + gi * coutG }
        if g.isPointwise {
          fillBias(b, y, rows: coutG, cols: hw, ld: hw)
          Gemm.sgemm(m: coutG, n: hw, k: k, a: w, lda: k, b: xin, ldb: hw, beta: b == nil ? 0 : 1, c: y, ldc: hw)
          continue
        }
        let bandRows = max(1, min(os.h, kernels.bandBytes / max(1, k * os.w * 4)))
        pool.withScratch(k * bandRows * os.w) { col in
          var r0 = 0
          while r0 < os.h {
            let r1 = min(os.h, r0 + bandRows)
            let cols = (r1 - r0) * os.w
            Im2col.fill(
              x: xin, channels: cinG, h: s.h, w: s.w, g: g, outW: os.w, rows: r0, r1, col: col)
            fillBias(b, y + r0 * os.w, rows: coutG, cols: cols, ld: hw)
            Gemm.sgemm(
              m: coutG, n: cols, k: k, a: w, lda: k, b: col, ldb: cols, beta: b == nil ? 0 : 1, c: y + r0 * os.w, ldc: hw)
            r0 = r1
          }
        }
      }
    }
  }

  /// Winograd gate conv over concat[x, h] (read in place, no copy) fused with the ConvLSTM state
  /// update (batch 1, Cout = 4·Ch): updates `cell` [1, Ch, H, W] in place and writes the new h into
  /// `newHidden` (which must not alias `h`).
  func forwardLSTM(x: Tensor, h: Tensor, cell: Tensor, newHidden: Tensor, pool: TensorPool) {
    let s = Shape(1, x.shape.c + h.shape.c, x.shape.h, x.shape.w)
    let os = outputShape(for: s)
    precondition(x.shape.n == 1 && h.shape == Shape(1, h.shape.c, s.h, s.w) && outChannels % 4 == 0)
    precondition(cell.shape == Shape(1, outChannels / 4, os.h, os.w) && newHidden.shape == cell.shape)
    precondition(Winograd.applies(self))
    let g = geometry
    let u = winogradCache.filter(for: weight, cout: outChannels, cin: inChannels)
    Winograd.run(
      x: x.data, cin: inChannels, h: s.h, w: s.w, padH: g.padH, padW: g.padW, u: u.data,
      cout: outChannels, bias: bias?.data, y: cell.data, oh: os.h, ow: os.w,
      minTiles: ExecutionContext.current.nnKernels.winogradTiles, pool: pool,
      lstm: .init(cell: cell.data, hidden: newHidden.data), tail: (x.shape.c, UnsafePointer(h.data)))
  }

  /// Whether `forward` takes the Winograd path for this output shape under the current context's
  /// `nnKernels.convAlgorithm`.
  public func usesWinograd(outputShape os: Shape) -> Bool {
    usesWinograd(outputShape: os, algorithm: ExecutionContext.current.nnKernels.convAlgorithm)
  }

  /// Whether `forward` takes the Winograd path for this output shape under `algorithm`.
  public func usesWinograd(outputShape os: Shape, algorithm: Algorithm) -> Bool {
    guard Winograd.applies(self) else { return false }
    switch algorithm {
    case .im2col: return false
    case .winograd: return true
    case .automatic: return inChannels >= 8 && outChannels >= 8 && os.h >= 8 && os.w >= 8
    }
  }

  /// Writes bias[r] into row r (cols elements, stride `ld`) of `c`; no-op without bias.
  private func fillBias(_ b: UnsafeMutablePointer<Float>?, _ c: UnsafeMutablePointer<Float>, rows: Int, cols: Int, ld: Int) {
    guard let b else { return }
    NNThreading.forRanges(rows, minChunk: 4) { r0, r1 in
      for r in r0..<r1 { (c + r * ld).update(repeating: b[r], count: cols) }
    }
  }
}
