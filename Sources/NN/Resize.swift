/// Spatial resizing of NCHW tensors, matching `torch.nn.functional.interpolate` with an explicit `size`.
public enum Resize {
  /// Interpolation kind.
  public enum Mode: Sendable {
    /// `mode="nearest"`: source index ⌊dst·(in/out)⌋ (computed in Float as PyTorch does).
    case nearest
    /// `mode="bilinear", align_corners=False`: source (dst + 0.5)·(in/out) − 0.5, clamped at 0.
    case bilinear
  }

  /// Resizes `x` to `height`×`width`.
  public static func apply(
    _ x: Tensor, height: Int, width: Int, mode: Mode, pool: TensorPool = .shared
  ) -> Tensor {
    let s = x.shape
    let out = pool.tensor(Shape(s.n, s.c, height, width))
    let sy = Float(s.h) / Float(height), sx = Float(s.w) / Float(width)
    switch mode {
    case .nearest:
      NNThreading.forEach(s.n * s.c) { p in
        let src = x.data + p * s.plane, dst = out.data + p * height * width
        for oy in 0..<height {
          let iy = min(Int((Float(oy) * sy).rounded(.down)), s.h - 1)
          for ox in 0..<width {
            let ix = min(Int((Float(ox) * sx).rounded(.down)), s.w - 1)
            dst[oy * width + ox] = src[iy * s.w + ix]
          }
        }
      }
    case .bilinear:
      NNThreading.forEach(s.n * s.c) { p in
        let src = x.data + p * s.plane, dst = out.data + p * height * width
        for oy in 0..<height {
          let (y0, y1, ly) = source(oy, scale: sy, size: s.h)
          for ox in 0..<width {
            let (x0, x1, lx) = source(ox, scale: sx, size: s.w)
            let top = (1 - lx) * src[y0 * s.w + x0] + lx * src[y0 * s.w + x1]
            let bot = (1 - lx) * src[y1 * s.w + x0] + lx * src[y1 * s.w + x1]
            dst[oy * width + ox] = (1 - ly) * top + ly * bot
          }
        }
      }
    }
    return out
  }

  /// Bilinear source taps (i0, i1, λ) for output index `o` (half-pixel centres).
  @inline(__always)
  static func source(_ o: Int, scale: Float, size: Int) -> (Int, Int, Float) {
    let f = max(0, (Float(o) + 0.5) * scale - 0.5)
    let i0 = min(Int(f), size - 1)
    let i1 = min(i0 + 1, size - 1)
    return (i0, i1, f - Float(i0))
  }
}
