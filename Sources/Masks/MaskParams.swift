import Imaging

/// Parameters of the over/under-exposure masks (DiffHDR's defaults as the starting point).
public struct MaskParams: Equatable, Sendable {
  /// sRGB-coded luma where the over-exposure ramp starts. Range 0.5...1, default 0.93.
  public var overLowSignal: Float = 0.93
  /// sRGB-coded luma where the over-exposure ramp reaches 1. Range 0.5...1 (> overLowSignal), default 0.97.
  public var overHighSignal: Float = 0.97
  /// sRGB-coded channel value counted as clipped for the hard over term. Range 0.5...1, default 0.98.
  public var clipSignal: Float = 0.98
  /// sRGB-coded luma below which a pixel is fully under-exposed. Range 0...0.5, default 0.03.
  public var underHighSignal: Float = 0.03
  /// sRGB-coded channel value counted as crushed for the hard under term. Range 0...0.5, default 0.01.
  public var crushSignal: Float = 0.01
  /// Weight of the current frame in the temporal EMA of the masks; 1 = no smoothing. Range 0...1, default 0.7.
  public var temporalWeight: Float = 0.7
  /// Radius in pixels of the morphological closing/opening. Range 0...16, default 1 (3×3).
  public var morphologyRadiusPixels: Int = 1
  /// Radius in pixels of the final blur (4 → 9×9). Range 0...64, default 4.
  public var blurRadiusPixels: Int = 4
  /// Radius in pixels of the opening then closing applied after the blur (4 → 9×9). Range 0...16, default 4.
  public var smoothingMorphologyRadiusPixels: Int = 4
  /// Whether masks are computed at half resolution and bilinearly upsampled (radii halved, rounded up); about
  /// 4× faster and visually identical since the masks are blurred. Default true.
  public var halfResolution: Bool = true

  public init() {}

  /// Checks every field against its documented range.
  public func validate() throws {
    try ParameterError.check(overLowSignal, in: 0.5...1, key: "overLowSignal")
    try ParameterError.check(overHighSignal, in: 0.5...1, key: "overHighSignal")
    if overHighSignal <= overLowSignal {
      throw ParameterError(key: "overHighSignal", message: "must be greater than overLowSignal (\(overLowSignal))")
    }
    try ParameterError.check(clipSignal, in: 0.5...1, key: "clipSignal")
    try ParameterError.check(underHighSignal, in: 0...0.5, key: "underHighSignal")
    try ParameterError.check(crushSignal, in: 0...0.5, key: "crushSignal")
    try ParameterError.check(temporalWeight, in: 0...1, key: "temporalWeight")
    try ParameterError.check(morphologyRadiusPixels, in: 0...16, key: "morphologyRadiusPixels")
    try ParameterError.check(blurRadiusPixels, in: 0...64, key: "blurRadiusPixels")
    try ParameterError.check(smoothingMorphologyRadiusPixels, in: 0...16, key: "smoothingMorphologyRadiusPixels")
  }
}
