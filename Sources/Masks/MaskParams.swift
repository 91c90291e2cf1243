import Parameters

/// Parameters of the over/under-exposure masks (DiffHDR's defaults as the starting point).
public struct MaskParams: ParameterSet {
  public var overLowSignal: Float = 0.93
  public var overHighSignal: Float = 0.97
  public var clipSignal: Float = 0.98
  public var underHighSignal: Float = 0.03
  public var crushSignal: Float = 0.01
  public var temporalWeight: Float = 1
  public var morphologyRadiusPixels: Int = 1
  public var blurRadiusPixels: Int = 2
  public var smoothingMorphologyRadiusPixels: Int = 0
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
      doc: "Weight of the current frame in the temporal EMA of the masks; 1 = no smoothing, so the mask does not "
        + "lag a moving clipped region and place the fill and the lift beside it. On data/tune100 (hdr10-pq, "
        + "PU21-PSNR whole / over-exposed dB, tPU-RMSE; blur 4, no smoothing morphology): 0.7 (DiffHDR's) "
        + "20.94 / 16.62 / 14.20, 0.85 20.97 / 16.68 / 14.12, 1 21.00 / 16.72 / 14.05."),
    .int(
      "morphologyRadiusPixels", \.morphologyRadiusPixels, 0...16, unit: "pixels",
      doc: "Radius of the morphological closing/opening (1 → 3×3)."),
    .int(
      "blurRadiusPixels", \.blurRadiusPixels, 0...64, unit: "pixels",
      doc: "Radius of the final blur (2 → 5×5). On data/tune100 (hdr10-pq, as for temporalWeight, at 1): 4 "
        + "21.00 / 16.72 / 14.05, 2 21.01 / 16.77 / 14.00, 0 21.03 / 16.80 / 13.95 (a hard mask edge; 2 keeps "
        + "a soft one for a few hundredths of a dB)."),
    .int(
      "smoothingMorphologyRadiusPixels", \.smoothingMorphologyRadiusPixels, 0...16, unit: "pixels",
      doc: "Radius of the opening then closing applied after the blur (4 → 9×9); 0 = none. "
        + "DiffHDR's 4 erased clipped regions narrower than about 18 px (at half resolution), so the fill and "
        + "every stage after it left a small lamp near SDR white (`HighlightGuardTests`). On data/tune100 "
        + "(hdr10-pq, blur 4, temporalWeight 0.7): 4 20.89 / 16.39 / 14.38, 2 20.93 / 16.56 / 14.25, 0 "
        + "20.94 / 16.62 / 14.20; on 24 clips with 1–3 added lamps each 18.20 / 12.91 → 18.26 / 13.04 at 0."),
    .bool(
      "halfResolution", \.halfResolution,
      doc: "Whether masks are computed at half resolution and bilinearly upsampled (radii halved, rounded up); "
        + "about 4× faster. At full resolution data/tune100 scores 21.05 / 16.85 / 13.92 against 21.01 / "
        + "16.77 / 14.00 at half (hdr10-pq, the other keys as declared)."),
  ]

  public func checkRelations() throws {
    if overHighSignal <= overLowSignal {
      throw ParameterError(key: "overHighSignal", message: "must be greater than overLowSignal (\(overLowSignal))")
    }
  }
}
