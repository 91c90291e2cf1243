import Color
import Imaging

/// Output signal: transfer, primaries, container pixel format and HDR10 metadata.
public struct OutputParams: Equatable, Sendable {
  /// Pixel format written to the container.
  public enum PixelFormat: String, CaseIterable, Sendable {
    /// 4:2:0 10-bit Y'CbCr (HDR10 / HLG delivery).
    case yuv420p10le
    /// 4:4:4 10-bit Y'CbCr.
    case yuv444p10le
    /// Planar float RGB (scene-linear workflows).
    case gbrpf32le
  }

  /// Output transfer curve, a registry name with `isOutput` (`pq`, `hlg`, `linear`). Default `pq`.
  public var transfer: String = "pq"
  /// Output primaries. Default bt2020.
  public var primaries: Primaries = .bt2020
  /// Container pixel format. Default yuv420p10le.
  public var pixelFormat: PixelFormat = .yuv420p10le
  /// Full-range (true) or limited/narrow-range (false) Y'CbCr. Ignored for gbrpf32le. Default false.
  public var fullRange: Bool = false
  /// Peak luminance in cd/m²: mastering display max (PQ), nominal peak (HLG), expansion target.
  /// Range 203...10000, default 1000.
  public var peakNits: Float = 1000
  /// Where SDR 100 % white is placed, cd/m² (BT.2408: 203). Range 80...1000, default 203.
  public var referenceWhiteNits: Float = 203
  /// Mastering display minimum luminance, cd/m². Range 0...1, default 0.005.
  public var masteringMinNits: Float = 0.005
  /// Mastering display primaries for the SMPTE ST 2086 metadata. Default p3-d65.
  public var masteringPrimaries: Primaries = .p3d65

  public init() {}

  /// Checks every field against its documented range.
  public func validate() throws {
    guard let curve = CurveRegistry.named(transfer), curve.isOutput else {
      throw ParameterError(
        key: "transfer",
        message: "unknown output curve '\(transfer)', expected one of \(CurveRegistry.outputNames.joined(separator: ", "))")
    }
    try ParameterError.check(peakNits, in: 203...10000, key: "peakNits")
    try ParameterError.check(referenceWhiteNits, in: 80...1000, key: "referenceWhiteNits")
    try ParameterError.check(masteringMinNits, in: 0...1, key: "masteringMinNits")
    if referenceWhiteNits > peakNits {
      throw ParameterError(key: "referenceWhiteNits", message: "must not exceed peakNits (\(peakNits))")
    }
    if transfer != "linear" && pixelFormat == .gbrpf32le && transfer == "pq" {
      // Float PQ is legal but unusual; allowed.
    }
    if transfer == "linear" && pixelFormat != .gbrpf32le {
      throw ParameterError(key: "pixelFormat", message: "linear output needs gbrpf32le, got \(pixelFormat.rawValue)")
    }
  }
}
