import CShim

/// Demuxes and decodes the first video stream of a file or stdin; hands audio/subtitle packets through.
///
/// Reads any container libavformat can read from a pipe (Matroska, NUT, y4m, MPEG-TS; MP4 from files) or
/// headerless raw frames described by ``RawVideoOptions``. Items come out with ``next()``.
///
/// Error contract: a truncated stream, unreadable data or a partial raw frame stops the stream, but the
/// error is thrown only after every frame decoded before the fault has been returned. Damage the stream can
/// be read past (frames the demuxer skipped, frames flagged corrupt, packets the decoder refuses) is counted
/// in ``damage`` and reported as a warning with its position, or stops the stream like a fault when
/// ``strict`` is set.
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
  private var lastPTS: Int64?
  /// y4m and live (piped) Matroska: their demuxers end a stream cut inside a frame with a clean EOF, so the
  /// bytes read past the end of the last whole packet are what tells a cut stream from a complete one.
  private var wholeFramesEnd: Int64 = 0
  /// Whether some stream's packets are dropped inside the demuxer (their bytes then follow the last packet).
  private var hasDiscardedStreams = false
  /// Bytes a Matroska block may carry around its payload (track number, timecode, flags, lacing) that
  /// the packet position and size do not cover.
  static let matroskaBlockSlackBytes: Int64 = 16
  /// Video frames returned so far.
  public private(set) var framesRead = 0
  /// Tags, chapters, timecode, aspect ratio and field order, for the output.
  public let source: SourceDescription
  /// Damage read past so far.
  public private(set) var damage = InputDamage()
  /// Set before reading: damage and a stream shorter than its container announced become errors.
  public var strict = false
  /// Damage events reported one by one; the rest only count towards the summary at the end.
  public static let damageWarningLimit = 5
  /// Undecodable video packets in a row after which the stream counts as unreadable, not damaged.
  public static let undecodableRunLimit = 25
  private var damageEvents = 0
  private var undecodableRun = 0
  private var gaps: FrameGapDetector
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
    // Freed on every way out (a raw format that fails validation throws after the first entry is set).
    defer { av_dict_free(&opts) }
    var inputFormat: UnsafePointer<AVInputFormat>? = nil
    // The reader never seeks, so the demuxer's keyframe index (1 MiB by default) is capped low: on a live
    // pipe it would otherwise grow for hours before reaching its cap.
    av_dict_set(&opts, "indexmem", "65536", 0)
    var rawFormat = AV_PIX_FMT_NONE
    if let raw {
      rawFormat = try raw.validatedFormat()
      av_dict_set(&opts, "video_size", "\(raw.width)x\(raw.height)", 0)
      av_dict_set(&opts, "pixel_format", raw.pixelFormat, 0)
      av_dict_set(&opts, "framerate", "\(raw.frameRate.num)/\(raw.frameRate.den)", 0)
      inputFormat = av_find_input_format("rawvideo")
    }
    if let memory {
      ctx = try memory.formatContext()
    }
    let openRet = avformat_open_input(&ctx, url, inputFormat, &opts)
    if raw == nil && (openRet == rx_averror_invaliddata() || openRet == rx_averror(EINVAL)) {
      // Garbage bytes either probe as nothing (INVALIDDATA) or as a format whose header parser rejects them.
      throw IOError.corrupt(
        path: path, detail: "not a recognised media format (\(IOError.message(for: openRet)))")
    }
    if openRet == rx_averror_eof() {
      // Nothing at all arrived: the upstream command failed before writing, the usual pipe mistake.
      throw IOError.empty(
        path: path,
        detail: path == "-"
          ? "the upstream command wrote nothing (see its error; ffmpeg needs -strict -1 to put 10-bit or 4:2:2 raw video in Matroska, or use -f nut)"
          : "no data")
    }
    try IOError.check(openRet, "open input", target: path)
    format = ctx
    guard let ctx else { throw IOError.invalidArgument("open input '\(path)' returned no context") }
    // Before stream info reads ahead: where the header ends is where the first frame starts.
    wholeFramesEnd = ctx.pointee.pb.map { avio_tell($0) } ?? 0
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
        pass.append(
          PassthroughStream(
            inputIndex: i, mediaType: type, source: par, timeBase: st.pointee.time_base,
            tags: SourceDescription.tags(st.pointee.metadata)))
      } else {
        st.pointee.discard = AVDISCARD_ALL
        hasDiscardedStreams = true
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

    let par = st.pointee.codecpar!
    let pixFmt = AVPixelFormat(rawValue: par.pointee.format)
    info = Self.describe(ctx: ctx, stream: st, index: videoIndex)
    source = SourceDescription.read(ctx: ctx, video: st)
    gaps = Self.gapDetector(stream: st)
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
    warnings = notes
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
          if prepare(frame) { return .video(frame) }
          continue
        }
        if r == rx_averror_eof() {
          decoderDrained = true
          noteShortStream()
          continue
        }
        if r != rx_averror_eagain() {
          // Frame-threaded decoders report a bad packet here rather than from send.
          undecodable(r)
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
        if r != rx_averror_eof() { pendingError = readError(r) } else { noteCutInsidePacket(format) }
        sendFlush(decoder)
        continue
      }
      let index = Int(packet.pointee.stream_index)
      if packet.pointee.pos >= 0 { wholeFramesEnd = max(wholeFramesEnd, packet.pointee.pos + Int64(packet.pointee.size)) }
      if index == info.streamIndex {
        if let fault = check(packet: packet) {
          av_packet_unref(packet)
          stop(fault)
          continue
        }
        if packet.pointee.flags & AV_PKT_FLAG_CORRUPT != 0 {
          damage.corruptFrames += 1
          report("video packet after frame \(framesRead)\(timeText) is flagged corrupt; decoded as it is")
          if flushSent {  // strict: stopped before this packet
            av_packet_unref(packet)
            continue
          }
        }
        let s = avcodec_send_packet(decoder, packet)
        av_packet_unref(packet)
        if s < 0 && s != rx_averror_eagain() {
          undecodable(s)
        } else if s >= 0 {
          undecodableRun = 0
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
  /// demuxer reports a truncated file only in its log ("File ended prematurely") and returns EOF. Also
  /// sums up damage beyond the events reported one by one.
  private func noteShortStream() {
    if damageEvents > Self.damageWarningLimit && pendingError == nil {
      warnings.append("input '\(path)' damage in all: \(damage.summary)")
    }
    guard pendingError == nil, let expected = info.estimatedFrameCount, framesRead < expected - 1 else { return }
    truncation("ended after \(framesRead) frames but its container announced about \(expected)", hint: "truncated file?")
  }

  /// A stream that may have been cut: an error when strict, else a warning with `hint`.
  private func truncation(_ what: String, hint: String) {
    if strict {
      pendingError = IOError.truncated(path: path, detail: what)
    } else {
      warnings.append("input '\(path)' \(what) (\(hint))")
    }
  }

  /// At a clean EOF, the bytes read beyond the last whole packet: in y4m they are a partial frame (an
  /// error); in Matroska without a frame count (written to a pipe, so nothing follows its last block) a
  /// partial block (a warning, or an error when strict). A Matroska file with a count has cues and tags
  /// after its last block; there the count decides (``noteShortStream()``).
  private func noteCutInsidePacket(_ format: UnsafeMutablePointer<AVFormatContext>) {
    guard let pb = format.pointee.pb else { return }
    let extra = avio_tell(pb) - wholeFramesEnd
    let container = info.containerFormat
    if container == "yuv4mpegpipe" && extra > 0 {
      let need = rawFrameBytes.map { " (a frame is \($0) bytes after its FRAME line)" } ?? ""
      pendingError = IOError.truncated(
        path: path, detail: "frame \(framesRead + 1) is partial: the stream ends \(extra) bytes after the last whole frame\(need)")
    } else if container.hasPrefix("matroska") && info.estimatedFrameCount == nil && !hasDiscardedStreams
      && extra > Self.matroskaBlockSlackBytes
    {
      truncation("ended \(extra) bytes into a block after frame \(framesRead)", hint: "truncated stream?")
    }
  }

  /// Stops the stream with `error` (kept if one is already pending): the decoder is drained and the error
  /// thrown after the frames it still holds.
  private func stop(_ error: IOError) {
    if pendingError == nil { pendingError = error }
    if let decoder { sendFlush(decoder) }
  }

  /// Reports one damage event: a warning (the first few), or the error that stops a strict stream.
  private func report(_ what: String) {
    if strict {
      stop(IOError.corrupt(path: path, detail: what + " (--strict)"))
      return
    }
    damageEvents += 1
    if damageEvents <= Self.damageWarningLimit {
      warnings.append("input '\(path)': \(what)")
      if damageEvents == Self.damageWarningLimit { warnings.append("input '\(path)': further damage is only counted") }
    }
  }

  /// A video packet the decoder refused: counted and skipped, unless the run of them says the stream is
  /// not decodable at all.
  private func undecodable(_ code: Int32) {
    damage.undecodablePackets += 1
    undecodableRun += 1
    if undecodableRun >= Self.undecodableRunLimit {
      stop(decodeError(code, after: framesRead))
      return
    }
    report("cannot decode the video packet after frame \(framesRead)\(timeText) (\(IOError.message(for: code))); its frame is lost")
  }

  /// " (t = 1.240 s)" for the last frame returned; empty before the first.
  private var timeText: String { time(lastPTS) }

  /// " (t = 1.240 s)" for a timestamp in the stream's time base; empty for none.
  private func time(_ pts: Int64?) -> String {
    guard let pts, pts != rx_nopts_value() else { return "" }
    let tb = info.timeBase
    return String(format: " (t = %.3f s)", Double(pts) * Double(tb.num) / Double(max(tb.den, 1)))
  }

  /// A detector judging only streams whose nominal and average rates agree: a variable-rate stream's
  /// timestamps jump without anything being lost.
  private static func gapDetector(stream st: UnsafeMutablePointer<AVStream>) -> FrameGapDetector {
    let tb = st.pointee.time_base
    let nominal = st.pointee.r_frame_rate, average = st.pointee.avg_frame_rate
    func value(_ r: AVRational) -> Double? { r.num > 0 && r.den > 0 ? Double(r.num) / Double(r.den) : nil }
    var rate = (num: Int32(0), den: Int32(0))
    if let n = value(nominal) {
      if let a = value(average), abs(a / n - 1) > 0.01 {
        rate = (0, 0)
      } else {
        rate = (nominal.num, nominal.den)
      }
    }
    return FrameGapDetector(timeBase: (tb.num, tb.den), frameRate: rate)
  }

  private func sendFlush(_ decoder: UnsafeMutablePointer<AVCodecContext>) {
    if !flushSent {
      avcodec_send_packet(decoder, nil)
      flushSent = true
    }
  }

  /// Sets `pts` from the best-effort timestamp, picks up HDR side data from the first frame and notes
  /// damage; false when the frame is not to be returned (a strict stream stops before it).
  private func prepare(_ frame: LibavFrame) -> Bool {
    let f = frame.pointer
    if f.pointee.pts == rx_nopts_value() { f.pointee.pts = f.pointee.best_effort_timestamp }
    var damaged = false
    if f.pointee.pts != rx_nopts_value() {
      let missing = gaps.observe(pts: f.pointee.pts)
      if missing > 0 {
        damaged = true
        damage.missingFrames += missing
        let what = missing == 1 ? "1 frame is" : "\(missing) frames are"
        report("\(what) missing after frame \(framesRead)\(timeText): the timestamps jump by \(missing + 1) frame durations (damaged data skipped by the demuxer?)")
      }
    }
    if f.pointee.decode_error_flags != 0 {
      damaged = true
      damage.corruptFrames += 1
      report("frame \(framesRead + 1)\(time(f.pointee.pts)) decoded with errors (concealed)")
    }
    if strict && damaged {
      decoderDrained = true
      return false
    }
    if f.pointee.pts != rx_nopts_value() { lastPTS = f.pointee.pts }
    if framesRead == 0 {
      if info.mastering == nil, let sd = av_frame_get_side_data(f, AV_FRAME_DATA_MASTERING_DISPLAY_METADATA) {
        info.mastering = LibavNames.mastering(sd.pointee.data)
      }
      if info.contentLight == nil, let sd = av_frame_get_side_data(f, AV_FRAME_DATA_CONTENT_LIGHT_LEVEL) {
        info.contentLight = LibavNames.contentLight(sd.pointee.data)
      }
    }
    framesRead += 1
    return true
  }

  /// A fault in a video packet before decoding: a partial raw frame.
  private func check(packet: UnsafeMutablePointer<AVPacket>) -> IOError? {
    let size = Int(packet.pointee.size)
    if let need = rawFrameBytes, isRawInput ? size != need : size < need {
      let what = "\(info.width)x\(info.height) \(info.pixelFormat)"
      return IOError.truncated(
        path: path,
        detail: "frame \(framesRead + 1) is partial: \(size) of \(need) bytes for \(what)"
          + (isRawInput ? " (check the raw size and pixel format)" : ""))
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
    info.frameCountIsExact = st.pointee.nb_frames > 0
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
