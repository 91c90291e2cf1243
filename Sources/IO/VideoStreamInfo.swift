import CShim

/// What the reader knows about the input's video stream.
public struct VideoStreamInfo: @unchecked Sendable {
  /// Index of the video stream in the input container.
  public var streamIndex: Int
  /// Coded frame size in pixels.
  public var width: Int
  public var height: Int
  /// libav pixel format name (`yuv420p`, `rgb24`, …); `none` when not known before decoding.
  public var pixelFormat: String
  /// The libav pixel format.
  public var pixelFormatID: AVPixelFormat
  /// Time base of frame timestamps.
  public var timeBase: AVRational
  /// Frame rate (average, else nominal); 0/1 when unknown.
  public var frameRate: AVRational
  /// libav colour names; `unknown` when the stream is untagged.
  public var colorPrimaries: String
  public var colorTransfer: String
  public var colorMatrix: String
  /// `tv`, `pc` or `unknown`.
  public var colorRange: String
  /// Whether any of primaries/transfer/matrix was tagged.
  public var hasColorTags: Bool
  /// Frames expected, from the container (nil when unknown, e.g. on pipes).
  public var estimatedFrameCount: Int?
  /// Whether ``estimatedFrameCount`` is the container's own frame count rather than duration × rate.
  public var frameCountIsExact = false
  /// Mastering display metadata from the stream, or from the first decoded frame.
  public var mastering: MasteringDisplay?
  /// Content light level from the stream, or from the first decoded frame.
  public var contentLight: ContentLightLevel?
  /// Name of the input container format, e.g. `matroska,webm`.
  public var containerFormat: String
  /// Name of the video codec, e.g. `rawvideo`, `h264`.
  public var codecName: String
}
