import NN

/// Plain loop references (Double accumulation) for kernel tests.
enum NaiveReference {
  /// Direct convolution, PyTorch semantics, weight [Cout, Cin/g, kh, kw].
  static func conv2d(_ x: Tensor, _ c: Conv2d) -> Tensor {
    let s = x.shape, os = c.outputShape(for: s), g = c.geometry
    let out = Tensor(zeros: os)
    let cinG = c.inChannels / c.groups, coutG = c.outChannels / c.groups
    for n in 0..<s.n {
      for co in 0..<c.outChannels {
        let gi = co / coutG
        for oy in 0..<os.h {
          for ox in 0..<os.w {
            var acc = Double(c.bias?.data[co] ?? 0)
            for ci in 0..<cinG {
              for ky in 0..<g.kernelH {
                let iy = oy * g.strideH - g.padH + ky * g.dilationH
                if iy < 0 || iy >= s.h { continue }
                for kx in 0..<g.kernelW {
                  let ix = ox * g.strideW - g.padW + kx * g.dilationW
                  if ix < 0 || ix >= s.w { continue }
                  let wv = c.weight.data[((co * cinG + ci) * g.kernelH + ky) * g.kernelW + kx]
                  acc += Double(wv) * Double(x[n, gi * cinG + ci, iy, ix])
                }
              }
            }
            out[n, co, oy, ox] = Float(acc)
          }
        }
      }
    }
    return out
  }

  /// Direct transposed convolution (scatter form), weight [Cin, Cout/g, kh, kw].
  static func convTranspose2d(_ x: Tensor, _ c: ConvTranspose2d) -> Tensor {
    let s = x.shape, os = c.outputShape(for: s), g = c.geometry
    let acc = [Double](repeating: 0, count: os.count)
    var a = acc
    let cinG = c.inChannels / c.groups, coutG = c.outChannels / c.groups
    for n in 0..<s.n {
      for ci in 0..<c.inChannels {
        let gi = ci / cinG
        for iy in 0..<s.h {
          for ix in 0..<s.w {
            let v = Double(x[n, ci, iy, ix])
            for co in 0..<coutG {
              for ky in 0..<g.kernelH {
                let oy = iy * g.strideH - g.padH + ky * g.dilationH
                if oy < 0 || oy >= os.h { continue }
                for kx in 0..<g.kernelW {
                  let ox = ix * g.strideW - g.padW + kx * g.dilationW
                  if ox < 0 || ox >= os.w { continue }
                  let wv = Double(c.weight.data[((ci * coutG + co) * g.kernelH + ky) * g.kernelW + kx])
                  a[((n * c.outChannels + gi * coutG + co) * os.h + oy) * os.w + ox] += v * wv
                }
              }
            }
          }
        }
      }
    }
    let out = Tensor(zeros: os)
    for i in 0..<os.count {
      let co = (i / os.plane) % os.c
      out.data[i] = Float(a[i] + Double(c.bias?.data[co] ?? 0))
    }
    return out
  }
}
