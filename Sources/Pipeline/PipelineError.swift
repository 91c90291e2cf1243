/// Errors of the streaming pipeline.
public enum PipelineError: Error, CustomStringConvertible, Equatable {
  /// A frame's size differs from the stream's first frame.
  case geometryChanged(frameIndex: Int, expected: String, got: String)
  /// A parameter is invalid.
  case invalidParameter(String)
  /// A stage failed on a frame.
  case stageFailed(stage: String, frameIndex: Int, reason: String)
  /// A learned stage's weights file is missing, unreadable or does not fit the network.
  case modelUnavailable(file: String, reason: String)

  public var description: String {
    switch self {
    case let .geometryChanged(i, e, g): return "frame \(i): size changed from \(e) to \(g)"
    case let .invalidParameter(s): return "invalid parameter: \(s)"
    case let .stageFailed(s, i, r): return "stage \(s) failed on frame \(i): \(r)"
    case let .modelUnavailable(f, r): return "cannot load model \(f): \(r)"
    }
  }
}
