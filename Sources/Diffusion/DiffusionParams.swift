import Parameters

/// Knobs of the diffusion inpainting stage (``DiffusionInpainter``).
public struct DiffusionParams: ParameterSet {
  public var enabled: Bool = false
  public var model: String = "diffusion.safetensors"
  public var steps: Int = 2
  public var eta: Float = 0
  public var strength: Float = 1
  public var workingScale: Float = 0.25
  public var tileSizePixels: Int = 64
  public var seed: Int = 0
  public var conditionOnPrevious: Bool = false
  public var maskThreshold: Float = 0.05
  public var rebuiltRampLinear: Float = 0
  public var keepFillHue: Bool = false
  public var detailWeight: Float = 0

  /// The defaults.
  public static let `default` = DiffusionParams()

  public init() {}

  public static let parameters: [Parameter<Self>] = [
    .bool(
      "enabled", \.enabled,
      doc: "Whether diffusion inpainting runs (after the PDE fill of `highlights`, which it starts from)."),
    .text(
      "model", \.model,
      doc: "Weights: a file name searched in the model directories (`$REEXPOSE_MODEL_DIR`, the installed "
        + "`share/reexpose/models`, the repository's `Models/`), or a path (contains `/`)."),
    .int(
      "steps", \.steps, 1...50, unit: "DDIM steps",
      doc: "Steps from the SDEdit start to the clean estimate; each costs one UNet forward per tile. On the "
        + "validation tiles (`Models/diffusion.json`, strength 1) 2, 3, 4 and 6 steps score within 0.25 dB "
        + "PU21-PSNR of each other."),
    .float("eta", \.eta, 0...1, doc: "DDIM η (0 = deterministic DDIM, 1 = DDPM-like ancestral noise)."),
    .float(
      "strength", \.strength, 0...1,
      doc: "SDEdit strength: the PDE fill is noised to timestep t/T = strength before denoising (1 starts "
        + "from noise; the fill still enters as a condition; 0 returns the fill unchanged). On the "
        + "validation tiles 1 gives 7.1 dB PU21-PSNR inside the over mask, 0.9 gives 3.5 dB, 0.5 gives "
        + "1.0 dB (fill alone 0.1 dB): clipped light sources are far brighter than any fill."),
    .float(
      "workingScale", \.workingScale, 0.0625...1, unit: "fraction of the frame size",
      doc: "Working resolution (0.25 → 480×270 for 1080p); the network runs there and the result is "
        + "guided-upsampled."),
    .int(
      "tileSizePixels", \.tileSizePixels, 16...256, unit: "working-resolution pixels",
      doc: "Tile side, a multiple of 4 (64 is the training tile size). Tiles overlap by a quarter of a side "
        + "and are feathered."),
    .int(
      "seed", \.seed, 0...2_147_483_647,
      doc: "Noise seed. Each tile's noise is keyed by (seed, tile x, tile y), never by the frame index, so a "
        + "static scene does not shimmer."),
    .bool(
      "conditionOnPrevious", \.conditionOnPrevious,
      doc: "Whether the network sees its own previous output as the \"previous output\" condition. Off: on a "
        + "static noisy clip, feeding the output back drifts for about five frames after every cut (the "
        + "network was trained with a degraded ground-truth previous frame, not its own output)."),
    .float(
      "maskThreshold", \.maskThreshold, 0...1,
      doc: "A tile runs when the maximum of the over-exposure mask inside it exceeds this value; the stage "
        + "is skipped when no pixel of the frame does."),
    .float(
      "rebuiltRampLinear", \.rebuiltRampLinear, 0...4, unit: "linear, 1 = SDR white",
      doc: "The inpainted difference is blended by the over-exposure mask times a weight that rises from 0 to 1 "
        + "as the fill's largest channel goes from SDR white to white + this, so regions the highlight stage "
        + "left at white (just-clipped walls and skies, full-code bars and captions) keep the fill and only "
        + "what it rebuilt above white is re-created. 0 = off (the mask alone). On data/tune (`quality`, "
        + "PU21-PSNR whole / over-exposed dB): off 20.31 / 15.15, 0.25 20.88 / 16.19, 0.5 21.05 / 16.65, "
        + "1 21.12 / 16.86, 2 20.99 / 16.74."),
    .bool(
      "keepFillHue", \.keepFillHue,
      doc: "Whether the inpainting sets only the luminance: each changed pixel is the fill's RGB scaled to the "
        + "inpainted BT.709 luminance, so clipped white keeps the neutral (or partly-clipped) hue the highlight "
        + "stage rebuilt instead of the network's per-channel guess."),
    .float(
      "detailWeight", \.detailWeight, 0...1,
      doc: "Weight of the fine texture the network re-creates (its difference minus a 5×5 box mean at the "
        + "working resolution, added to the guided base). That texture grows from noise keyed by tile position, "
        + "so it stays on the screen while a panning scene moves under it (a dirty window); the guided base "
        + "follows the frame. On data/tune100 (`quality`, PU21-PSNR whole / over-exposed dB): 0 20.84 / 16.29, "
        + "0.5 20.84 / 16.28, 1 20.84 / 16.27."),
  ]

  public func checkRelations() throws {
    if tileSizePixels % 4 != 0 {
      throw ParameterError(key: "tileSizePixels", message: "must be a multiple of 4, got \(tileSizePixels)")
    }
    if model.isEmpty { throw ParameterError(key: "model", message: "must name a weights file") }
  }
}
