/// One item from ``MediaReader/next()``: a decoded video frame or a packet of a passthrough stream.
public enum ReaderItem {
  /// A decoded frame of the video stream, `pts` in ``VideoStreamInfo/timeBase``.
  case video(LibavFrame)
  /// A packet of the audio/subtitle stream with input index `streamIndex` (see ``PassthroughStream``).
  case packet(streamIndex: Int, LibavPacket)
}
