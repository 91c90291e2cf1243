/// Average, max and global-average pooling over NCHW tensors (PyTorch semantics, floor mode).
public enum Pooling {
  /// `avg_pool2d` with `count_include_pad=True` (PyTorch default): sum over the window / (k·k).
  public static func average(
    _ x: Tensor, kernel: Int, stride: Int? = nil, padding: Int = 0, pool: TensorPool = .shared
  ) -> Tensor {
    window(x, kernel: kernel, stride: stride ?? kernel, padding: padding, pool: pool, max: false)
  }

  /// `max_pool2d`: maximum over the window; padding never wins.
  public static func max(
    _ x: Tensor, kernel: Int, stride: Int? = nil, padding: Int = 0, pool: TensorPool = .shared
  ) -> Tensor {
    window(x, kernel: kernel, stride: stride ?? kernel, padding: padding, pool: pool, max: true)
  }

  /// Mean over each channel plane: [N, C, H, W] → [N, C, 1, 1].
  public static func globalAverage(_ x: Tensor, pool: TensorPool = .shared) -> Tensor {
    let s = x.shape
    let out = pool.tensor(Shape(s.n, s.c, 1, 1))
    NNThreading.forEach(s.n * s.c) { p in
      let src = x.data + p * s.plane
      var acc = 0.0
      for i in 0..<s.plane { acc += Double(src[i]) }
      out.data[p] = Float(acc / Double(s.plane))
    }
    return out
  }

  private static func window(
    _ x: Tensor, kernel k: Int, stride st: Int, padding p: Int, pool: TensorPool, max isMax: Bool
  ) -> Tensor {
    let s = x.shape
    precondition(p <= k / 2, "padding must be ≤ kernel/2")
    let oh = (s.h + 2 * p - k) / st + 1, ow = (s.w + 2 * p - k) / st + 1
    let out = pool.tensor(Shape(s.n, s.c, oh, ow))
    let inv = 1 / Float(k * k)
    NNThreading.forEach(s.n * s.c) { pl in
      let src = x.data + pl * s.plane, dst = out.data + pl * oh * ow
      for oy in 0..<oh {
        for ox in 0..<ow {
          var acc: Float = isMax ? -.infinity : 0
          for ky in 0..<k {
            let iy = oy * st - p + ky
            if iy < 0 || iy >= s.h { continue }
            for kx in 0..<k {
              let ix = ox * st - p + kx
              if ix < 0 || ix >= s.w { continue }
              let v = src[iy * s.w + ix]
              acc = isMax ? Swift.max(acc, v) : acc + v
            }
          }
          dst[oy * ow + ox] = isMax ? acc : acc * inv
        }
      }
    }
    return out
  }
}
