import Parameters

/// Parameters of the over/under-exposure masks (DiffHDR's defaults as the starting point).
public struct MaskParams: ParameterSet {
  public var overLowSignal: Float = 0.93
  public var overHighSignal: Float = 0.97
  public var clipSignal: Float = 0.98
  public var underHighSignal: Float = 0.03
  public var crushSignal: Float = 0.01
  public var temporalWeight: Float = 0.7
  public var morphologyRadiusPixels: Int = 1
  public var blurRadiusPixels: Int = 4
  public var smoothingMorphologyRadiusPixels: Int = 4
  public var halfResolution: Bool = true

  public init() {}

  public static let parameters: [Parameter<Self>] = [
    .float(
      "overLowSignal", \.overLowSignal, 0.5...1, unit: "sRGB-coded luma, 0...1",
      doc: "Where the over-exposure ramp starts."),
    .float(
      "overHighSignal", \.overHighSignal, 0.5...1, unit: "sRGB-coded luma, 0...1",
      doc: "Where the over-exposure ramp reaches 1; must exceed overLowSignal."),
    .float(
      "clipSignal", \.clipSignal, 0.5...1, unit: "sRGB-coded channel, 0...1",
      doc: "Channel value counted as clipped for the hard over term."),
    .float(
      "underHighSignal", \.underHighSignal, 0...0.5, unit: "sRGB-coded luma, 0...1",
      doc: "Luma below which a pixel is fully under-exposed."),
    .float(
      "crushSignal", \.crushSignal, 0...0.5, unit: "sRGB-coded channel, 0...1",
      doc: "Channel value counted as crushed for the hard under term."),
    .float(
      "temporalWeight", \.temporalWeight, 0...1,
      doc: "Weight of the current frame in the temporal EMA of the masks; 1 = no smoothing."),
    .int(
      "morphologyRadiusPixels", \.morphologyRadiusPixels, 0...16, unit: "pixels",
      doc: "Radius of the morphological closing/opening (1 → 3×3)."),
    .int(
      "blurRadiusPixels", \.blurRadiusPixels, 0...64, unit: "pixels", doc: "Radius of the final blur (4 → 9×9)."),
    .int(
      "smoothingMorphologyRadiusPixels", \.smoothingMorphologyRadiusPixels, 0...16, unit: "pixels",
      doc: "Radius of the opening then closing applied after the blur (4 → 9×9)."),
    .bool(
      "halfResolution", \.halfResolution,
      doc: "Whether masks are computed at half resolution and bilinearly upsampled (radii halved, rounded up); "
        + "about 4× faster and visually identical since the masks are blurred."),
  ]

  public func checkRelations() throws {
    if overHighSignal <= overLowSignal {
      throw ParameterError(key: "overHighSignal", message: "must be greater than overLowSignal (\(overLowSignal))")
    }
  }
}
