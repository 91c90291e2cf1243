import Parameters

/// Parameters of whole-frame, noise-adaptive, motion-compensated denoising (``MotionDenoiser`` driven by a
/// ``NoiseEstimator``).
public struct DenoiseParams: ParameterSet {
  public var enabled: Bool = false
  public var causal: Bool = false
  public var radiusFrames: Int = 1
  public var strength: Float = 1
  public var keepGrain: Float = 0
  public var noiseSigmaLinear: Float = 0
  public var searchRadiusPixels: Int = 8
  public var spatialRadiusPixels: Int = 2

  public init() {}

  public static let parameters: [Parameter<Self>] = [
    .bool("enabled", \.enabled, doc: "Whether the whole frame is denoised before every other stage."),
    .bool(
      "causal", \.causal,
      doc: "Average with the previous output only (no frame held back: live and low-latency use) instead of "
        + "the ±radiusFrames window."),
    .int(
      "radiusFrames", \.radiusFrames, 0...4, unit: "frames",
      doc: "Frames on each side averaged in the windowed mode (the stage's look-ahead); never across a scene cut."),
    .float("strength", \.strength, 0...1, doc: "Blend between the input (0) and the denoised frame (1)."),
    .float(
      "keepGrain", \.keepGrain, 0...1,
      doc: "Fraction of the removed noise added back, for a film look."),
    .float(
      "noiseSigmaLinear", \.noiseSigmaLinear, 0...0.5, unit: "linear, 1 = SDR white",
      doc: "A fixed noise σ on every channel and level instead of the per-shot estimate; 0 estimates it from "
        + "the stream."),
    .int(
      "searchRadiusPixels", \.searchRadiusPixels, 0...32, unit: "pixels",
      doc: "Largest motion followed between neighbouring frames."),
    .int(
      "spatialRadiusPixels", \.spatialRadiusPixels, 0...2, unit: "pixels",
      doc: "Half-width of the edge-aware spatial pass after the temporal average: 2 is 5×5, 1 is 3×3 (about a "
        + "third of its CPU time), 0 skips it."),
  ]
}
