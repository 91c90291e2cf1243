import CShim
import Color
import Media

/// Declared HDR10 metadata (SMPTE ST 2086 mastering display, CTA-861.3 content light) from ``OutputParams``,
/// and the libav enum values of the output's colour description.
public enum HDRMetadata {
  /// What is declared before any frame is seen (pipes): `maxCLLNits`/`maxFALLNits` when set (a measuring
  /// run's values), else MaxCLL = the ceiling (at most peakNits) and MaxFALL = min(MaxCLL, 400).
  /// A nil ceiling is the peak.
  public static func declaredContentLight(_ p: OutputParams, ceilingNits: Float?) -> ContentLightLevel {
    let cll = p.maxCLLNits > 0 ? p.maxCLLNits : min(ceilingNits ?? p.peakNits, p.peakNits)
    let fall = p.maxFALLNits > 0 ? min(p.maxFALLNits, cll) : min(cll, 400)
    return ContentLightLevel(maxCLL: Int(Double(cll).rounded()), maxFALL: Int(Double(fall).rounded()))
  }

  /// Fills libav's mastering display struct: primaries in r, g, b order, 1/50000 and 1/10000 units.
  static func fill(_ m: UnsafeMutablePointer<AVMasteringDisplayMetadata>, _ p: OutputParams) {
    let c = p.masteringPrimaries.chromaticities
    func q(_ v: Double) -> AVRational { AVRational(num: Int32((v * 50000).rounded()), den: 50000) }
    m.pointee.display_primaries = ((q(c.r.0), q(c.r.1)), (q(c.g.0), q(c.g.1)), (q(c.b.0), q(c.b.1)))
    m.pointee.white_point = (q(c.w.0), q(c.w.1))
    m.pointee.max_luminance = AVRational(num: Int32((Double(p.peakNits) * 10000).rounded()), den: 10000)
    m.pointee.min_luminance = AVRational(num: Int32((Double(p.masteringMinNits) * 10000).rounded()), den: 10000)
    m.pointee.has_primaries = 1
    m.pointee.has_luminance = 1
  }

  /// Fills libav's content light struct with the declared values.
  static func fill(_ c: UnsafeMutablePointer<AVContentLightMetadata>, _ d: ContentLightLevel) {
    c.pointee.MaxCLL = UInt32(d.maxCLL)
    c.pointee.MaxFALL = UInt32(d.maxFALL)
  }

  static func pixelFormat(_ p: OutputParams) -> AVPixelFormat {
    switch p.pixelFormat {
    case .yuv420p10le: return AV_PIX_FMT_YUV420P10LE
    case .yuv422p10le: return AV_PIX_FMT_YUV422P10LE
    case .yuv444p10le: return AV_PIX_FMT_YUV444P10LE
    case .yuv420p12le: return AV_PIX_FMT_YUV420P12LE
    case .yuv422p12le: return AV_PIX_FMT_YUV422P12LE
    case .yuv444p12le: return AV_PIX_FMT_YUV444P12LE
    case .gbrpf32le: return AV_PIX_FMT_GBRPF32LE
    }
  }

  static func primaries(_ p: OutputParams) -> AVColorPrimaries {
    switch p.primaries {
    case .bt709: return AVCOL_PRI_BT709
    case .bt2020: return AVCOL_PRI_BT2020
    case .p3d65: return AVCOL_PRI_SMPTE432
    }
  }

  static func transfer(_ p: OutputParams) -> AVColorTransferCharacteristic {
    switch p.transfer {
    case "hlg": return AVCOL_TRC_ARIB_STD_B67
    case "linear": return AVCOL_TRC_LINEAR
    default: return AVCOL_TRC_SMPTE2084
    }
  }

  /// Y'CbCr matrix of the output (RGB for gbrpf32le; P3 uses the chromaticity-derived NCL of H.273).
  static func matrix(_ p: OutputParams) -> AVColorSpace {
    if p.pixelFormat == .gbrpf32le { return AVCOL_SPC_RGB }
    switch p.primaries {
    case .bt709: return AVCOL_SPC_BT709
    case .bt2020: return AVCOL_SPC_BT2020_NCL
    case .p3d65: return AVCOL_SPC_CHROMA_DERIVED_NCL
    }
  }

  static func range(_ p: OutputParams) -> AVColorRange {
    p.fullRange || p.pixelFormat == .gbrpf32le ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG
  }

  static func chromaLocation(_ p: OutputParams) -> AVChromaLocation {
    guard p.pixelFormat.subsamplesChroma else { return AVCHROMA_LOC_UNSPECIFIED }
    // Vertical subsampling as libav describes the format, the same test the output kernel makes.
    let is420 = av_pix_fmt_desc_get(pixelFormat(p))?.pointee.log2_chroma_h == 1
    return is420 && p.chromaSiting == .topleft ? AVCHROMA_LOC_TOPLEFT : AVCHROMA_LOC_LEFT
  }
}
