import CShim
import Color
import Media

/// Muxes converted video frames (raw video) and stream-copied audio/subtitle packets to stdout or a file.
///
/// The header is written by `init`: stream colour tags (primaries, transfer, matrix, range, chroma location
/// left) and, where ``OutputParams/carriesHDRMetadata`` (PQ by default), SMPTE ST 2086 mastering display
/// (max = peakNits) + CTA-861.3 content light side data with declared values
/// (``HDRMetadata/declaredContentLight(_:ceilingNits:)``): in a pipe the header precedes the frames, so
/// measured values (``OutputConverter/stats``) can only be reported at the end, or declared by a second run.
/// Each video frame becomes exactly one packet, in order, pts rescaled from the input time base.
public final class MediaWriter {
  /// Path as given (`-` for stdout).
  public let path: String
  /// The container written.
  public let format: ContainerFormat
  /// Notes for the user (dropped streams, …), each once; IO never prints.
  public private(set) var warnings: [String] = []
  /// Video packets written.
  public private(set) var framesWritten = 0

  private var ctx: UnsafeMutablePointer<AVFormatContext>?
  private var encoder: UnsafeMutablePointer<AVCodecContext>?
  private var packet: UnsafeMutablePointer<AVPacket>?
  private let videoStream: UnsafeMutablePointer<AVStream>
  private let inputTimeBase: AVRational
  /// The primaries EXR frames are tagged with (`chromaticities`); nil for other codecs.
  private let exrPrimaries: Primaries?
  private let frameStep: Int64
  private var nextPts: Int64 = 0
  /// Input stream index → (output stream, input time base).
  private var streamMap: [Int: (UnsafeMutablePointer<AVStream>, AVRational)] = [:]
  /// Whether video frames are muxed as rawvideo packets (mkv, nut, raw), where packed frames skip the encoder.
  private let rawVideo: Bool
  private var finished = false

  /// Opens the output and writes the header.
  ///
  /// - Parameters:
  ///   - path: file path, `-` for stdout, or a libav URL (`pipe:3`).
  ///   - format: container; default Matroska.
  ///   - params: output description (pixel format, colour, HDR metadata).
  ///   - width, height: frame size.
  ///   - timeBase: time base of the pts given to ``write(video:)`` (the input video stream's).
  ///   - frameRate: nominal frame rate (0/1 when unknown).
  ///   - passthrough: streams whose packets ``write(packet:inputStreamIndex:)`` copies.
  public init(
    path: String, format: ContainerFormat = .mkv, params: OutputParams, width: Int, height: Int,
    timeBase: AVRational, frameRate: AVRational, passthrough: [PassthroughStream] = [],
    contentLightCeilingNits: Float? = nil, source: SourceDescription? = nil
  ) throws {
    self.path = path
    self.format = format
    inputTimeBase = timeBase
    let pixFmt = HDRMetadata.pixelFormat(params)
    if format == .y4m && params.pixelFormat == .gbrpf32le {
      throw IOError.unsupported("y4m cannot carry \(params.pixelFormat.rawValue); use mkv, nut or raw")
    }
    // Float RGB has no raw-video fourcc in libav 5.1 (ffmpeg itself mislabels gbrpf32le in NUT as rgb555le),
    // so Matroska carries it as uncompressed OpenEXR frames, which keep the track's colour tags and decode
    // back to gbrpf32le bit-exactly.
    let exrFrames = format == .mkv && params.pixelFormat == .gbrpf32le
    exrPrimaries = exrFrames ? params.primaries : nil
    let tag = avcodec_pix_fmt_to_codec_tag(pixFmt)
    if (format == .mkv || format == .nut) && tag == 0 && !exrFrames {
      throw IOError.unsupported(
        "\(params.pixelFormat.rawValue) has no raw-video tag in \(format.rawValue) (ffmpeg 5.1); use --format mkv or raw")
    }
    let rate = frameRate.num > 0 && frameRate.den > 0 ? frameRate : AVRational(num: 25, den: 1)
    frameStep = max(1, av_rescale_q(1, AVRational(num: rate.den, den: rate.num), timeBase))

    let url = path == "-" ? "pipe:1" : path
    var c: UnsafeMutablePointer<AVFormatContext>? = nil
    try IOError.check(
      avformat_alloc_output_context2(&c, nil, format.muxerName, url), "create \(format.rawValue) muxer for",
      target: path)
    guard let c else { throw IOError.invalidArgument("no muxer for \(format.rawValue)") }
    ctx = c
    c.pointee.strict_std_compliance = FF_COMPLIANCE_EXPERIMENTAL  // raw video in Matroska, 10-bit y4m

    // Encoder: rawvideo copies the planes into one packet; y4m's muxer takes wrapped AVFrames; float RGB in
    // Matroska goes as uncompressed EXR.
    let codecID = format == .y4m ? AV_CODEC_ID_WRAPPED_AVFRAME : exrFrames ? AV_CODEC_ID_EXR : AV_CODEC_ID_RAWVIDEO
    rawVideo = codecID == AV_CODEC_ID_RAWVIDEO
    guard let codec = avcodec_find_encoder(codecID), let enc = avcodec_alloc_context3(codec) else {
      avformat_free_context(c)
      throw IOError.unsupported("no raw video encoder in this libavcodec")
    }
    encoder = enc
    enc.pointee.width = Int32(width)
    enc.pointee.height = Int32(height)
    enc.pointee.pix_fmt = pixFmt
    enc.pointee.time_base = timeBase
    enc.pointee.framerate = rate
    enc.pointee.color_primaries = HDRMetadata.primaries(params)
    enc.pointee.color_trc = HDRMetadata.transfer(params)
    enc.pointee.colorspace = HDRMetadata.matrix(params)
    enc.pointee.color_range = HDRMetadata.range(params)
    enc.pointee.chroma_sample_location = HDRMetadata.chromaLocation(params)
    if let sar = source?.sampleAspectRatio, sar.num > 0, sar.den > 0 { enc.pointee.sample_aspect_ratio = sar }
    guard let st = avformat_new_stream(c, nil) else {
      avcodec_free_context(&encoder)
      avformat_free_context(c)
      throw IOError.invalidArgument("cannot add a video stream")
    }
    videoStream = st
    packet = av_packet_alloc()
    if exrFrames {
      av_opt_set(enc.pointee.priv_data, "compression", "none", 0)
      av_opt_set(enc.pointee.priv_data, "format", "float", 0)
    }
    do {
      try IOError.check(avcodec_open2(enc, codec, nil), "open video encoder for", target: path)
      try IOError.check(avcodec_parameters_from_context(st.pointee.codecpar, enc), "describe video stream of", target: path)
      let par = st.pointee.codecpar!
      par.pointee.codec_tag = format == .raw || format == .y4m || exrFrames ? 0 : tag
      par.pointee.chroma_location = HDRMetadata.chromaLocation(params)
      st.pointee.time_base = format == .y4m ? AVRational(num: rate.den, den: rate.num) : timeBase
      st.pointee.avg_frame_rate = rate
      st.pointee.r_frame_rate = rate
      st.pointee.sample_aspect_ratio = enc.pointee.sample_aspect_ratio
      if let source {
        par.pointee.field_order = source.fieldOrder
        try source.apply(to: c, video: st)
      }
      if params.carriesHDRMetadata {
        let declared = HDRMetadata.declaredContentLight(params, ceilingNits: contentLightCeilingNits)
        try Self.addSideData(st, params, declared)
      }
      try addPassthrough(passthrough)
      if c.pointee.oformat.pointee.flags & AVFMT_NOFILE == 0 {
        try IOError.check(avio_open(&c.pointee.pb, url, AVIO_FLAG_WRITE), "open output", target: path)
      }
      // Matroska's per-cluster CRC-32 costs ~4.5 ms CPU per 1080p frame of raw video (av_crc) and guards
      // nothing a pipe needs; the elements are optional in the format, so they are left out.
      var options: OpaquePointer? = nil
      if format == .mkv { av_dict_set(&options, "write_crc32", "0", 0) }
      defer { av_dict_free(&options) }
      try IOError.check(avformat_write_header(c, &options), "write \(format.rawValue) header to", target: path)
    } catch {
      close()
      throw error
    }
  }

  /// Opens the output for frames like the input's video stream (size, time base, frame rate).
  public convenience init(
    path: String, format: ContainerFormat = .mkv, params: OutputParams, video: VideoStreamInfo,
    passthrough: [PassthroughStream] = [], contentLightCeilingNits: Float? = nil, source: SourceDescription? = nil
  ) throws {
    try self.init(
      path: path, format: format, params: params, width: video.width, height: video.height,
      timeBase: video.timeBase, frameRate: video.frameRate, passthrough: passthrough,
      contentLightCeilingNits: contentLightCeilingNits, source: source)
  }

  deinit { close() }

  /// Writes one converted frame as exactly one packet (pts in the input time base; nil pts continue the
  /// sequence at the nominal frame rate).
  ///
  /// - Throws: `IOError.outputClosed` when the reader went away, else `IOError.libav`.
  public func write(video frame: LibavFrame) throws {
    guard !finished, let ctx, let encoder, let packet else {
      throw IOError.invalidArgument("write after finish()")
    }
    let f = frame.pointer
    guard f.pointee.width == encoder.pointee.width, f.pointee.height == encoder.pointee.height,
      f.pointee.format == encoder.pointee.pix_fmt.rawValue
    else {
      throw IOError.invalidArgument(
        "frame \(framesWritten) is \(f.pointee.width)x\(f.pointee.height) "
          + "\(LibavNames.pixelFormat(AVPixelFormat(rawValue: f.pointee.format))), the stream is "
          + "\(encoder.pointee.width)x\(encoder.pointee.height) \(LibavNames.pixelFormat(encoder.pointee.pix_fmt))")
    }
    if f.pointee.pts == rx_nopts_value() { f.pointee.pts = nextPts }
    nextPts = f.pointee.pts + max(f.pointee.pkt_duration, frameStep)
    if let size = packedRawSize(f) {
      // The frame's one buffer already is the rawvideo packet: reference it instead of copying.
      av_packet_unref(packet)
      packet.pointee.buf = av_buffer_ref(f.pointee.buf.0)
      guard packet.pointee.buf != nil else { fatalError("av_buffer_ref: out of memory") }
      packet.pointee.data = f.pointee.buf.0!.pointee.data
      packet.pointee.size = size
      packet.pointee.pts = f.pointee.pts
      packet.pointee.dts = f.pointee.pts
      try writeVideoPacket(duration: f.pointee.pkt_duration)
      return
    }
    try IOError.check(avcodec_send_frame(encoder, f), "encode frame \(framesWritten) for", target: path)
    while true {
      let r = avcodec_receive_packet(encoder, packet)
      if r == rx_averror_eagain() || r == rx_averror_eof() { break }
      try IOError.check(r, "encode frame \(framesWritten) for", target: path)
      if let exrPrimaries { try addChromaticities(exrPrimaries, to: packet) }
      try writeVideoPacket(duration: f.pointee.pkt_duration)
    }
  }

  /// Rewrites an EXR packet with the `chromaticities` attribute libav's encoder leaves out.
  private func addChromaticities(_ primaries: Primaries, to packet: UnsafeMutablePointer<AVPacket>) throws {
    guard let data = packet.pointee.data else { return }
    let bytes = Array(UnsafeBufferPointer(start: data, count: Int(packet.pointee.size)))
    guard let patched = EXRChromaticities.adding(primaries, to: bytes) else { return }
    let (pts, dts, duration, flags) = (packet.pointee.pts, packet.pointee.dts, packet.pointee.duration, packet.pointee.flags)
    av_packet_unref(packet)
    try IOError.check(av_new_packet(packet, Int32(patched.count)), "allocate an EXR frame for", target: path)
    patched.withUnsafeBufferPointer { packet.pointee.data!.update(from: $0.baseAddress!, count: patched.count) }
    (packet.pointee.pts, packet.pointee.dts, packet.pointee.duration, packet.pointee.flags) = (pts, dts, duration, flags)
  }

  /// Muxes `packet` (pts/dts in the input time base) as the next video frame and unrefs it.
  private func writeVideoPacket(duration: Int64) throws {
    guard let ctx, let packet else { return }
    if packet.pointee.duration <= 0 { packet.pointee.duration = max(duration, frameStep) }
    packet.pointee.stream_index = videoStream.pointee.index
    packet.pointee.flags |= AV_PKT_FLAG_KEY
    av_packet_rescale_ts(packet, inputTimeBase, videoStream.pointee.time_base)
    let w = av_interleaved_write_frame(ctx, packet)
    av_packet_unref(packet)
    try IOError.check(w, "write frame \(framesWritten) to", target: path)
    framesWritten += 1
  }

  /// The rawvideo packet size when `f`'s planes are packed exactly as the rawvideo encoder would copy them
  /// (one buffer, rows without padding, planes back to back, `AV_INPUT_BUFFER_PADDING_SIZE` spare bytes after
  /// them, as ``OutputConverter`` allocates them), else nil (the frame goes through the encoder).
  private func packedRawSize(_ f: UnsafeMutablePointer<AVFrame>) -> Int32? {
    guard rawVideo, let buf = f.pointee.buf.0, f.pointee.buf.1 == nil, f.pointee.hw_frames_ctx == nil,
      let base = buf.pointee.data
    else { return nil }
    let fmt = AVPixelFormat(rawValue: f.pointee.format)
    let size = av_image_get_buffer_size(fmt, f.pointee.width, f.pointee.height, 1)
    guard size > 0, buf.pointee.size >= Int(size) + Int(AV_INPUT_BUFFER_PADDING_SIZE) else { return nil }
    var data: [UnsafeMutablePointer<UInt8>?] = [nil, nil, nil, nil]
    var lines: [Int32] = [0, 0, 0, 0]
    guard av_image_fill_arrays(&data, &lines, base, fmt, f.pointee.width, f.pointee.height, 1) >= 0 else {
      return nil
    }
    let fd = [f.pointee.data.0, f.pointee.data.1, f.pointee.data.2, f.pointee.data.3]
    let fl = [f.pointee.linesize.0, f.pointee.linesize.1, f.pointee.linesize.2, f.pointee.linesize.3]
    for i in 0..<4 where data[i] != nil || lines[i] != 0 {
      if fd[i] != data[i] || fl[i] != lines[i] { return nil }
    }
    return size
  }

  /// Stream-copies a passthrough packet (dropped, with one warning, when the container cannot carry it).
  public func write(packet p: LibavPacket, inputStreamIndex: Int) throws {
    guard !finished, let ctx else { throw IOError.invalidArgument("write after finish()") }
    guard let (st, tb) = streamMap[inputStreamIndex] else { return }
    let pkt = p.pointer
    pkt.pointee.stream_index = st.pointee.index
    pkt.pointee.pos = -1
    av_packet_rescale_ts(pkt, tb, st.pointee.time_base)
    try IOError.check(av_interleaved_write_frame(ctx, pkt), "write packet of stream #\(inputStreamIndex) to", target: path)
  }

  /// Flushes interleaving queues, writes the trailer and closes the output.
  public func finish() throws {
    guard !finished, let ctx else { return }
    finished = true
    defer { close() }
    try IOError.check(av_write_trailer(ctx), "write trailer to", target: path)
    if let pb = ctx.pointee.pb {
      avio_flush(pb)
      try IOError.check(pb.pointee.error, "flush", target: path)
    }
  }

  // MARK: - Helpers

  private func close() {
    if let c = ctx {
      if c.pointee.oformat.pointee.flags & AVFMT_NOFILE == 0 { avio_closep(&c.pointee.pb) }
      avformat_free_context(c)
      ctx = nil
    }
    avcodec_free_context(&encoder)
    av_packet_free(&packet)
  }

  private func addPassthrough(_ streams: [PassthroughStream]) throws {
    guard !streams.isEmpty, let ctx else { return }
    guard format.carriesPassthrough else {
      warnings.append("\(format.rawValue) output cannot carry audio or subtitles: dropping \(streams.count) stream(s)")
      return
    }
    for s in streams {
      // NUT has tags for few subtitle codecs (not SubRip, WebVTT, mov_text); its header would fail with EINVAL.
      if avformat_query_codec(ctx.pointee.oformat, s.codecParameters.pointee.codec_id, FF_COMPLIANCE_NORMAL) == 0 {
        let kind = s.mediaType == AVMEDIA_TYPE_AUDIO ? "audio" : "subtitle"
        warnings.append(
          "\(format.rawValue) output cannot carry \(kind) stream #\(s.inputIndex) (\(s.codecName)): dropped; use --format mkv to keep it")
        continue
      }
      guard let st = avformat_new_stream(ctx, nil) else { throw IOError.invalidArgument("cannot add a stream") }
      try IOError.check(
        avcodec_parameters_copy(st.pointee.codecpar, s.codecParameters), "copy stream #\(s.inputIndex) to",
        target: path)
      st.pointee.codecpar.pointee.codec_tag = 0
      st.pointee.time_base = s.timeBase
      for t in s.tags { av_dict_set(&st.pointee.metadata, t.key, t.value, 0) }
      streamMap[s.inputIndex] = (st, s.timeBase)
    }
  }

  /// Attaches declared mastering display and content light metadata to the video stream.
  private static func addSideData(
    _ st: UnsafeMutablePointer<AVStream>, _ params: OutputParams, _ declared: ContentLightLevel
  ) throws {
    let mSize = MemoryLayout<AVMasteringDisplayMetadata>.size
    guard let m = av_stream_new_side_data(st, AV_PKT_DATA_MASTERING_DISPLAY_METADATA, mSize) else {
      throw IOError.invalidArgument("cannot attach mastering display metadata")
    }
    m.withMemoryRebound(to: AVMasteringDisplayMetadata.self, capacity: 1) { HDRMetadata.fill($0, params) }
    let cSize = MemoryLayout<AVContentLightMetadata>.size
    guard let c = av_stream_new_side_data(st, AV_PKT_DATA_CONTENT_LIGHT_LEVEL, cSize) else {
      throw IOError.invalidArgument("cannot attach content light metadata")
    }
    c.withMemoryRebound(to: AVContentLightMetadata.self, capacity: 1) { HDRMetadata.fill($0, declared) }
  }
}
