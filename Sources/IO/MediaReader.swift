import CShim

/// Demuxes and decodes the first video stream of a file or stdin; hands audio/subtitle packets through.
///
/// Reads any container libavformat can read from a pipe (Matroska, NUT, y4m, MPEG-TS; MP4 from files) or
/// headerless raw frames described by ``RawVideoOptions``. Items come out with ``next()``.
///
/// Error contract: a truncated stream, corrupt packet or partial raw frame stops the stream, but the
/// error is thrown only after every frame decoded before the fault has been returned.
public final class MediaReader {
  /// Path as given (`-` for stdin).
  public let path: String
  /// The video stream; `mastering`/`contentLight` may be filled in by the first decoded frame.
  public private(set) var info: VideoStreamInfo
  /// Audio and subtitle streams whose packets ``next()`` returns.
  public let passthroughStreams: [PassthroughStream]
  /// Notes for the user (streams ignored, …), in order; IO never prints.
  public private(set) var warnings: [String] = []
  private var warningsTaken = 0

  /// The warnings not yet taken: those found at open, then those found while reading (a short stream is
  /// noticed only at its end), each returned once.
  public func takeWarnings() -> [String] {
    defer { warningsTaken = warnings.count }
    return Array(warnings[warningsTaken...])
  }

  private var format: UnsafeMutablePointer<AVFormatContext>?
  private var decoder: UnsafeMutablePointer<AVCodecContext>?
  private var packet: UnsafeMutablePointer<AVPacket>?
  /// Smallest packet that holds a whole frame for rawvideo (nil for other codecs).
  private let rawFrameBytes: Int?
  /// Whether the input is headerless raw (packets must be exactly one frame).
  private let isRawInput: Bool
  private let passthroughIndices: Set<Int>
  private var flushSent = false
  private var decoderDrained = false
  private var finished = false
  private var pendingError: IOError?
  /// Video frames returned so far.
  public private(set) var framesRead = 0
  /// The in-memory bytes read through a custom AVIO context, kept until the format context is closed.
  private let memory: MemoryInput?

  /// Opens `path` (`-` = stdin) and its first video stream's decoder.
  ///
  /// - Parameters:
  ///   - path: file path, `-` for stdin, or any libav URL (`pipe:3`).
  ///   - raw: set for headerless raw frames; nil lets libavformat probe the container.
  ///   - anyPixelFormat: skip the check that ``InputConverter`` handles the pixel format (callers that
  ///     convert frames themselves, e.g. float HDR stills).
  ///   - memory: read these bytes instead (``MemoryInput``); `path` then only names the input.
  /// - Throws: `IOError` when the input cannot be opened, has no video stream, or uses an unsupported
  ///   codec or pixel format.
  public init(path: String, raw: RawVideoOptions? = nil, anyPixelFormat: Bool = false, memory: MemoryInput? = nil) throws {
    self.path = path
    self.memory = memory
    let url = path == "-" ? "pipe:0" : path
    var ctx: UnsafeMutablePointer<AVFormatContext>? = nil
    var opts: OpaquePointer? = nil
    var inputFormat: UnsafePointer<AVInputFormat>? = nil
    var rawFormat = AV_PIX_FMT_NONE
    if let raw {
      rawFormat = try raw.validatedFormat()
      av_dict_set(&opts, "video_size", "\(raw.width)x\(raw.height)", 0)
      av_dict_set(&opts, "pixel_format", raw.pixelFormat, 0)
      av_dict_set(&opts, "framerate", "\(raw.frameRate.num)/\(raw.frameRate.den)", 0)
      inputFormat = av_find_input_format("rawvideo")
    }
    if let memory {
      do { ctx = try memory.formatContext() } catch { av_dict_free(&opts); throw error }
    }
    let openRet = avformat_open_input(&ctx, url, inputFormat, &opts)
    av_dict_free(&opts)
    if raw == nil && (openRet == rx_averror_invaliddata() || openRet == rx_averror(EINVAL)) {
      // Garbage bytes either probe as nothing (INVALIDDATA) or as a format whose header parser rejects them.
      throw IOError.corrupt(
        path: path, detail: "not a recognised media format (\(IOError.message(for: openRet)))")
    }
    try IOError.check(openRet, "open input", target: path)
    format = ctx
    guard let ctx else { throw IOError.invalidArgument("open input '\(path)' returned no context") }
    do {
      try IOError.check(avformat_find_stream_info(ctx, nil), "read stream info of", target: path)
    } catch {
      avformat_close_input(&format)
      throw error
    }

    // Pick the first real video stream; keep audio and subtitles for passthrough; discard the rest.
    var videoIndex = -1
    var pass: [PassthroughStream] = []
    var notes: [String] = []
    for i in 0..<Int(ctx.pointee.nb_streams) {
      guard let st = ctx.pointee.streams[i] else { continue }
      let par = st.pointee.codecpar!
      let type = par.pointee.codec_type
      let isCover = (st.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC) != 0
      if type == AVMEDIA_TYPE_VIDEO && !isCover && videoIndex < 0 {
        videoIndex = i
      } else if type == AVMEDIA_TYPE_AUDIO || type == AVMEDIA_TYPE_SUBTITLE {
        pass.append(PassthroughStream(inputIndex: i, mediaType: type, source: par, timeBase: st.pointee.time_base))
      } else {
        st.pointee.discard = AVDISCARD_ALL
        if type == AVMEDIA_TYPE_VIDEO { notes.append("ignoring extra video stream #\(i)") }
      }
    }
    guard videoIndex >= 0, let st = ctx.pointee.streams[videoIndex] else {
      let name = String(cString: ctx.pointee.iformat.pointee.name)
      avformat_close_input(&format)
      throw IOError.noVideoStream(path: path + " (probed as \(name))")
    }
    passthroughStreams = pass
    passthroughIndices = Set(pass.map(\.inputIndex))
    warnings = notes

    let par = st.pointee.codecpar!
    let pixFmt = AVPixelFormat(rawValue: par.pointee.format)
    info = Self.describe(ctx: ctx, stream: st, index: videoIndex)
    isRawInput = raw != nil
    if par.pointee.codec_id == AV_CODEC_ID_RAWVIDEO && pixFmt != AV_PIX_FMT_NONE {
      let w = Int32(par.pointee.width), h = Int32(par.pointee.height)
      rawFrameBytes = Int(av_image_get_buffer_size(pixFmt, w, h, 1))
    } else {
      rawFrameBytes = nil
    }
    if raw != nil, pixFmt != rawFormat, pixFmt != AV_PIX_FMT_NONE {
      notes.append("raw input decoded as \(LibavNames.pixelFormat(pixFmt))")
    }
    do {
      if !anyPixelFormat && pixFmt != AV_PIX_FMT_NONE && !InputConverter.supports(pixFmt) {
        throw IOError.unsupported("pixel format \(LibavNames.pixelFormat(pixFmt)) of input '\(path)'")
      }
      try openDecoder(stream: st)
    } catch {
      avformat_close_input(&format)
      throw error
    }
    packet = av_packet_alloc()
  }

  deinit {
    avcodec_free_context(&decoder)
    avformat_close_input(&format)
    av_packet_free(&packet)
  }

  /// The next decoded video frame or passthrough packet; nil at the end (after draining the decoder).
  ///
  /// - Throws: `IOError.truncated` / `.corrupt` / `.libav` once every frame decoded before the fault has been
  ///   returned; after a throw (or nil) it keeps returning nil.
  public func next() throws -> ReaderItem? {
    guard let format, let decoder, let packet else { return nil }
    while !finished {
      // 1. Hand out what the decoder has.
      if !decoderDrained {
        let frame = LibavFrame()
        let r = avcodec_receive_frame(decoder, frame.pointer)
        if r >= 0 {
          prepare(frame)
          return .video(frame)
        }
        if r == rx_averror_eof() {
          decoderDrained = true
          noteShortStream()
          continue
        }
        if r != rx_averror_eagain() {
          if pendingError == nil { pendingError = decodeError(r, after: framesRead) }
          decoderDrained = true
          continue
        }
      } else {
        finished = true
        if let e = pendingError {
          pendingError = nil
          throw e
        }
        return nil
      }
      if flushSent {
        decoderDrained = true  // a draining decoder never asks for input; stop defensively
        continue
      }
      // 2. Feed it one packet (or start draining at the end of input / on a fault).
      let r = av_read_frame(format, packet)
      if r < 0 {
        if r != rx_averror_eof() { pendingError = readError(r) }
        sendFlush(decoder)
        continue
      }
      let index = Int(packet.pointee.stream_index)
      if index == info.streamIndex {
        if let fault = check(packet: packet) {
          av_packet_unref(packet)
          pendingError = fault
          sendFlush(decoder)
          continue
        }
        let s = avcodec_send_packet(decoder, packet)
        av_packet_unref(packet)
        if s < 0 && s != rx_averror_eagain() {
          pendingError = decodeError(s, after: framesRead)
          sendFlush(decoder)
        }
      } else if passthroughIndices.contains(index) {
        let out = LibavPacket()
        av_packet_move_ref(out.pointer, packet)
        return .packet(streamIndex: index, out)
      } else {
        av_packet_unref(packet)
      }
    }
    return nil
  }

  // MARK: - Helpers

  private func openDecoder(stream st: UnsafeMutablePointer<AVStream>) throws {
    let par = st.pointee.codecpar!
    guard let codec = avcodec_find_decoder(par.pointee.codec_id) else {
      let name = String(cString: avcodec_get_name(par.pointee.codec_id))
      throw IOError.unsupported("no decoder for video codec \(name) in '\(path)'")
    }
    decoder = avcodec_alloc_context3(codec)
    guard let decoder else { throw IOError.invalidArgument("cannot allocate a decoder") }
    try IOError.check(avcodec_parameters_to_context(decoder, par), "configure decoder for", target: path)
    decoder.pointee.pkt_timebase = st.pointee.time_base
    decoder.pointee.thread_count = 0
    decoder.pointee.thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE
    try IOError.check(avcodec_open2(decoder, codec, nil), "open decoder for", target: path)
  }

  /// Warns when a clean end of stream comes well before the container's frame count: libav's Matroska
  /// demuxer reports a truncated file only in its log ("File ended prematurely") and returns EOF.
  private func noteShortStream() {
    guard pendingError == nil, let expected = info.estimatedFrameCount, framesRead < expected - 1 else { return }
    warnings.append(
      "input '\(path)' ended after \(framesRead) frames but its container announced about \(expected)"
        + " (truncated file?)")
  }

  private func sendFlush(_ decoder: UnsafeMutablePointer<AVCodecContext>) {
    if !flushSent {
      avcodec_send_packet(decoder, nil)
      flushSent = true
    }
  }

  /// Sets `pts` from the best-effort timestamp and picks up HDR side data from the first frame.
  private func prepare(_ frame: LibavFrame) {
    let f = frame.pointer
    if f.pointee.pts == rx_nopts_value() { f.pointee.pts = f.pointee.best_effort_timestamp }
    if framesRead == 0 {
      if info.mastering == nil, let sd = av_frame_get_side_data(f, AV_FRAME_DATA_MASTERING_DISPLAY_METADATA) {
        info.mastering = LibavNames.mastering(sd.pointee.data)
      }
      if info.contentLight == nil, let sd = av_frame_get_side_data(f, AV_FRAME_DATA_CONTENT_LIGHT_LEVEL) {
        info.contentLight = LibavNames.contentLight(sd.pointee.data)
      }
    }
    framesRead += 1
  }

  /// A fault in a video packet before decoding: partial raw frame or a packet the demuxer flagged.
  private func check(packet: UnsafeMutablePointer<AVPacket>) -> IOError? {
    let size = Int(packet.pointee.size)
    if let need = rawFrameBytes, isRawInput ? size != need : size < need {
      let what = "\(info.width)x\(info.height) \(info.pixelFormat)"
      return IOError.truncated(
        path: path,
        detail: "frame \(framesRead + 1) is partial: \(size) of \(need) bytes for \(what)"
          + (isRawInput ? " (check the raw size and pixel format)" : ""))
    }
    if packet.pointee.flags & AV_PKT_FLAG_CORRUPT != 0 {
      return IOError.corrupt(path: path, detail: "video packet after frame \(framesRead) is flagged corrupt")
    }
    return nil
  }

  private func readError(_ r: Int32) -> IOError {
    if r == rx_averror_invaliddata() {
      return IOError.corrupt(path: path, detail: "invalid data after frame \(framesRead) (\(IOError.message(for: r)))")
    }
    return IOError.libav(
      operation: "read packet after frame \(framesRead) from", target: path, code: r, message: IOError.message(for: r))
  }

  private func decodeError(_ r: Int32, after frames: Int) -> IOError {
    IOError.corrupt(
      path: path, detail: "cannot decode the video packet after frame \(frames) (\(IOError.message(for: r)))")
  }

  /// Reads the stream's parameters into a ``VideoStreamInfo``.
  private static func describe(
    ctx: UnsafeMutablePointer<AVFormatContext>, stream st: UnsafeMutablePointer<AVStream>, index: Int
  ) -> VideoStreamInfo {
    let par = st.pointee.codecpar.pointee
    let fmt = AVPixelFormat(rawValue: par.format)
    var rate = st.pointee.avg_frame_rate
    if rate.num <= 0 || rate.den <= 0 { rate = st.pointee.r_frame_rate }
    if rate.num <= 0 || rate.den <= 0 { rate = AVRational(num: 0, den: 1) }
    let tb = st.pointee.time_base
    var count: Int? = st.pointee.nb_frames > 0 ? Int(st.pointee.nb_frames) : nil
    if count == nil, rate.num > 0 {
      let seconds: Double?
      if st.pointee.duration != rx_nopts_value() && st.pointee.duration > 0 {
        seconds = Double(st.pointee.duration) * Double(tb.num) / Double(tb.den)
      } else if ctx.pointee.duration != rx_nopts_value() && ctx.pointee.duration > 0 {
        seconds = Double(ctx.pointee.duration) / Double(AV_TIME_BASE)
      } else {
        seconds = nil
      }
      if let seconds { count = Int((seconds * Double(rate.num) / Double(rate.den)).rounded()) }
    }
    var info = VideoStreamInfo(
      streamIndex: index, width: Int(par.width), height: Int(par.height),
      pixelFormat: LibavNames.pixelFormat(fmt), pixelFormatID: fmt, timeBase: tb, frameRate: rate,
      colorPrimaries: LibavNames.primaries(par.color_primaries),
      colorTransfer: LibavNames.transfer(par.color_trc),
      colorMatrix: LibavNames.matrix(par.color_space),
      colorRange: LibavNames.range(par.color_range),
      hasColorTags: par.color_primaries != AVCOL_PRI_UNSPECIFIED || par.color_trc != AVCOL_TRC_UNSPECIFIED
        || par.color_space != AVCOL_SPC_UNSPECIFIED,
      estimatedFrameCount: count, mastering: nil, contentLight: nil,
      containerFormat: String(cString: ctx.pointee.iformat.pointee.name),
      codecName: String(cString: avcodec_get_name(par.codec_id)))
    var size = 0
    if let sd = av_stream_get_side_data(st, AV_PKT_DATA_MASTERING_DISPLAY_METADATA, &size),
      size >= MemoryLayout<AVMasteringDisplayMetadata>.size
    {
      info.mastering = LibavNames.mastering(sd)
    }
    if let sd = av_stream_get_side_data(st, AV_PKT_DATA_CONTENT_LIGHT_LEVEL, &size),
      size >= MemoryLayout<AVContentLightMetadata>.size
    {
      info.contentLight = LibavNames.contentLight(sd)
    }
    return info
  }
}
