import Color
import Parameters

/// Output signal: transfer, primaries, container pixel format and HDR10 metadata.
public struct OutputParams: ParameterSet {
  /// Pixel format written to the container.
  public enum PixelFormat: String, CaseIterable, Sendable {
    /// 4:2:0 10-bit Y'CbCr (HDR10 / HLG delivery).
    case yuv420p10le
    /// 4:2:2 10-bit Y'CbCr (broadcast contribution, ProRes/DNxHR/XAVC intermediates).
    case yuv422p10le
    /// 4:4:4 10-bit Y'CbCr.
    case yuv444p10le
    /// 4:2:0, 4:2:2 and 4:4:4 12-bit Y'CbCr (Dolby Vision / mastering intermediates).
    case yuv420p12le
    case yuv422p12le
    case yuv444p12le
    /// Planar float RGB (scene-linear workflows).
    case gbrpf32le

    /// Bits per Y'CbCr code (32 for float RGB).
    public var bitDepth: Int {
      switch self {
      case .yuv420p10le, .yuv422p10le, .yuv444p10le: return 10
      case .yuv420p12le, .yuv422p12le, .yuv444p12le: return 12
      case .gbrpf32le: return 32
      }
    }

    /// Whether chroma is sited on alternate luma columns (4:2:0, 4:2:2), where its siting is signalled.
    public var subsamplesChroma: Bool {
      switch self {
      case .yuv420p10le, .yuv422p10le, .yuv420p12le, .yuv422p12le: return true
      default: return false
      }
    }
  }

  /// Whether SMPTE ST 2086 mastering display and CTA-861.3 content light metadata are written.
  public enum HDRMetadataMode: String, CaseIterable, Sendable {
    /// With PQ (HDR10) only: HLG is scene-referred and broadcast HLG carries none.
    case auto
    case always
    case never
  }

  /// Where 4:2:0 chroma samples sit (4:2:2 is always horizontally co-sited, `left`).
  public enum ChromaSiting: String, CaseIterable, Sendable {
    /// Co-sited with even luma columns, vertically between two rows (H.273 type 0, MPEG-2/H.264 practice).
    case left
    /// Co-sited with the top-left luma sample (H.273 type 2, recommended for UHD BT.2020 / BT.2100).
    case topleft
  }

  /// What happens to colours the output cannot hold (outside its primaries, or above the peak).
  public enum GamutHandling: String, CaseIterable, Sendable {
    /// Each channel clipped (exact inside the container; hue shifts where it clips).
    case clip
    /// Desaturated towards luminance and rolled off below the peak, hue kept.
    case compress
  }

  public var transfer: String = "pq"
  public var primaries: Primaries = .bt2020
  public var pixelFormat: PixelFormat = .yuv420p10le
  public var fullRange: Bool = false
  public var peakNits: Float = 1000
  public var referenceWhiteNits: Float = 203
  public var masteringMinNits: Float = 0.005
  public var masteringPrimaries: Primaries = .p3d65
  public var hdrMetadata: HDRMetadataMode = .auto
  public var chromaSiting: ChromaSiting = .left
  public var gamut: GamutHandling = .clip
  public var maxCLLNits: Float = 0
  public var maxFALLNits: Float = 0

  public init() {}

  /// Whether the output carries ST 2086 / CTA-861.3 metadata (never for scene-linear float).
  public var carriesHDRMetadata: Bool {
    switch hdrMetadata {
    case .auto: return transfer == "pq"
    case .always: return transfer != "linear"
    case .never: return false
    }
  }

  public static let parameters: [Parameter<Self>] = [
    .choice(
      "transfer", \.transfer, names: CurveRegistry.outputNames,
      doc: "Output transfer curve, a registry name with `isOutput` (`reexpose --list-curves`)."),
    .choice("primaries", \.primaries, doc: "Output primaries."),
    .choice("pixelFormat", \.pixelFormat, doc: "Container pixel format; `linear` output needs gbrpf32le."),
    .bool(
      "fullRange", \.fullRange,
      doc: "Full-range (true) or limited/narrow-range (false) Y'CbCr. Ignored for gbrpf32le."),
    .float(
      "peakNits", \.peakNits, 203...10000, unit: "cd/m²",
      doc: "Peak luminance: mastering display max (PQ), nominal peak (HLG), expansion target."),
    .float(
      "referenceWhiteNits", \.referenceWhiteNits, 80...1000, unit: "cd/m²",
      doc: "Where SDR 100 % white is placed (BT.2408: 203); must not exceed peakNits."),
    .float(
      "masteringMinNits", \.masteringMinNits, 0...1, unit: "cd/m²", doc: "Mastering display minimum luminance."),
    .choice(
      "masteringPrimaries", \.masteringPrimaries,
      doc: "Mastering display primaries for the SMPTE ST 2086 metadata."),
    .choice(
      "chromaSiting", \.chromaSiting,
      doc: "4:2:0 chroma siting: `left` (H.273 type 0) or `topleft` (type 2, UHD practice); tagged on the stream."),
    .choice(
      "gamut", \.gamut,
      doc: "Colours outside the output: `clip` each channel, or `compress` (towards luminance, and a hue-keeping roll-off from 80 % of peakNits)."),
    .choice(
      "hdrMetadata", \.hdrMetadata,
      doc: "Write ST 2086 mastering display and MaxCLL/MaxFALL metadata: `auto` (with PQ only), `always`, `never`."),
    .float(
      "maxCLLNits", \.maxCLLNits, 0...10000, unit: "cd/m²",
      doc: "MaxCLL to declare; 0 = the preset's ceiling (peakNits, or referenceWhiteNits when no stage lifts above SDR white). `--measured FILE` sets it from a `--measure` run."),
    .float(
      "maxFALLNits", \.maxFALLNits, 0...10000, unit: "cd/m²",
      doc: "MaxFALL to declare; 0 = min(400, the declared MaxCLL). `--measured FILE` sets it from a `--measure` run."),
  ]

  public func checkRelations() throws {
    if referenceWhiteNits > peakNits {
      throw ParameterError(key: "referenceWhiteNits", message: "must not exceed peakNits (\(peakNits))")
    }
    if maxFALLNits > 0 && maxCLLNits > 0 && maxFALLNits > maxCLLNits {
      throw ParameterError(key: "maxFALLNits", message: "must not exceed maxCLLNits (\(maxCLLNits))")
    }
    if transfer == "linear" && pixelFormat != .gbrpf32le {
      throw ParameterError(key: "pixelFormat", message: "linear output needs gbrpf32le, got \(pixelFormat.rawValue)")
    }
  }
}
