import Imaging

/// Temporal window and scene-cut detection.
public struct WindowParams: Equatable, Sendable {
  /// Frames of look-ahead the pipeline may hold (bounds memory: window = 1 + 2·lookAhead frames).
  /// Range 0...8, default 1.
  public var lookAheadFrames: Int = 1
  /// Mean absolute luma difference (sRGB signal, 0...1) above which a scene cut resets temporal state.
  /// Range 0...1, default 0.12; 1 disables detection.
  public var sceneCutThreshold: Float = 0.12

  public init() {}

  /// Checks every field against its documented range.
  public func validate() throws {
    try ParameterError.check(lookAheadFrames, in: 0...8, key: "lookAheadFrames")
    try ParameterError.check(sceneCutThreshold, in: 0...1, key: "sceneCutThreshold")
  }
}
