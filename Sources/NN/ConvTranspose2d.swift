/// Transposed 2-D convolution (`torch.nn.ConvTranspose2d`): GEMM to columns, then col2im scatter-add.
///
/// Weight layout `[Cin, Cout/groups, kh, kw]`, bias `[Cout]`. Output extent per axis:
/// (in − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1.
public struct ConvTranspose2d: WeightLoadable {
  /// Input channels.
  public let inChannels: Int
  /// Output channels.
  public let outChannels: Int
  /// Channel groups.
  public let groups: Int
  /// Kernel, stride, padding, dilation (padding removes rows/columns from the full output).
  public let geometry: ConvGeometry
  /// Extra rows/columns added on the bottom/right (PyTorch `output_padding`).
  public let outputPadding: (Int, Int)
  /// Filters, `[Cin, Cout/groups, kh, kw]`.
  public var weight: Tensor
  /// Bias `[Cout]`, or nil.
  public var bias: Tensor?

  /// Creates a layer with zero weights.
  public init(
    _ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0, outputPadding: Int = 0,
    dilation: Int = 1, groups: Int = 1, bias: Bool = true
  ) {
    precondition(groups >= 1 && inChannels % groups == 0 && outChannels % groups == 0)
    precondition(outputPadding < max(stride, dilation), "output padding must be < stride or dilation")
    self.inChannels = inChannels
    self.outChannels = outChannels
    self.groups = groups
    geometry = ConvGeometry(
      kernel: (kernel, kernel), stride: (stride, stride), padding: (padding, padding), dilation: (dilation, dilation))
    self.outputPadding = (outputPadding, outputPadding)
    weight = Tensor(zeros: Shape(inChannels, outChannels / groups, kernel, kernel))
    self.bias = bias ? Tensor(zeros: Shape(1, 1, 1, outChannels)) : nil
  }

  /// Output shape for an NCHW input shape.
  public func outputShape(for s: Shape) -> Shape {
    precondition(s.c == inChannels, "ConvTranspose2d expects \(inChannels) channels, got \(s)")
    let g = geometry
    let oh = (s.h - 1) * g.strideH - 2 * g.padH + g.dilationH * (g.kernelH - 1) + outputPadding.0 + 1
    let ow = (s.w - 1) * g.strideW - 2 * g.padW + g.dilationW * (g.kernelW - 1) + outputPadding.1 + 1
    return Shape(s.n, outChannels, oh, ow)
  }

  /// Reads `prefix.weight` and `prefix.bias`.
  public mutating func load(from weights: SafeTensors, prefix: String) throws {
    weight = try weights.tensor(
      prefix.dot("weight"), shape: [inChannels, outChannels / groups, geometry.kernelH, geometry.kernelW])
    if bias != nil { bias = try weights.tensor(prefix.dot("bias"), shape: [outChannels]) }
  }

  /// Applies the layer to `x` (NCHW), returning a new pooled tensor.
  public func callAsFunction(_ x: Tensor, pool: TensorPool = .shared) -> Tensor {
    let s = x.shape
    let os = outputShape(for: s)
    let out = pool.tensor(os)
    let g = geometry
    let cinG = inChannels / groups, coutG = outChannels / groups
    let kk = g.kernelH * g.kernelW
    let m = coutG * kk
    let hw = s.plane
    pool.withScratch(m * hw) { col in
      for n in 0..<s.n {
        for gi in 0..<groups {
          // col[(co,ky,kx), iy·W+ix] = Σ_ci w[ci, co, ky, kx] · x[ci, iy, ix]
          Gemm.sgemm(
            transA: true, m: m, n: hw, k: cinG, a: weight.data + gi * cinG * m, lda: m,
            b: x.data + n * s.item + gi * cinG * hw, ldb: hw, c: col, ldc: hw)
          let ybase = out.data + n * os.item + gi * coutG * os.plane
          let bbase = bias.map { $0.data + gi * coutG }
          NNThreading.forRanges(coutG) { c0, c1 in
            for co in c0..<c1 {
              let y = ybase + co * os.plane
              y.update(repeating: bbase?[co] ?? 0, count: os.plane)
              for ky in 0..<g.kernelH {
                for kx in 0..<g.kernelW {
                  let src = col + ((co * g.kernelH + ky) * g.kernelW + kx) * hw
                  for iy in 0..<s.h {
                    let oy = iy * g.strideH - g.padH + ky * g.dilationH
                    if oy < 0 || oy >= os.h { continue }
                    let row = src + iy * s.w
                    let dst = y + oy * os.w
                    let ox0 = kx * g.dilationW - g.padW
                    for ix in 0..<s.w {
                      let ox = ix * g.strideW + ox0
                      if ox >= 0 && ox < os.w { dst[ox] += row[ix] }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    return out
  }
}
