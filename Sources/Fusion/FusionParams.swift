import Imaging

/// Parameters of REHDR fusion (the learned recurrent expansion: a log2 gain map per frame from
/// ``REHDRNetwork``, applied with ``GainMapApplier``).
public struct FusionParams: Equatable, Sendable {
  /// Whether the fusion network runs. It replaces the inverse tone map, so `expansion.enabled` must be
  /// false when this is true. Default false.
  public var enabled: Bool = false
  /// Weights: a file name searched in the model directories (`$REEXPOSE_MODEL_DIR`, the installed
  /// `share/reexpose/models`, the repository's `Models/`), or a path (contains `/`). Default
  /// `rehdr.safetensors`.
  public var model: String = "rehdr.safetensors"
  /// Height of the network's working frame in pixels; the width follows the frame's aspect ratio, both
  /// rounded to multiples of 8 (1080p → 480×272). Range 64...1088, default 272.
  public var workingHeightPixels: Int = 272
  /// Window radius of the guided upsampling of the gain, in working-resolution pixels. Range 1...8,
  /// default 2 (as in training).
  public var guideRadius: Int = 2
  /// Regularisation ε of the guided upsampling (log-luminance units squared). Range 1e-5...0.1,
  /// default 0.001 (as in training).
  public var guideEpsilon: Float = 1e-3

  /// How far a highlight rebuilt by an earlier stage (PDE fill or diffusion; a pixel above SDR white)
  /// keeps its own level instead of the network's, where the over-exposure mask is set: per pixel
  /// log2 out = log2(hue) + (1 − w)·gain + w·log2(rebuilt level) with w = fillWeight × mask. 0 = the
  /// network sets every level and the rebuild gives only hue. Range 0...1, default 0.
  public var fillWeight: Float = 0

  public init() {}

  /// Checks every field against its documented range.
  public func validate() throws {
    if model.isEmpty { throw ParameterError(key: "model", message: "must name a weights file") }
    try ParameterError.check(workingHeightPixels, in: 64...1088, key: "workingHeightPixels")
    try ParameterError.check(guideRadius, in: 1...8, key: "guideRadius")
    try ParameterError.check(guideEpsilon, in: 1e-5...0.1, key: "guideEpsilon")
    try ParameterError.check(fillWeight, in: 0...1, key: "fillWeight")
  }

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
