import Parameters

/// Parameters of highlight reconstruction (partly clipped channels rebuilt, fully clipped regions filled by
/// multiscale PDE diffusion in Log-Gamma space).
public struct HighlightParams: ParameterSet {
  public var enabled: Bool = true
  public var clipLinear: Float = 0.95
  public var jacobiSweepsPerLevel: Int = 24
  public var coarsestSizePixels: Int = 16
  public var chromaCarry: Float = 1
  public var fillPeakLinear: Float = 16
  public var maxChromaRatio: Float = 1.25
  public var guidedFillSizePixels: Int = 256
  public var holeRadiusPixels: Int = 1
  public var guidanceMaxSlopePerHeightPercent: Float = 0.05
  public var darkBoundaryRatio: Float = 0.5
  public var fillTemporalBlend: Float = 0.5

  public init() {}

  public static let parameters: [Parameter<Self>] = [
    .bool("enabled", \.enabled, doc: "Whether highlight reconstruction runs at all."),
    .float(
      "clipLinear", \.clipLinear, 0.5...1, unit: "linear, 1 = SDR white",
      doc: "Value at or above which a channel counts as clipped."),
    .int(
      "jacobiSweepsPerLevel", \.jacobiSweepsPerLevel, 1...500, unit: "sweeps",
      doc: "Jacobi sweeps of the PDE fill per pyramid level at the coarser levels; the two finest levels use "
        + "½ and ¼ of it (at least 2), the coarsest solves to convergence."),
    .int(
      "coarsestSizePixels", \.coarsestSizePixels, 4...256, unit: "pixels",
      doc: "The coarsest pyramid level is at most this long on its long side."),
    .float(
      "chromaCarry", \.chromaCarry, 0...1,
      doc: "Strength of the chroma offset learned on the unclipped ring around each region."),
    .float(
      "fillPeakLinear", \.fillPeakLinear, 1...1000, unit: "linear, 1 = SDR white",
      doc: "Largest value a reconstructed or filled channel may reach; bounds the gradient continuation "
        + "inside large blown regions."),
    .float(
      "maxChromaRatio", \.maxChromaRatio, 1...4,
      doc: "Largest ratio of a rebuilt channel to the pixel's recorded level (partly clipped) or to its "
        + "filled intensity (fully clipped); bounds the saturation carried in from a coloured ring, so a "
        + "white sun in a blue sky stays near-white."),
    .int(
      "guidedFillSizePixels", \.guidedFillSizePixels, 0...1024, unit: "pixels",
      doc: "Pyramid levels of the fill whose long side is at most this long continue the surrounding "
        + "gradients inward (a clipped dome keeps rising); larger levels diffuse plainly. 0 = plain "
        + "diffusion everywhere (cheapest, flattest fill)."),
    .float(
      "guidanceMaxSlopePerHeightPercent", \.guidanceMaxSlopePerHeightPercent, 0...1,
      unit: "Log-Gamma code per 1 % of the frame height",
      doc: "Largest surrounding step the guided fill continues inward; steeper ones fade out and from twice it "
        + "on carry nothing: a halo rises gently, while the edge of a dark object against a blown sky is a "
        + "one-pixel step that, continued, brightens the whole sky (clamped to the bound instead, every such "
        + "edge pushed at the full bound, by an amount that followed its sub-pixel phase, so a panning sky "
        + "pumped up to 45 % from frame to frame). Relative to the frame, so a picture fills alike at any "
        + "resolution. 0 = unbounded. On data/tune (PU21-PSNR whole / over-exposed dB, tPU-RMSE): hdr10-pq "
        + "21.28/17.15/13.80 at 0.05, 21.28/16.87/13.98 at 0.077, 21.05/16.44/14.21 at 0.1 (clamped at 0.05: "
        + "21.20/16.65/14.04; unbounded 20.91/16.12); fast 21.07/16.86/14.36 at 0.05, 21.20/17.01/14.30 at "
        + "0.077, 21.22/16.93/14.35 at 0.1."),
    .float(
      "darkBoundaryRatio", \.darkBoundaryRatio, 0...0.9, unit: "of clipLinear",
      doc: "Known pixels at or below this fraction of the clip level hold a blown region's fill only weakly "
        + "(weight 0.05, rising linearly in Log-Gamma code to full at the clip level): a dark object's edge says "
        + "little about the sky the sensor clipped beside it, and as a full boundary it pulled the fill down by an "
        + "amount that followed the edge's sub-pixel phase. 0 = every known pixel holds the fill fully. Chosen on "
        + "data/tune100 (hdr10-pq, PU21-PSNR whole / over-exposed dB, tPU-RMSE): 20.30/17.13/13.50 at 0.5, "
        + "20.30/17.05/13.66 at 0; a fill whose coarse pixels were known only when all their children were and "
        + "whose guidance had no median scored 20.23/17.02/13.85, and no clip's temporal error is 1 above it. "
        + "data/tune-hd (960×540): 21.67/15.63/19.02 against that fill's 21.28/14.93/19.84."),
    .float(
      "fillTemporalBlend", \.fillTemporalBlend, 0...0.9,
      doc: "Where a blown region was also filled in the previous frame, the fill moves this share of the way to "
        + "the previous frame's fill (in Log-Gamma code; a causal recursive average, reset at scene cuts). The "
        + "fill's level follows the region's shape, so a region whose outline shifts by a pixel (a pan past an "
        + "object's edge) made it jump by up to 16 % between frames; static shots fill identically every frame "
        + "and are unchanged. 0 = each frame alone. On data/tune100 (hdr10-pq, PU21-PSNR whole / over-exposed "
        + "dB, tPU-RMSE): 20.30/17.13/13.50 at 0, 20.30/17.15/13.33 at 0.3, 20.30/17.16/13.25 at 0.5, "
        + "20.28/17.15/13.22 at 0.7; at 0.5 no clip's temporal error rises by 0.5 and 21 of 100 fall by more."),
    .int(
      "holeRadiusPixels", \.holeRadiusPixels, 0...8, unit: "pixels",
      doc: "Unclipped holes and gaps in a fully clipped region narrower than a (2r+1)-pixel square are filled with "
        + "it (a morphological closing; never below their recorded level): noise that dips below the clip level "
        + "inside a blown sky otherwise seeds the fill with specks. 0 keeps every recorded pixel as it is. On data/tune "
        + "(hdr10-pq) 0/1/2/3 score 20.88/20.91/20.87/20.79 dB PU21-PSNR: larger radii help heavy noise and cost "
        + "clean clips."),
  ]
}
