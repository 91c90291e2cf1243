/// Output container: what `--format` names and which libav muxer writes it.
public enum ContainerFormat: String, CaseIterable, Sendable {
  /// Matroska with raw video (pixel-format fourcc tag): keeps colour tags, mastering display and CLL. Default.
  case mkv
  /// NUT: raw video and stream copy, but no colour tags (ffmpeg 5.1).
  case nut
  /// YUV4MPEG2: video only, keeps only the range; 10-bit needs the reader's `-strict -1`.
  case y4m
  /// Headerless raw frames: video only, no metadata at all.
  case raw

  /// Parses `mkv`/`matroska`, `nut`, `y4m`/`yuv4mpegpipe`, `raw`/`rawvideo`.
  public init?(name: String) {
    switch name.lowercased() {
    case "mkv", "matroska": self = .mkv
    case "nut": self = .nut
    case "y4m", "yuv4mpegpipe": self = .y4m
    case "raw", "rawvideo": self = .raw
    default: return nil
    }
  }

  /// libavformat muxer name.
  var muxerName: String {
    switch self {
    case .mkv: return "matroska"
    case .nut: return "nut"
    case .y4m: return "yuv4mpegpipe"
    case .raw: return "rawvideo"
    }
  }

  /// Whether audio/subtitle streams can be stream-copied into it.
  public var carriesPassthrough: Bool { self == .mkv || self == .nut }
}
