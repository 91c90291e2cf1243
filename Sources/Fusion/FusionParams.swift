import Parameters

/// Parameters of REHDR fusion (the learned recurrent expansion: a log2 gain map per frame from
/// ``REHDRNetwork``, applied with ``GainMapApplier``).
public struct FusionParams: ParameterSet {
  public var enabled: Bool = false
  public var model: String = "rehdr.safetensors"
  public var workingHeightPixels: Int = 272
  public var guideRadiusPixels: Int = 2
  public var guideEpsilon: Float = 1e-3
  public var fillWeight: Float = 0
  public var residual: Bool = false
  public var borderPaddingPixels: Int = 8
  public var residualOnlyWhereClipped: Bool = false
  public var residualRebuiltRampLinear: Float = 0

  public init() {}

  public static let parameters: [Parameter<Self>] = [
    .bool(
      "enabled", \.enabled,
      doc: "Whether the fusion network runs. It replaces the inverse tone map, so `expansion.enabled` must be "
        + "false when this is true, unless `residual` is true."),
    .text(
      "model", \.model,
      doc: "Weights: a file name searched in the model directories (`$REEXPOSE_MODEL_DIR`, the installed "
        + "`share/reexpose/models`, the repository's `Models/`), or a path (contains `/`)."),
    .int(
      "workingHeightPixels", \.workingHeightPixels, 64...1088, unit: "pixels",
      doc: "Height of the network's working frame; the width follows the frame's aspect ratio, both rounded "
        + "to multiples of 8 (1080p → 480×272)."),
    .int(
      "guideRadiusPixels", \.guideRadiusPixels, 1...8, unit: "working-resolution pixels",
      doc: "Window radius of the guided upsampling of the gain (2 as in training)."),
    .float(
      "guideEpsilon", \.guideEpsilon, 1e-5...0.1, unit: "log-luminance squared",
      doc: "Regularisation ε of the guided upsampling (0.001 as in training)."),
    .float(
      "fillWeight", \.fillWeight, 0...1,
      doc: "How far a highlight rebuilt by an earlier stage (PDE fill or diffusion; a pixel above SDR white) "
        + "keeps its own level instead of the network's, where the over-exposure mask is set: per pixel "
        + "log2 out = log2(hue) + (1 − w)·gain + w·log2(rebuilt level) with w = fillWeight × mask. 0 = the "
        + "network sets every level and the rebuild gives only hue."),
    .bool(
      "residual", \.residual,
      doc: "The network corrects the frame the stages before it made (e.g. `expansion` with style `recover`, "
        + "which may then stay enabled): every pixel is multiplied by 2^gain, capped at the peak; `fillWeight` "
        + "is unused. Needs weights trained this way (`Training/rehdr/base.py`, `rehdr-residual.safetensors`)."),
    .bool(
      "residualOnlyWhereClipped", \.residualOnlyWhereClipped,
      doc: "With `residual`: the gain is weighted by the over-exposure mask, so content that was not clipped keeps "
        + "the level the stages before gave it and only clipped regions are corrected."),
    .float(
      "residualRebuiltRampLinear", \.residualRebuiltRampLinear, 0...4, unit: "linear, 1 = SDR white",
      doc: "With `residualOnlyWhereClipped`: the weight also rises from 0 to 1 as the pixel's largest channel "
        + "goes from SDR white to white + this, so only what the highlight stage rebuilt above white is "
        + "corrected; full-code bars and captions, which it leaves at white, keep their level. 0 = off. On "
        + "data/tune (balanced, PU21-PSNR whole / over-exposed dB): off 21.32 / 17.27, 0.05 21.32 / 17.23, "
        + "0.25 21.29 / 17.14, 1 21.26 / 17.08."),
    .int(
      "borderPaddingPixels", \.borderPaddingPixels, 0...32, unit: "working-resolution pixels",
      doc: "The working frame is mirrored by this many pixels on every side before the network runs, and the "
        + "gain cropped back: trained on crops whose edges were image borders, the network otherwise bends its "
        + "gain near the frame's edges (a uniform sky brightens or darkens there). A multiple of 8."),
  ]

  public func checkRelations() throws {
    if borderPaddingPixels % 8 != 0 {
      throw ParameterError(key: "borderPaddingPixels", message: "must be a multiple of 8, got \(borderPaddingPixels)")
    }
    if model.isEmpty { throw ParameterError(key: "model", message: "must name a weights file") }
  }

  /// Whether the over-exposure mask weights the gain (`residual` with `residualOnlyWhereClipped`).
  public var gainWeightedByOverMask: Bool { residual && residualOnlyWhereClipped }

  /// Working size for a `width × height` frame: the height is `workingHeightPixels` (never more than
  /// the frame's), the width keeps the aspect ratio; both multiples of 8, at least 8.
  public func workingSize(width: Int, height: Int) -> (width: Int, height: Int) {
    func round8(_ v: Double) -> Int { max(8, Int((v / 8).rounded()) * 8) }
    let h = min(workingHeightPixels, height)
    let wh = round8(Double(h))
    let ww = round8(Double(width) * Double(h) / Double(height))
    return (min(ww, max(8, width / 8 * 8)), min(wh, max(8, height / 8 * 8)))
  }
}
