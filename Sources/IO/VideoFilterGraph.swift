import CShim

/// A libavfilter graph over one video stream (`--vf`, `--post-vf`, deinterlacing): frames in at the
/// buffer source, frames out of the buffer sink, in the same process.
///
/// Built eagerly from the stream's parameters so its output size, pixel format, aspect ratio, time base and
/// frame rate are known before the first frame (the writer's header needs them). When `convertibleTo`
/// rejects the graph's output pixel format, `format=<fallback>` is appended so libavfilter converts.
public final class VideoFilterGraph {
  /// The graph as the user wrote it (for messages).
  public let description: String
  /// What comes out of the sink.
  public let outputWidth: Int, outputHeight: Int
  public let outputPixelFormat: AVPixelFormat
  public let outputTimeBase: AVRational
  public let outputFrameRate: AVRational
  public let outputSampleAspectRatio: AVRational
  private var graph: UnsafeMutablePointer<AVFilterGraph>?
  private let source: UnsafeMutablePointer<AVFilterContext>
  private let sink: UnsafeMutablePointer<AVFilterContext>
  private var flushed = false

  /// What the graph is fed.
  public struct Input {
    public var width: Int, height: Int
    public var pixelFormat: AVPixelFormat
    public var timeBase: AVRational
    public var frameRate: AVRational
    public var sampleAspectRatio: AVRational
    public init(width: Int, height: Int, pixelFormat: AVPixelFormat, timeBase: AVRational, frameRate: AVRational,
                sampleAspectRatio: AVRational) {
      self.width = width
      self.height = height
      self.pixelFormat = pixelFormat
      self.timeBase = timeBase
      self.frameRate = frameRate
      self.sampleAspectRatio = sampleAspectRatio
    }
  }

  /// - Parameters:
  ///   - description: a libavfilter graph with one video input and one video output (`scale=1280:-2,fps=25`).
  ///   - input: the frames it will be fed.
  ///   - convertibleTo: whether the next step takes a pixel format; others get `format=fallback` appended.
  ///   - fallback: the pixel format converted to then.
  /// - Throws: `IOError.invalidArgument` naming the graph and libav's reason when it cannot be built.
  public init(
    _ description: String, input: Input, convertibleTo accepts: (AVPixelFormat) -> Bool = { _ in true },
    fallback: AVPixelFormat = AV_PIX_FMT_YUV444P16LE
  ) throws {
    self.description = description
    var built = try Self.build(description, input: input)
    if !accepts(AVPixelFormat(rawValue: av_buffersink_get_format(built.sink))) {
      var old: UnsafeMutablePointer<AVFilterGraph>? = built.graph
      avfilter_graph_free(&old)
      let name = String(cString: av_get_pix_fmt_name(fallback))
      built = try Self.build(description + ",format=\(name)", input: input, shownAs: description)
    }
    graph = built.graph
    source = built.source
    sink = built.sink
    outputWidth = Int(av_buffersink_get_w(sink))
    outputHeight = Int(av_buffersink_get_h(sink))
    outputPixelFormat = AVPixelFormat(rawValue: av_buffersink_get_format(sink))
    outputTimeBase = av_buffersink_get_time_base(sink)
    outputFrameRate = av_buffersink_get_frame_rate(sink)
    outputSampleAspectRatio = av_buffersink_get_sample_aspect_ratio(sink)
  }

  deinit { avfilter_graph_free(&graph) }

  private static func build(_ text: String, input: Input, shownAs: String? = nil) throws -> (
    graph: UnsafeMutablePointer<AVFilterGraph>, source: UnsafeMutablePointer<AVFilterContext>,
    sink: UnsafeMutablePointer<AVFilterContext>
  ) {
    let shown = shownAs ?? text
    func fail(_ what: String, _ code: Int32) -> IOError {
      IOError.invalidArgument("filter graph '\(shown)': \(what) (\(IOError.message(for: code)))")
    }
    guard let g = avfilter_graph_alloc() else { throw IOError.invalidArgument("cannot allocate a filter graph") }
    var keep = false
    defer {
      if !keep {
        var p: UnsafeMutablePointer<AVFilterGraph>? = g
        avfilter_graph_free(&p)
      }
    }
    g.pointee.nb_threads = 1  // the filter's own stages use the cores; a user graph is light (crop, scale, fps)
    let sar = input.sampleAspectRatio.num > 0 ? input.sampleAspectRatio : AVRational(num: 1, den: 1)
    var args = "video_size=\(input.width)x\(input.height):pix_fmt=\(input.pixelFormat.rawValue)"
      + ":time_base=\(input.timeBase.num)/\(input.timeBase.den):pixel_aspect=\(sar.num)/\(sar.den)"
    if input.frameRate.num > 0 && input.frameRate.den > 0 { args += ":frame_rate=\(input.frameRate.num)/\(input.frameRate.den)" }
    var src: UnsafeMutablePointer<AVFilterContext>? = nil
    var snk: UnsafeMutablePointer<AVFilterContext>? = nil
    var r = avfilter_graph_create_filter(&src, avfilter_get_by_name("buffer"), "in", args, nil, g)
    if r < 0 { throw fail("cannot create its input", r) }
    r = avfilter_graph_create_filter(&snk, avfilter_get_by_name("buffersink"), "out", nil, nil, g)
    if r < 0 { throw fail("cannot create its output", r) }
    guard let src, let snk else { throw IOError.invalidArgument("filter graph '\(shown)': no endpoints") }
    // The parser's open ends: its unlabelled input is fed by our source, its output drains into our sink.
    var outputs = avfilter_inout_alloc(), inputs = avfilter_inout_alloc()
    defer {
      avfilter_inout_free(&outputs)
      avfilter_inout_free(&inputs)
    }
    guard let o = outputs, let i = inputs else { throw IOError.invalidArgument("cannot allocate a filter graph") }
    o.pointee.name = av_strdup("in")
    o.pointee.filter_ctx = src
    o.pointee.pad_idx = 0
    o.pointee.next = nil
    i.pointee.name = av_strdup("out")
    i.pointee.filter_ctx = snk
    i.pointee.pad_idx = 0
    i.pointee.next = nil
    r = avfilter_graph_parse_ptr(g, text, &inputs, &outputs, nil)
    if r < 0 { throw fail("cannot be parsed", r) }
    r = avfilter_graph_config(g, nil)
    if r < 0 { throw fail("cannot be configured", r) }
    if avfilter_graph_get_filter(g, "out") == nil { throw IOError.invalidArgument("filter graph '\(shown)': no output") }
    keep = true
    return (g, src, snk)
  }

  /// Feeds one frame (the graph takes its own reference); then ``pull()`` until nil.
  public func push(_ frame: LibavFrame) throws {
    let r = av_buffersrc_add_frame_flags(source, frame.pointer, Int32(AV_BUFFERSRC_FLAG_KEEP_REF))
    if r < 0 { throw IOError.invalidArgument("filter graph '\(description)': frame refused (\(IOError.message(for: r)))") }
  }

  /// Marks the end of the input: frames a filter held back (bwdif's last field, fps) come out of ``pull()``.
  public func flush() throws {
    guard !flushed else { return }
    flushed = true
    let r = av_buffersrc_add_frame_flags(source, nil, 0)
    if r < 0 { throw IOError.invalidArgument("filter graph '\(description)': cannot flush (\(IOError.message(for: r)))") }
  }

  /// The next frame out, or nil when the graph needs more input (or has ended).
  public func pull() throws -> LibavFrame? {
    let out = LibavFrame()
    let r = av_buffersink_get_frame(sink, out.pointer)
    if r >= 0 { return out }
    if r == rx_averror_eagain() || r == rx_averror_eof() { return nil }
    throw IOError.invalidArgument("filter graph '\(description)': \(IOError.message(for: r))")
  }
}
