import CShim

/// libav names for colour enums and decoding of HDR side data.
enum LibavNames {
  static func primaries(_ v: AVColorPrimaries) -> String {
    av_color_primaries_name(v).map { String(cString: $0) } ?? "unknown"
  }
  static func transfer(_ v: AVColorTransferCharacteristic) -> String {
    av_color_transfer_name(v).map { String(cString: $0) } ?? "unknown"
  }
  static func matrix(_ v: AVColorSpace) -> String {
    av_color_space_name(v).map { String(cString: $0) } ?? "unknown"
  }
  static func range(_ v: AVColorRange) -> String {
    switch v {
    case AVCOL_RANGE_MPEG: return "tv"
    case AVCOL_RANGE_JPEG: return "pc"
    default: return "unknown"
    }
  }
  static func pixelFormat(_ v: AVPixelFormat) -> String {
    av_get_pix_fmt_name(v).map { String(cString: $0) } ?? "none"
  }

  /// Plain-unit mastering display from libav's rational struct (nil unless primaries and luminance are set).
  static func mastering(_ raw: UnsafeRawPointer) -> MasteringDisplay? {
    let m = raw.assumingMemoryBound(to: AVMasteringDisplayMetadata.self).pointee
    guard m.has_primaries != 0 || m.has_luminance != 0 else { return nil }
    func d(_ r: AVRational) -> Double { r.den == 0 ? 0 : Double(r.num) / Double(r.den) }
    let p = m.display_primaries
    return MasteringDisplay(
      red: (d(p.0.0), d(p.0.1)), green: (d(p.1.0), d(p.1.1)), blue: (d(p.2.0), d(p.2.1)),
      white: (d(m.white_point.0), d(m.white_point.1)),
      maxNits: d(m.max_luminance), minNits: d(m.min_luminance))
  }

  /// Content light level from libav's struct.
  static func contentLight(_ raw: UnsafeRawPointer) -> ContentLightLevel {
    let c = raw.assumingMemoryBound(to: AVContentLightMetadata.self).pointee
    return ContentLightLevel(maxCLL: Int(c.MaxCLL), maxFALL: Int(c.MaxFALL))
  }
}
