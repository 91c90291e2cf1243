import CShim
import Imaging
import Pipeline

/// Linear BT.709 frames (1.0 = SDR white) → HDR AVFrames in ``OutputParams/pixelFormat``.
///
/// - `pq`: cd/m² = value × referenceWhiteNits, BT.709 → output primaries in linear light, clipped to
///   0...peakNits, SMPTE ST 2084 encoded.
/// - `hlg`: display cd/m² in the output primaries → BT.2100 inverse OOTF at nominal peak `peakNits` → OETF
///   (203 cd/m² grey → 0.75 at 1000 cd/m², BT.2408).
/// - `linear`: relative linear light in the output primaries (gbrpf32le).
///
/// Y'CbCr uses the output primaries' luma weights (BT.2020 NCL for bt2020), 10-bit narrow range unless
/// `fullRange`; 4:2:0 chroma is left-sited. Frames carry colour tags and HDR10 side data (declared values);
/// ``stats`` accumulates measured MaxCLL/MaxFALL.
public final class OutputConverter {
  /// The output description (validated).
  public let params: OutputParams
  /// Measured light levels of the frames converted so far.
  public private(set) var stats = ContentLightStats()
  private let plan: OutputPlan

  /// - Throws: `IOError.invalidArgument` when `params` fails validation.
  public init(params: OutputParams) throws {
    do { try params.validate() } catch { throw IOError.invalidArgument("output.\(error)") }
    self.params = params
    plan = OutputPlan(params: params)
  }

  /// The libav pixel format frames are produced in.
  public var pixelFormat: AVPixelFormat { HDRMetadata.pixelFormat(params) }

  /// Converts one frame.
  ///
  /// - Parameters:
  ///   - image: [3, H, W] linear BT.709 RGB relative to SDR white.
  ///   - pts: timestamp in the input stream's time base (nil = none).
  ///   - duration: duration in the same time base (nil = unknown).
  /// - Returns: a new frame with colour properties and mastering/CLL side data.
  public func convert(_ image: PlanarImage, pts: Int64?, duration: Int64? = nil) throws -> LibavFrame {
    guard image.channels == 3 else {
      throw IOError.invalidArgument("output image needs 3 channels, got \(image.channels)")
    }
    let frame = LibavFrame()
    let f = frame.pointer
    let fmt = pixelFormat
    f.pointee.format = fmt.rawValue
    f.pointee.width = Int32(image.width)
    f.pointee.height = Int32(image.height)
    try IOError.check(av_frame_get_buffer(f, 0), "allocate output frame for", target: "output")
    f.pointee.pts = pts ?? rx_nopts_value()
    f.pointee.pkt_duration = duration ?? 0
    f.pointee.color_primaries = HDRMetadata.primaries(params)
    f.pointee.color_trc = HDRMetadata.transfer(params)
    f.pointee.colorspace = HDRMetadata.matrix(params)
    f.pointee.color_range = HDRMetadata.range(params)
    f.pointee.chroma_location = HDRMetadata.chromaLocation(params)
    if params.transfer != "linear" {
      if let m = av_mastering_display_metadata_create_side_data(f) { HDRMetadata.fill(m, params) }
      if let c = av_content_light_metadata_create_side_data(f) { HDRMetadata.fill(c, params) }
    }
    let kernel = OutputKernel(plan: plan, image: image, frame: f.pointee, planeCount: 3)
    let light = kernel.run(format: fmt)
    stats.add(frameMax: light.max, frameAverage: light.mean)
    return frame
  }
}
