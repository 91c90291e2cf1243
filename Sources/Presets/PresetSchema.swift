import Color
import Pipeline

/// The one table mapping every dotted preset key to its `PipelineParams` field, type, range and doc.
///
/// The loader, `--set`, `render`, `--print-preset` and the README table all read this table; a
/// `PipelineParams` field missing here fails `PresetsTests.testSchemaCoversEveryField`. Summaries are
/// the fields' doc comments, copied; ranges are the ones each section's `validate()` enforces.
public enum PresetSchema {
  /// Top-level keys that are not sections.
  public static let topLevelKeys = ["version", "description"]

  /// Section names in file order (the order of `PipelineParams`' stored properties).
  public static let sections = ["input", "window", "masks", "highlights", "diffusion", "shadows", "expansion", "fusion", "output"]

  /// The key called `path` (`output.peakNits`), or nil.
  public static func key(_ path: String) -> PresetKey? { byPath[path] }

  private static let byPath = Dictionary(uniqueKeysWithValues: keys.map { ($0.path, $0) })

  /// Every key, grouped by section in `sections` order, fields in declaration order.
  public static let keys: [PresetKey] = [
    // MARK: - input (InputParams)
    .choice(
      "input.transfer", \.input.transfer, names: InputParams.transferNames,
      "Transfer to assume: `auto` (use the stream's tag, BT.709/BT.1886 display when untagged), `srgb`, "
        + "`bt1886`, `bt709`. Default `auto`."),

    // MARK: - window (WindowParams)
    .int(
      "window.lookAheadFrames", \.window.lookAheadFrames, 0...8,
      "Frames of look-ahead the pipeline may hold (bounds memory: window = 1 + 2·lookAhead frames). "
        + "Range 0...8, default 1."),
    .float(
      "window.sceneCutThreshold", \.window.sceneCutThreshold, 0...1,
      "Mean absolute luma difference (sRGB signal, 0...1) above which a scene cut resets temporal state. "
        + "Range 0...1, default 0.12; 1 disables detection."),

    // MARK: - masks (MaskParams)
    .float(
      "masks.overLowSignal", \.masks.overLowSignal, 0.5...1,
      "sRGB-coded luma where the over-exposure ramp starts. Range 0.5...1, default 0.93."),
    .float(
      "masks.overHighSignal", \.masks.overHighSignal, 0.5...1,
      "sRGB-coded luma where the over-exposure ramp reaches 1. Range 0.5...1 (> overLowSignal), default 0.97."),
    .float(
      "masks.clipSignal", \.masks.clipSignal, 0.5...1,
      "sRGB-coded channel value counted as clipped for the hard over term. Range 0.5...1, default 0.98."),
    .float(
      "masks.underHighSignal", \.masks.underHighSignal, 0...0.5,
      "sRGB-coded luma below which a pixel is fully under-exposed. Range 0...0.5, default 0.03."),
    .float(
      "masks.crushSignal", \.masks.crushSignal, 0...0.5,
      "sRGB-coded channel value counted as crushed for the hard under term. Range 0...0.5, default 0.01."),
    .float(
      "masks.temporalWeight", \.masks.temporalWeight, 0...1,
      "Weight of the current frame in the temporal EMA of the masks; 1 = no smoothing. Range 0...1, default 0.7."),
    .int(
      "masks.morphologyRadiusPixels", \.masks.morphologyRadiusPixels, 0...16,
      "Radius in pixels of the morphological closing/opening. Range 0...16, default 1 (3×3)."),
    .int(
      "masks.blurRadiusPixels", \.masks.blurRadiusPixels, 0...64,
      "Radius in pixels of the final blur (4 → 9×9). Range 0...64, default 4."),
    .int(
      "masks.smoothingMorphologyRadiusPixels", \.masks.smoothingMorphologyRadiusPixels, 0...16,
      "Radius in pixels of the opening then closing applied after the blur (4 → 9×9). Range 0...16, default 4."),
    .bool(
      "masks.halfResolution", \.masks.halfResolution,
      "Whether masks are computed at half resolution and bilinearly upsampled (radii halved, rounded up); about "
        + "4× faster and visually identical since the masks are blurred. Default true."),

    // MARK: - highlights (HighlightParams)
    .bool("highlights.enabled", \.highlights.enabled, "Whether highlight reconstruction runs at all. Default true."),
    .float(
      "highlights.clipLinear", \.highlights.clipLinear, 0.5...1,
      "Linear value (relative to SDR white) at or above which a channel counts as clipped. Range 0.5...1, "
        + "default 0.95."),
    .int(
      "highlights.diffusionIterations", \.highlights.diffusionIterations, 1...500,
      "Jacobi iterations per pyramid level of the diffusion fill at the coarser levels; the two finest levels "
        + "use ½ and ¼ of it (at least 2), the coarsest solves to convergence. Range 1...500, default 24."),
    .int(
      "highlights.coarsestSizePixels", \.highlights.coarsestSizePixels, 4...256,
      "Coarsest pyramid level is at most this many pixels on its long side. Range 4...256, default 16."),
    .float(
      "highlights.chromaCarry", \.highlights.chromaCarry, 0...1,
      "Strength of the chroma offset learned on the unclipped ring around each region. Range 0...1, default 1."),
    .float(
      "highlights.fillPeakLinear", \.highlights.fillPeakLinear, 1...1000,
      "Largest linear value (relative to SDR white) a reconstructed or filled channel may reach; bounds the "
        + "gradient continuation inside large blown regions. Range 1...1000, default 16."),
    .float(
      "highlights.maxChromaRatio", \.highlights.maxChromaRatio, 1...4,
      "Largest ratio of a rebuilt channel to the pixel's recorded level (partly clipped) or to its filled "
        + "intensity (fully clipped); bounds the saturation carried in from a coloured ring, so a white sun in a "
        + "blue sky stays near-white. Range 1...4, default 1.25."),
    .int(
      "highlights.guidedFillSizePixels", \.highlights.guidedFillSizePixels, 0...1024,
      "Pyramid levels of the fill whose long side is at most this many pixels continue the surrounding "
        + "gradients inward (a clipped dome keeps rising); larger levels diffuse plainly. 0 = plain diffusion "
        + "everywhere (cheapest, flattest fill). Range 0...1024, default 256."),

    // MARK: - diffusion (DiffusionParams)
    .bool(
      "diffusion.enabled", \.diffusion.enabled,
      "Whether diffusion inpainting runs (after the PDE fill of `highlights`, which it starts from). "
        + "Default false."),
    .text(
      "diffusion.model", \.diffusion.model,
      "Weights: a file name searched in the model directories (`$REEXPOSE_MODEL_DIR`, the installed "
        + "`share/reexpose/models`, the repository's `Models/`), or a path (contains `/`). Default "
        + "`diffusion.safetensors`."),
    .int(
      "diffusion.steps", \.diffusion.steps, 1...50,
      "DDIM steps from the SDEdit start to the clean estimate. Range 1…50, default 2. Cost is one UNet "
        + "forward per step and tile; on the validation tiles (`Models/diffusion.json`, strength 1) 2, 3, "
        + "4 and 6 steps score within 0.25 dB PU21-PSNR of each other."),
    .float(
      "diffusion.eta", \.diffusion.eta, 0...1,
      "DDIM η (0 = deterministic DDIM, 1 = DDPM-like ancestral noise). Range 0…1, default 0."),
    .float(
      "diffusion.strength", \.diffusion.strength, 0...1,
      "SDEdit strength: the PDE fill is noised to timestep t/T = strength before denoising. Range 0…1, "
        + "default 1 (start from noise; the fill still enters as a condition). 0 returns the PDE fill "
        + "unchanged; lower values keep more of the fill. On the validation tiles strength 1 gives 7.1 dB "
        + "PU21-PSNR inside the over mask, 0.9 gives 3.5 dB, 0.5 gives 1.0 dB (fill alone 0.1 dB): clipped "
        + "light sources are far brighter than any fill, so starting near it holds the result back."),
    .float(
      "diffusion.workingScale", \.diffusion.workingScale, 0.0625...1,
      "Working resolution as a fraction of the frame resolution. Range 0.0625…1, default 0.25 (480×270 "
        + "for 1080p). The network runs at this resolution; the result is guided-upsampled."),
    .int(
      "diffusion.tileSizePixels", \.diffusion.tileSizePixels, 16...256,
      "Tile side in working-resolution pixels (multiple of 4). Range 16…256, default 64 (the training "
        + "tile size). Tiles overlap by a quarter of a side and are feathered."),
    .int(
      "diffusion.seed", \.diffusion.seed, 0...2_147_483_647,
      "Noise seed. Range 0…2147483647, default 0. Each tile's noise is keyed by (seed, tile x, tile "
        + "y), never by the frame index, so a static scene does not shimmer."),
    .bool(
      "diffusion.conditionOnPrevious", \.diffusion.conditionOnPrevious,
      "Whether the network sees its own previous output as the \"previous output\" condition. Default "
        + "false: on a static noisy clip, feeding the output back drifts for about five frames after every "
        + "cut and ends at about the frame-to-frame change of sampling each frame alone (the network was "
        + "trained with a degraded ground-truth previous frame, not its own output). Without it, frames "
        + "stay stable through the tile-position-keyed noise (`seed`)."),
    .float(
      "diffusion.maskThreshold", \.diffusion.maskThreshold, 0...1,
      "A tile runs when the maximum of the over-exposure mask inside it exceeds this value. Range 0…1, "
        + "default 0.05. The whole stage is skipped when no pixel of the frame exceeds it."),

    // MARK: - shadows (ShadowParams)
    .bool("shadows.enabled", \.shadows.enabled, "Whether shadow denoising runs. Default true."),
    .int(
      "shadows.radiusFrames", \.shadows.radiusFrames, 0...4,
      "Frames on each side of the current one that are averaged. Range 0...4, default 1."),
    .float(
      "shadows.strength", \.shadows.strength, 0...1,
      "Strength of the denoising blend inside the under mask. Range 0...1, default 0.8."),
    .float(
      "shadows.noiseSigmaLinear", \.shadows.noiseSigmaLinear, 0.0001...0.5,
      "Expected noise standard deviation in linear units relative to SDR white, used to reject motion. "
        + "Range 0.0001...0.5, default 0.01."),
    .int(
      "shadows.spatialRadiusPixels", \.shadows.spatialRadiusPixels, 0...8,
      "Spatial radius in pixels of the edge-aware blur applied in the mask. Range 0...8, default 1."),

    // MARK: - expansion (ExpansionParams)
    .bool(
      "expansion.enabled", \.expansion.enabled,
      "Whether highlights are expanded at all; false keeps SDR white at reference white (BT.2408). Default true."),
    .float(
      "expansion.kneeLinear", \.expansion.kneeLinear, 0.05...0.95,
      "Relative linear luminance (1 = SDR white) where expansion starts; below it output = input. "
        + "Range 0.05...0.95, default 0.5."),
    .float(
      "expansion.exponent", \.expansion.exponent, 1...8,
      "Exponent of the power segment above the knee; larger keeps mid-highlights lower. Range 1...8, default 2.5."),
    .float(
      "expansion.maskDrive", \.expansion.maskDrive, 0...1,
      "How far over-exposure masks push a pixel toward SDR white before the curve (1 = fully clipped pixels "
        + "reach the peak). Range 0...1, default 1."),

    // MARK: - fusion (FusionParams)
    .bool(
      "fusion.enabled", \.fusion.enabled,
      "Whether the fusion network runs. It replaces the inverse tone map, so `expansion.enabled` must be "
        + "false when this is true. Default false."),
    .text(
      "fusion.model", \.fusion.model,
      "Weights: a file name searched in the model directories (`$REEXPOSE_MODEL_DIR`, the installed "
        + "`share/reexpose/models`, the repository's `Models/`), or a path (contains `/`). Default "
        + "`rehdr.safetensors`."),
    .int(
      "fusion.workingHeightPixels", \.fusion.workingHeightPixels, 64...1088,
      "Height of the network's working frame in pixels; the width follows the frame's aspect ratio, both "
        + "rounded to multiples of 8 (1080p → 480×272). Range 64...1088, default 272."),
    .int(
      "fusion.guideRadius", \.fusion.guideRadius, 1...8,
      "Window radius of the guided upsampling of the gain, in working-resolution pixels. Range 1...8, "
        + "default 2 (as in training)."),
    .float(
      "fusion.guideEpsilon", \.fusion.guideEpsilon, 1e-5...0.1,
      "Regularisation ε of the guided upsampling (log-luminance units squared). Range 1e-5...0.1, "
        + "default 0.001 (as in training)."),
    .float(
      "fusion.fillWeight", \.fusion.fillWeight, 0...1,
      "How far a highlight rebuilt by an earlier stage (PDE fill or diffusion; a pixel above SDR white) "
        + "keeps its own level instead of the network's, where the over-exposure mask is set: per pixel "
        + "log2 out = log2(hue) + (1 − w)·gain + w·log2(rebuilt level) with w = fillWeight × mask. 0 = the "
        + "network sets every level and the rebuild gives only hue. Range 0...1, default 0."),

    // MARK: - output (OutputParams)
    .choice(
      "output.transfer", \.output.transfer, names: CurveRegistry.outputNames,
      "Output transfer curve, a registry name with `isOutput` (`pq`, `hlg`, `linear`). Default `pq`."),
    .choice("output.primaries", \.output.primaries, "Output primaries. Default bt2020."),
    .choice("output.pixelFormat", \.output.pixelFormat, "Container pixel format. Default yuv420p10le."),
    .bool(
      "output.fullRange", \.output.fullRange,
      "Full-range (true) or limited/narrow-range (false) Y'CbCr. Ignored for gbrpf32le. Default false."),
    .float(
      "output.peakNits", \.output.peakNits, 203...10000,
      "Peak luminance in cd/m²: mastering display max (PQ), nominal peak (HLG), expansion target. "
        + "Range 203...10000, default 1000."),
    .float(
      "output.referenceWhiteNits", \.output.referenceWhiteNits, 80...1000,
      "Where SDR 100 % white is placed, cd/m² (BT.2408: 203). Range 80...1000, default 203."),
    .float(
      "output.masteringMinNits", \.output.masteringMinNits, 0...1,
      "Mastering display minimum luminance, cd/m². Range 0...1, default 0.005."),
    .choice(
      "output.masteringPrimaries", \.output.masteringPrimaries,
      "Mastering display primaries for the SMPTE ST 2086 metadata. Default p3-d65."),
  ]

  /// Keys of one section, in table order.
  public static func keys(in section: String) -> [PresetKey] { keys.filter { $0.section == section } }
}
