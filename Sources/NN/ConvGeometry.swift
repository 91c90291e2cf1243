/// Kernel size, stride, padding and dilation of a 2-D convolution (per axis), with output-size maths.
public struct ConvGeometry: Equatable, Sendable {
  /// Kernel height and width.
  public var kernelH: Int, kernelW: Int
  /// Stride per axis (≥ 1).
  public var strideH: Int, strideW: Int
  /// Zero padding per side, per axis (≥ 0).
  public var padH: Int, padW: Int
  /// Dilation per axis (≥ 1).
  public var dilationH: Int, dilationW: Int

  /// Creates a geometry; scalars apply to both axes.
  public init(
    kernel: (Int, Int), stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1)
  ) {
    precondition(kernel.0 >= 1 && kernel.1 >= 1 && stride.0 >= 1 && stride.1 >= 1)
    precondition(padding.0 >= 0 && padding.1 >= 0 && dilation.0 >= 1 && dilation.1 >= 1)
    (kernelH, kernelW) = kernel
    (strideH, strideW) = stride
    (padH, padW) = padding
    (dilationH, dilationW) = dilation
  }

  /// Output extent of a convolution over an input extent `n` along one axis.
  @inlinable
  static func convOut(_ n: Int, k: Int, s: Int, p: Int, d: Int) -> Int { (n + 2 * p - d * (k - 1) - 1) / s + 1 }

  /// Output (height, width) of a convolution over an H×W input.
  public func convOutput(h: Int, w: Int) -> (Int, Int) {
    (
      ConvGeometry.convOut(h, k: kernelH, s: strideH, p: padH, d: dilationH),
      ConvGeometry.convOut(w, k: kernelW, s: strideW, p: padW, d: dilationW)
    )
  }

  /// Whether this is a 1×1, stride-1, unpadded kernel (a plain GEMM).
  public var isPointwise: Bool { kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0 }
}
