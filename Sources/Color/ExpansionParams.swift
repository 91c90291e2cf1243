import Parameters

/// How the expansion stage lifts highlights (`expansion.style`).
public enum ExpansionStyle: String, CaseIterable, Sendable {
  /// Unclipped pixels keep their linearised level; only what the highlight stage rebuilt above SDR white is
  /// scaled, and clipped pixels get a lift in proportion to their over-exposure mask (``RecoverExpansion``).
  case recover
  /// The knee curve of ``InverseToneMap``: everything above the knee is pushed toward the peak (the look of
  /// presets before version 3).
  case knee
  /// ITU-R BT.2446-1 method A's SDR → HDR expansion on luminance (SDR white → 1000 cd/m², brighter mid-tones).
  case bt2446a
  /// The inverse of ITU-R BT.2446-1 method C's tone curve on luminance (SDR 100 cd/m² → ≈ 332 cd/m²).
  case bt2446c
}

/// Parameters of highlight expansion: ``RecoverExpansion``, ``InverseToneMap`` or ``BT2446Expansion`` by `style`.
public struct ExpansionParams: ParameterSet {
  public var enabled: Bool = true
  public var style: ExpansionStyle = .recover
  public var recoverGain: Float = 4
  public var clippedLiftLinear: Float = 0
  public var liftSurroundSigmaPerHeightPercent: Float = 0
  public var liftDarkSurroundFrom: Float = 0.1
  public var liftDarkSurroundTo: Float = 0.4
  public var liftOpeningRadiusPixels: Int = 4
  public var kneeLinear: Float = 0.5
  public var exponent: Float = 2.5
  public var maskDrive: Float = 1

  public init() {}

  public static let parameters: [Parameter<Self>] = [
    .bool(
      "enabled", \.enabled,
      doc: "Whether highlights are expanded at all; false keeps SDR white at reference white (BT.2408)."),
    .choice(
      "style", \.style,
      doc: "`recover`: unclipped pixels keep their linearised level and only clipped regions are lifted (by what "
        + "`highlights` rebuilt, `recoverGain`, `clippedLiftLinear`); `knee`: the knee curve pushes everything "
        + "above `kneeLinear` toward the peak (presets of version ≤ 2); `bt2446a` / `bt2446c`: ITU-R BT.2446-1 "
        + "method A / inverse method C on luminance, a brighter display look (SDR taken at 100 cd/m²)."),
    .float(
      "recoverGain", \.recoverGain, 0...8,
      doc: "`recover`: factor on the part of a rebuilt highlight above SDR white (1 keeps the rebuilt level)."),
    .float(
      "clippedLiftLinear", \.clippedLiftLinear, 0...16, unit: "linear, 1 = SDR white",
      doc: "`recover`: added to a clipped pixel's luminance in proportion to its over-exposure mask (0 adds "
        + "nothing), for clipped regions whose surroundings give no slope to continue."),
    .float(
      "liftSurroundSigmaPerHeightPercent", \.liftSurroundSigmaPerHeightPercent, 0...50, unit: "% of frame height",
      doc: "`recover`: when > 0, `clippedLiftLinear` is weighted by how dark the unclipped surroundings of a "
        + "pixel are, measured with a Gaussian of this σ: a window or lamp cut sharply out of a darker scene is "
        + "lifted, a wall or sky that rolls into the clip through near-white is not. 0 = the mask alone."),
    .float(
      "liftDarkSurroundFrom", \.liftDarkSurroundFrom, 0...1, unit: "1 − BT.1886 code of the surroundings",
      doc: "`recover`: the surroundings' darkness (1 − their luminance coded with γ 2.4, averaged over unmasked "
        + "pixels) at which the lift starts."),
    .float(
      "liftDarkSurroundTo", \.liftDarkSurroundTo, 0...1, unit: "1 − BT.1886 code of the surroundings",
      doc: "`recover`: the darkness at which the full lift applies; must exceed `liftDarkSurroundFrom`."),
    .int(
      "liftOpeningRadiusPixels", \.liftOpeningRadiusPixels, 0...64, unit: "pixels",
      doc: "`recover`: the lift reads the over mask opened by a (2r + 1)² square, so clipped regions narrower "
        + "than about 2r + 1 px get none: a white caption or a full-code graphic on a dark ground is cut out "
        + "of darker surroundings just like a window, and keeps its level up to strokes 8 px wide at 4. A small "
        + "lamp is lifted by the highlight fill's continuation of its glow instead. Sky seen through foliage "
        + "and small windows lose the lift too: on data/tune100 (hdr10-pq, PU21-PSNR whole / over-exposed dB, "
        + "tPU-RMSE) 0 scores 21.01 / 16.77 / 14.00, 2 21.00 / 16.73 / 14.04, 4 20.97 / 16.62 / 14.13, 8 (what "
        + "the masks' former opening, `masks.smoothingMorphologyRadiusPixels` 4 at half resolution, left to the "
        + "lift when it was fit) 20.90 / 16.42 / 14.28. 0 = the mask as it is."),
    .float(
      "kneeLinear", \.kneeLinear, 0.05...0.95, unit: "relative linear luminance, 1 = SDR white",
      doc: "`knee`: where expansion starts; below it output = input."),
    .float(
      "exponent", \.exponent, 1...8,
      doc: "`knee`: exponent of the power segment above the knee; larger keeps mid-highlights lower."),
    .float(
      "maskDrive", \.maskDrive, 0...1,
      doc: "`knee`: how far over-exposure masks push a pixel toward SDR white before the curve (1 = fully "
        + "clipped pixels reach the peak)."),
  ]

  public func checkRelations() throws {
    if liftDarkSurroundTo <= liftDarkSurroundFrom {
      throw ParameterError(
        key: "liftDarkSurroundTo", message: "must be greater than liftDarkSurroundFrom (\(liftDarkSurroundFrom))")
    }
  }
}
