import Imaging

/// Parameters of temporal shadow denoising inside the under-exposure mask.
public struct ShadowParams: Equatable, Sendable {
  /// Whether shadow denoising runs. Default true.
  public var enabled: Bool = true
  /// Frames on each side of the current one that are averaged. Range 0...4, default 1.
  public var radiusFrames: Int = 1
  /// Strength of the denoising blend inside the under mask. Range 0...1, default 0.8.
  public var strength: Float = 0.8
  /// Expected noise standard deviation in linear units relative to SDR white, used to reject motion.
  /// Range 0.0001...0.5, default 0.01.
  public var noiseSigmaLinear: Float = 0.01
  /// Spatial radius in pixels of the edge-aware blur applied in the mask. Range 0...8, default 1.
  public var spatialRadiusPixels: Int = 1

  public init() {}

  /// Checks every field against its documented range.
  public func validate() throws {
    try ParameterError.check(radiusFrames, in: 0...4, key: "radiusFrames")
    try ParameterError.check(strength, in: 0...1, key: "strength")
    try ParameterError.check(noiseSigmaLinear, in: 0.0001...0.5, key: "noiseSigmaLinear")
    try ParameterError.check(spatialRadiusPixels, in: 0...8, key: "spatialRadiusPixels")
  }
}
