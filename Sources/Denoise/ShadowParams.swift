import Parameters

/// Parameters of temporal shadow denoising inside the under-exposure mask.
public struct ShadowParams: ParameterSet {
  public var enabled: Bool = true
  public var radiusFrames: Int = 1
  public var strength: Float = 0.8
  public var noiseSigmaLinear: Float = 0.01
  public var spatialRadiusPixels: Int = 1

  public init() {}

  public static let parameters: [Parameter<Self>] = [
    .bool("enabled", \.enabled, doc: "Whether shadow denoising runs."),
    .int(
      "radiusFrames", \.radiusFrames, 0...4, unit: "frames",
      doc: "Frames on each side of the current one that are averaged (the stage's look-ahead)."),
    .float("strength", \.strength, 0...1, doc: "Strength of the denoising blend inside the under mask."),
    .float(
      "noiseSigmaLinear", \.noiseSigmaLinear, 0.0001...0.5, unit: "linear, 1 = SDR white",
      doc: "Expected noise standard deviation, used to reject motion."),
    .int(
      "spatialRadiusPixels", \.spatialRadiusPixels, 0...8, unit: "pixels",
      doc: "Radius of the edge-aware blur applied in the mask."),
  ]
}
