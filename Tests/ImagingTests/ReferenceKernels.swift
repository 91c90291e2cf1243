import Imaging

/// Plain-loop reference implementations the SIMD kernels are checked against.
enum ReferenceKernels {
  /// Deterministic pseudo-random image in 0...1 (LCG).
  static func random(width: Int, height: Int, channels: Int, seed: UInt64 = 1) -> PlanarImage {
    let img = PlanarImage(width: width, height: height, channels: channels)
    var s = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    for i in 0..<img.count {
      s = s &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      img.data[i] = Float(s >> 40) / Float(1 << 24)
    }
    return img
  }

  static func clampIndex(_ i: Int, _ n: Int) -> Int { min(max(i, 0), n - 1) }

  /// Separable 1-D filter with edge replication: horizontal then vertical, weights over −r...r.
  static func separable(_ src: PlanarImage, _ k: [Float]) -> PlanarImage {
    let r = (k.count - 1) / 2
    let tmp = PlanarImage(width: src.width, height: src.height, channels: src.channels)
    let out = PlanarImage(width: src.width, height: src.height, channels: src.channels)
    for c in 0..<src.channels {
      for y in 0..<src.height {
        for x in 0..<src.width {
          var s: Float = 0
          for t in -r...r { s += k[t + r] * src[c, y, clampIndex(x + t, src.width)] }
          tmp[c, y, x] = s
        }
      }
      for y in 0..<src.height {
        for x in 0..<src.width {
          var s: Float = 0
          for t in -r...r { s += k[t + r] * tmp[c, clampIndex(y + t, src.height), x] }
          out[c, y, x] = s
        }
      }
    }
    return out
  }

  /// Min or max over the (2r+1)² window clipped to the image.
  static func extremum(_ src: PlanarImage, radius r: Int, isMax: Bool) -> PlanarImage {
    let out = PlanarImage(width: src.width, height: src.height, channels: src.channels)
    for c in 0..<src.channels {
      for y in 0..<src.height {
        for x in 0..<src.width {
          var v = src[c, y, x]
          for yy in max(0, y - r)...min(src.height - 1, y + r) {
            for xx in max(0, x - r)...min(src.width - 1, x + r) {
              v = isMax ? max(v, src[c, yy, xx]) : min(v, src[c, yy, xx])
            }
          }
          out[c, y, x] = v
        }
      }
    }
    return out
  }

  /// Bilinear sample with pixel-centre alignment and clamping.
  static func bilinear(_ src: PlanarImage, width: Int, height: Int) -> PlanarImage {
    let out = PlanarImage(width: width, height: height, channels: src.channels)
    let sx = Double(src.width) / Double(width), sy = Double(src.height) / Double(height)
    for c in 0..<src.channels {
      for y in 0..<height {
        for x in 0..<width {
          let fx = min(max((Double(x) + 0.5) * sx - 0.5, 0), Double(src.width - 1))
          let fy = min(max((Double(y) + 0.5) * sy - 0.5, 0), Double(src.height - 1))
          let x0 = Int(fx), y0 = Int(fy)
          let x1 = min(x0 + 1, src.width - 1), y1 = min(y0 + 1, src.height - 1)
          let ax = Float(fx - Double(x0)), ay = Float(fy - Double(y0))
          let top = src[c, y0, x0] * (1 - ax) + src[c, y0, x1] * ax
          let bot = src[c, y1, x0] * (1 - ax) + src[c, y1, x1] * ax
          out[c, y, x] = top * (1 - ay) + bot * ay
        }
      }
    }
    return out
  }

  /// Normalised mean squared error Σ(a − b)² / Σ b².
  static func nmse(_ a: PlanarImage, _ b: PlanarImage) -> Double {
    var num = 0.0, den = 0.0
    for i in 0..<a.count {
      let d = Double(a.data[i] - b.data[i])
      num += d * d
      den += Double(b.data[i] * b.data[i])
    }
    return num / max(den, 1e-30)
  }
}
