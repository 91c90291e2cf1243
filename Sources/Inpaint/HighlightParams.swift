import Imaging

/// Parameters of highlight reconstruction (partly clipped channels rebuilt, fully clipped regions filled by
/// multiscale PDE diffusion in Log-Gamma space).
public struct HighlightParams: Equatable, Sendable {
  /// Whether highlight reconstruction runs at all. Default true.
  public var enabled: Bool = true
  /// Linear value (relative to SDR white) at or above which a channel counts as clipped. Range 0.5...1,
  /// default 0.95.
  public var clipLinear: Float = 0.95
  /// Jacobi iterations per pyramid level of the diffusion fill at the coarser levels; the two finest levels
  /// use ½ and ¼ of it (at least 2), the coarsest solves to convergence. Range 1...500, default 24.
  public var diffusionIterations: Int = 24
  /// Coarsest pyramid level is at most this many pixels on its long side. Range 4...256, default 16.
  public var coarsestSizePixels: Int = 16
  /// Strength of the chroma offset learned on the unclipped ring around each region. Range 0...1, default 1.
  public var chromaCarry: Float = 1
  /// Largest linear value (relative to SDR white) a reconstructed or filled channel may reach; bounds the
  /// gradient continuation inside large blown regions. Range 1...1000, default 16.
  public var fillPeakLinear: Float = 16
  /// Largest ratio of a rebuilt channel to the pixel's recorded level (partly clipped) or to its filled
  /// intensity (fully clipped); bounds the saturation carried in from a coloured ring, so a white sun in a
  /// blue sky stays near-white. Range 1...4, default 1.25.
  public var maxChromaRatio: Float = 1.25
  /// Pyramid levels of the fill whose long side is at most this many pixels continue the surrounding
  /// gradients inward (a clipped dome keeps rising); larger levels diffuse plainly. 0 = plain diffusion
  /// everywhere (cheapest, flattest fill). Range 0...1024, default 256.
  public var guidedFillSizePixels: Int = 256

  public init() {}

  /// Checks every field against its documented range.
  public func validate() throws {
    try ParameterError.check(clipLinear, in: 0.5...1, key: "clipLinear")
    try ParameterError.check(diffusionIterations, in: 1...500, key: "diffusionIterations")
    try ParameterError.check(coarsestSizePixels, in: 4...256, key: "coarsestSizePixels")
    try ParameterError.check(chromaCarry, in: 0...1, key: "chromaCarry")
    try ParameterError.check(fillPeakLinear, in: 1...1000, key: "fillPeakLinear")
    try ParameterError.check(maxChromaRatio, in: 1...4, key: "maxChromaRatio")
    try ParameterError.check(guidedFillSizePixels, in: 0...1024, key: "guidedFillSizePixels")
  }
}
