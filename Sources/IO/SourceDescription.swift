import CShim

/// What the output keeps of the input beyond pictures and passthrough packets: container and stream tags
/// (title, language, …), chapters, timecode, sample aspect ratio and field order.
///
/// Read by ``MediaReader`` and written into the output header by ``MediaWriter``, so a programme keeps its
/// description through the pipe. Tags that describe the old encoding (encoder, duration, Matroska's
/// `_STATISTICS_*`/`BPS`/`NUMBER_OF_*`) are left behind: they would be false of the new stream.
public struct SourceDescription: Sendable, Equatable {
  /// One metadata entry, in the input's order.
  public struct Tag: Sendable, Equatable {
    public var key: String
    public var value: String
    public init(_ key: String, _ value: String) {
      self.key = key
      self.value = value
    }
  }

  /// One chapter: its id, span in its own time base, and tags (title).
  public struct Chapter: Sendable, Equatable {
    public var id: Int64
    public var timeBaseNum: Int32, timeBaseDen: Int32
    public var start: Int64, end: Int64
    public var tags: [Tag]
  }

  public var containerTags: [Tag] = []
  public var videoTags: [Tag] = []
  /// SMPTE timecode of the first frame (`10:00:00:00`), from the video stream, the container or a
  /// timecode (tmcd) track; written as the output video stream's `timecode` tag.
  public var timecode: String?
  public var chapters: [Chapter] = []
  /// Pixel aspect ratio; 0/1 when unknown (square pixels assumed downstream).
  public var sampleAspectRatio = AVRational(num: 0, den: 1)
  /// libav's field order of the video stream.
  public var fieldOrder = AV_FIELD_UNKNOWN

  public init() {}

  /// Whether the video is interlaced (a field order other than progressive or unknown).
  public var isInterlaced: Bool { fieldOrder != AV_FIELD_PROGRESSIVE && fieldOrder != AV_FIELD_UNKNOWN }

  /// `top field first`, `bottom field first`, … for messages.
  public var fieldOrderName: String {
    switch fieldOrder {
    case AV_FIELD_TT, AV_FIELD_TB: return "top field first"
    case AV_FIELD_BB, AV_FIELD_BT: return "bottom field first"
    case AV_FIELD_PROGRESSIVE: return "progressive"
    default: return "unknown"
    }
  }

  public static func == (a: Self, b: Self) -> Bool {
    a.containerTags == b.containerTags && a.videoTags == b.videoTags && a.timecode == b.timecode
      && a.chapters == b.chapters && a.sampleAspectRatio.num == b.sampleAspectRatio.num
      && a.sampleAspectRatio.den == b.sampleAspectRatio.den && a.fieldOrder == b.fieldOrder
  }

  /// Whether a tag describes the old encoding rather than the programme.
  static func isStale(_ key: String) -> Bool {
    let k = key.uppercased()
    return k == "ENCODER" || k == "DURATION" || k == "BPS" || k.hasPrefix("_STATISTICS") || k.hasPrefix("NUMBER_OF_")
      || k == "TIMECODE" || k == "ENCODER_OPTIONS" || k == "VENDOR_ID"
  }

  /// The entries of a libav dictionary, stale ones dropped.
  static func tags(_ dict: OpaquePointer?) -> [Tag] {
    var out: [Tag] = []
    var entry: UnsafeMutablePointer<AVDictionaryEntry>? = nil
    while let e = av_dict_get(dict, "", entry, AV_DICT_IGNORE_SUFFIX) {
      entry = e
      let key = String(cString: e.pointee.key), value = String(cString: e.pointee.value)
      if !isStale(key) { out.append(Tag(key, value)) }
    }
    return out
  }

  static func value(_ dict: OpaquePointer?, _ key: String) -> String? {
    av_dict_get(dict, key, nil, 0).map { String(cString: $0.pointee.value) }
  }

  /// Reads the description of `ctx` and its video stream `st`.
  static func read(ctx: UnsafeMutablePointer<AVFormatContext>, video st: UnsafeMutablePointer<AVStream>) -> SourceDescription {
    var d = SourceDescription()
    d.containerTags = tags(ctx.pointee.metadata)
    d.videoTags = tags(st.pointee.metadata)
    d.timecode = value(st.pointee.metadata, "timecode") ?? value(ctx.pointee.metadata, "timecode")
    if d.timecode == nil {
      for i in 0..<Int(ctx.pointee.nb_streams) {
        if let other = ctx.pointee.streams[i], let tc = value(other.pointee.metadata, "timecode") {
          d.timecode = tc
          break
        }
      }
    }
    for i in 0..<Int(ctx.pointee.nb_chapters) {
      guard let c = ctx.pointee.chapters[i] else { continue }
      d.chapters.append(
        Chapter(
          id: c.pointee.id, timeBaseNum: c.pointee.time_base.num, timeBaseDen: c.pointee.time_base.den,
          start: c.pointee.start, end: c.pointee.end, tags: tags(c.pointee.metadata)))
    }
    let par = st.pointee.codecpar.pointee
    d.sampleAspectRatio = par.sample_aspect_ratio.num > 0 ? par.sample_aspect_ratio : st.pointee.sample_aspect_ratio
    d.fieldOrder = par.field_order
    return d
  }

  /// Writes the tags, timecode and chapters into an output context before its header (the video
  /// stream's aspect ratio and field order are set with its codec parameters).
  func apply(to ctx: UnsafeMutablePointer<AVFormatContext>, video st: UnsafeMutablePointer<AVStream>) throws {
    for t in containerTags { av_dict_set(&ctx.pointee.metadata, t.key, t.value, 0) }
    for t in videoTags { av_dict_set(&st.pointee.metadata, t.key, t.value, 0) }
    if let timecode { av_dict_set(&st.pointee.metadata, "timecode", timecode, 0) }
    for c in chapters {
      guard let chapter = av_mallocz(MemoryLayout<AVChapter>.size)?.assumingMemoryBound(to: AVChapter.self) else {
        throw IOError.invalidArgument("cannot allocate a chapter")
      }
      chapter.pointee.id = c.id
      chapter.pointee.time_base = AVRational(num: c.timeBaseNum, den: c.timeBaseDen)
      chapter.pointee.start = c.start
      chapter.pointee.end = c.end
      for t in c.tags { av_dict_set(&chapter.pointee.metadata, t.key, t.value, 0) }
      // The chapter array belongs to the context from here on (avformat_free_context frees it).
      withUnsafeMutablePointer(to: &ctx.pointee.chapters) { array in
        withUnsafeMutablePointer(to: &ctx.pointee.nb_chapters) { count in
          count.withMemoryRebound(to: Int32.self, capacity: 1) { av_dynarray_add(array, $0, chapter) }
        }
      }
    }
  }
}
