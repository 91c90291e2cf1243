import IO

/// What `receive` gives back, in libavcodec's terms.
public enum ReceiveResult {
  /// One output frame.
  case frame(LibavFrame)
  /// Nothing ready: send more input (EAGAIN).
  case again
  /// Drained: no more frames will come (EOF).
  case endOfStream
}
