import CShim

/// An audio or subtitle input stream whose packets are copied unchanged to the output.
public final class PassthroughStream: @unchecked Sendable {
  /// Index of the stream in the input container (packets carry it in ``ReaderItem/packet(streamIndex:_:)``).
  public let inputIndex: Int
  /// Audio or subtitle.
  public let mediaType: AVMediaType
  /// Owned copy of the stream's codec parameters.
  public let codecParameters: UnsafeMutablePointer<AVCodecParameters>
  /// Time base of the packets' timestamps.
  public let timeBase: AVRational
  /// The stream's tags (language, title, …), written to the output stream.
  public let tags: [SourceDescription.Tag]

  init(
    inputIndex: Int, mediaType: AVMediaType, source: UnsafePointer<AVCodecParameters>, timeBase: AVRational,
    tags: [SourceDescription.Tag] = []
  ) {
    self.inputIndex = inputIndex
    self.mediaType = mediaType
    self.tags = tags
    guard let p = avcodec_parameters_alloc() else { fatalError("avcodec_parameters_alloc: out of memory") }
    avcodec_parameters_copy(p, source)
    codecParameters = p
    self.timeBase = timeBase
  }

  deinit {
    var p: UnsafeMutablePointer<AVCodecParameters>? = codecParameters
    avcodec_parameters_free(&p)
  }

  /// libav's codec name, e.g. `aac`, `pcm_s16le`.
  public var codecName: String { String(cString: avcodec_get_name(codecParameters.pointee.codec_id)) }
}
