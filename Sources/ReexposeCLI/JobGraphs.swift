import CShim
import IO
import Media

/// The libavfilter graphs around the filter in one job: before it the deinterlacer and `--vf`, after it
/// `--post-vf`; and the stream geometry the writer's header then needs.
struct JobGraphs {
  var pre: VideoFilterGraph?
  var post: VideoFilterGraph?
  /// What the writer receives: size, time base, rate, and the description with aspect ratio and field order
  /// as the graphs left them.
  var width: Int, height: Int
  var timeBase: AVRational, frameRate: AVRational
  var source: SourceDescription
  /// A note for the user (deinterlacing applied or not).
  var notes: [String] = []
  /// Whether woven frames take back their source frame's timestamp (weave stamps the second field's time,
  /// and at the end of the stream not even that), in the source's time base.
  var restoresTimestamps = false

  /// Builds the graphs for `reader`'s stream; nil graphs when there is nothing to do.
  init(reader: MediaReader, output: OutputParams, input: InputParams, vf: String?, postVF: String?) throws {
    let info = reader.info
    source = reader.source
    width = info.width
    height = info.height
    timeBase = info.timeBase
    frameRate = info.frameRate
    var pre: [String] = []
    var postPrefix: [String] = []
    if source.isInterlaced && input.deinterlace == .fields {
      // Each field becomes a half-height frame at field rate; weave puts them back in the source's order.
      let top = source.fieldOrder == AV_FIELD_TT || source.fieldOrder == AV_FIELD_TB
      pre.append("separatefields")
      postPrefix.append("weave=first_field=\(top ? "top" : "bottom")")
      restoresTimestamps = true
      notes.append("input is interlaced (\(source.fieldOrderName)): fields processed separately and woven back (input.deinterlace: fields)")
    } else if source.isInterlaced && input.deinterlace != .off {
      let mode = input.deinterlace == .field ? "send_field" : "send_frame"
      pre.append("bwdif=mode=\(mode):parity=auto:deint=all")
      notes.append("input is interlaced (\(source.fieldOrderName)): deinterlaced with bwdif, one frame per \(input.deinterlace == .field ? "field" : "frame") (input.deinterlace)")
      source.fieldOrder = AV_FIELD_PROGRESSIVE
    } else if source.isInterlaced {
      notes.append(
        "input is interlaced (\(source.fieldOrderName)): frames are processed whole (input.deinterlace: off), so the"
          + " temporal stages see both fields at once; the field order is written back")
    }
    if let vf { pre.append(vf) }
    if !pre.isEmpty {
      guard info.pixelFormatID != AV_PIX_FMT_NONE else {
        throw IOError.unsupported("filtering input '\(reader.path)': its pixel format is not known before decoding")
      }
      let g = try VideoFilterGraph(
        pre.joined(separator: ","), input: graphInput(info.pixelFormatID), convertibleTo: InputConverter.supports)
      self.pre = g
      adopt(g)
    }
    if let postVF { postPrefix.append(postVF) }
    if !postPrefix.isEmpty {
      let format = av_get_pix_fmt(output.pixelFormat.rawValue)
      let g = try VideoFilterGraph(
        postPrefix.joined(separator: ","), input: graphInput(format), convertibleTo: { $0 == format }, fallback: format)
      post = g
      adopt(g)
    }
    if restoresTimestamps {
      timeBase = info.timeBase
      frameRate = info.frameRate
    }
  }

  /// What a graph placed here is fed: the current geometry in `pixelFormat`.
  private func graphInput(_ pixelFormat: AVPixelFormat) -> VideoFilterGraph.Input {
    .init(width: width, height: height, pixelFormat: pixelFormat, timeBase: timeBase, frameRate: frameRate,
          sampleAspectRatio: source.sampleAspectRatio)
  }

  /// The geometry after `graph`, for whatever follows it.
  private mutating func adopt(_ graph: VideoFilterGraph) {
    width = graph.outputWidth
    height = graph.outputHeight
    timeBase = graph.outputTimeBase
    frameRate = graph.outputFrameRate
    source.sampleAspectRatio = graph.outputSampleAspectRatio
  }
}
