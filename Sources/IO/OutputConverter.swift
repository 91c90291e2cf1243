import CShim
import Imaging
import Media

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
  /// Recycled tightly packed frame buffers (see ``allocateBuffer(_:)``); rebuilt when the size changes.
  private var pool: OpaquePointer?
  private var poolKey: (width: Int32, height: Int32, format: Int32) = (0, 0, -1)

  /// The content light level each frame's side data declares.
  public let declaredContentLight: ContentLightLevel

  /// - Parameters:
  ///   - contentLightCeilingNits: the most light the pipeline can produce (``HDRMetadata``); nil = peakNits.
  /// - Throws: `IOError.invalidArgument` when `params` fails validation.
  public init(params: OutputParams, contentLightCeilingNits: Float? = nil) throws {
    do { try params.validate() } catch { throw IOError.invalidArgument("output.\(error)") }
    self.params = params
    plan = OutputPlan(params: params)
    declaredContentLight = HDRMetadata.declaredContentLight(params, ceilingNits: contentLightCeilingNits)
  }

  deinit { av_buffer_pool_uninit(&pool) }

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
    try allocateBuffer(f)
    f.pointee.pts = pts ?? rx_nopts_value()
    f.pointee.pkt_duration = duration ?? 0
    f.pointee.color_primaries = HDRMetadata.primaries(params)
    f.pointee.color_trc = HDRMetadata.transfer(params)
    f.pointee.colorspace = HDRMetadata.matrix(params)
    f.pointee.color_range = HDRMetadata.range(params)
    f.pointee.chroma_location = HDRMetadata.chromaLocation(params)
    if params.carriesHDRMetadata {
      if let m = av_mastering_display_metadata_create_side_data(f) { HDRMetadata.fill(m, params) }
      if let c = av_content_light_metadata_create_side_data(f) { HDRMetadata.fill(c, declaredContentLight) }
    }
    let kernel = OutputKernel(plan: plan, image: image, frame: f.pointee, planeCount: 3)
    let light = kernel.run(format: fmt)
    stats.add(frameMax: light.max, frameAverage: light.mean)
    return frame
  }

  /// Gives `f` (format and size set) its planes.
  ///
  /// When every plane row is a whole number of SIMD8 stores (width a multiple of 8), the planes are packed
  /// without row padding in one pooled buffer, exactly as libav's rawvideo encoder lays out a packet (so
  /// ``MediaWriter`` can mux the buffer without copying), with `AV_INPUT_BUFFER_PADDING_SIZE` zeroed bytes
  /// after it. Pooled buffers come back when every frame/packet referencing them is freed: a steady stream
  /// touches no fresh pages. Other widths get libav's padded rows (the kernels' full-vector stores need them).
  private func allocateBuffer(_ f: UnsafeMutablePointer<AVFrame>) throws {
    let fmt = AVPixelFormat(rawValue: f.pointee.format)
    let w = f.pointee.width, h = f.pointee.height
    guard w % 8 == 0 else {
      try IOError.check(av_frame_get_buffer(f, 0), "allocate output frame for", target: "output")
      return
    }
    if pool == nil || poolKey != (w, h, f.pointee.format) {
      av_buffer_pool_uninit(&pool)
      let size = av_image_get_buffer_size(fmt, w, h, 1)
      try IOError.check(size, "size output frame for", target: "output")
      pool = av_buffer_pool_init(Int(size) + Int(AV_INPUT_BUFFER_PADDING_SIZE), av_buffer_allocz)
      poolKey = (w, h, f.pointee.format)
    }
    guard let buf = av_buffer_pool_get(pool) else { fatalError("av_buffer_pool_get: out of memory") }
    var data: [UnsafeMutablePointer<UInt8>?] = [nil, nil, nil, nil]
    var lines: [Int32] = [0, 0, 0, 0]
    let r = av_image_fill_arrays(&data, &lines, buf.pointee.data, fmt, w, h, 1)
    if r < 0 {
      var b: UnsafeMutablePointer<AVBufferRef>? = buf
      av_buffer_unref(&b)
      try IOError.check(r, "lay out output frame for", target: "output")
    }
    f.pointee.buf.0 = buf
    f.pointee.data = (data[0], data[1], data[2], data[3], nil, nil, nil, nil)
    f.pointee.linesize = (lines[0], lines[1], lines[2], lines[3], 0, 0, 0, 0)
    f.pointee.extended_data = UnsafeMutableRawPointer(f)
      .advanced(by: MemoryLayout<AVFrame>.offset(of: \AVFrame.data)!)
      .assumingMemoryBound(to: UnsafeMutablePointer<UInt8>?.self)
  }
}
