/// Tuning of the NN engine's convolutions, part of an ``ExecutionContext`` (read by `Conv2d` from
/// `ExecutionContext.current`). Tests and `reexpose-bench-nn` force paths with a context of their own.
public struct NNKernelChoices: Sendable, Equatable {
  /// How 3×3 convolutions are computed.
  public enum ConvAlgorithm: Sendable, Equatable {
    /// Winograd F(4×4, 3×3) where it applies and pays off (3×3, stride 1, dilation 1, groups 1,
    /// ≥ 8 input and output channels, output ≥ 8×8 — measured 1.4–7× faster than im2col from
    /// 8→8 @64² to 128→128 @64² on 2 cores); im2col + sgemm otherwise.
    case automatic
    /// Always banded im2col + sgemm (the reference path).
    case im2col
    /// Winograd wherever it applies (any channel count / size); im2col otherwise.
    case winograd
  }

  /// Target size in bytes of one im2col band (a band is at least one output row).
  public var bandBytes: Int
  /// How 3×3 convolutions are computed.
  public var convAlgorithm: ConvAlgorithm
  /// Minimum number of 4×4 tiles in one Winograd work block (whole tile rows).
  public var winogradTiles: Int

  /// The defaults: 2 MiB bands, `.automatic`, ≥ 96 Winograd tiles per block.
  public init(bandBytes: Int = 2 << 20, convAlgorithm: ConvAlgorithm = .automatic, winogradTiles: Int = 96) {
    self.bandBytes = bandBytes
    self.convAlgorithm = convAlgorithm
    self.winogradTiles = winogradTiles
  }

  /// The defaults.
  public static let `default` = NNKernelChoices()
}
