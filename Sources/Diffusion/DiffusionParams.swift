import Imaging

/// Knobs of the diffusion inpainting stage (``DiffusionInpainter``).
///
/// Validated in one place, ``validate()``; the preset layer maps its keys onto these fields.
public struct DiffusionParams: Equatable, Sendable {
  /// Whether diffusion inpainting runs (after the PDE fill of `highlights`, which it starts from).
  /// Default false.
  public var enabled: Bool = false
  /// Weights: a file name searched in the model directories (`$REEXPOSE_MODEL_DIR`, the installed
  /// `share/reexpose/models`, the repository's `Models/`), or a path (contains `/`). Default
  /// `diffusion.safetensors`.
  public var model: String = "diffusion.safetensors"
  /// DDIM steps from the SDEdit start to the clean estimate. Range 1…50, default 2. Cost is one UNet
  /// forward per step and tile; on the validation tiles (`Models/diffusion.json`, strength 1) 2, 3, 4
  /// and 6 steps score within 0.25 dB PU21-PSNR of each other.
  public var steps: Int = 2
  /// DDIM η (0 = deterministic DDIM, 1 = DDPM-like ancestral noise). Range 0…1, default 0.
  public var eta: Float = 0
  /// SDEdit strength: the PDE fill is noised to timestep t/T = strength before denoising.
  /// Range 0…1, default 1 (start from noise; the fill still enters as a condition). 0 returns the
  /// PDE fill unchanged; lower values keep more of the fill. On the validation tiles strength 1
  /// gives 7.1 dB PU21-PSNR inside the over mask, 0.9 gives 3.5 dB, 0.5 gives 1.0 dB (fill alone
  /// 0.1 dB): clipped light sources are far brighter than any fill, so starting near it holds the
  /// result back.
  public var strength: Float = 1
  /// Working resolution as a fraction of the frame resolution. Range 0.0625…1, default 0.25
  /// (480×270 for 1080p). The network runs at this resolution; the result is guided-upsampled.
  public var workingScale: Float = 0.25
  /// Tile side in working-resolution pixels (multiple of 4). Range 16…256, default 64 (the
  /// training tile size). Tiles overlap by a quarter of a side and are feathered.
  public var tileSizePixels: Int = 64
  /// Noise seed. Range 0…2147483647, default 0. Each tile's noise is keyed by (seed, tile x, tile y),
  /// never by the frame index, so a static scene does not shimmer.
  public var seed: Int = 0
  /// Whether the network sees its own previous output as the "previous output" condition. Default
  /// false: on a static noisy clip, feeding the output back drifts for about five frames after every
  /// cut and ends at about the frame-to-frame change of sampling each frame alone (the network was
  /// trained with a degraded ground-truth previous frame, not its own output). Without it, frames stay
  /// stable through the tile-position-keyed noise (`seed`).
  public var conditionOnPrevious: Bool = false
  /// A tile runs when the maximum of the over-exposure mask inside it exceeds this value.
  /// Range 0…1, default 0.05. The whole stage is skipped when no pixel of the frame exceeds it.
  public var maskThreshold: Float = 0.05

  /// The defaults above.
  public static let `default` = DiffusionParams()

  /// Parameters with the documented defaults.
  public init() {}

  /// Throws a `ParameterError` whose key is the first out-of-range field's name.
  public func validate() throws {
    try ParameterError.check(steps, in: 1...50, key: "steps")
    try ParameterError.check(eta, in: 0...1, key: "eta")
    try ParameterError.check(strength, in: 0...1, key: "strength")
    try ParameterError.check(workingScale, in: 0.0625...1, key: "workingScale")
    try ParameterError.check(tileSizePixels, in: 16...256, key: "tileSizePixels")
    if tileSizePixels % 4 != 0 {
      throw ParameterError(key: "tileSizePixels", message: "must be a multiple of 4, got \(tileSizePixels)")
    }
    try ParameterError.check(maskThreshold, in: 0...1, key: "maskThreshold")
    try ParameterError.check(seed, in: 0...2_147_483_647, key: "seed")
    if model.isEmpty { throw ParameterError(key: "model", message: "must name a weights file") }
  }
}
