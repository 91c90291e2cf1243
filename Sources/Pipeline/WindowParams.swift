import Parameters

/// Temporal window and scene-cut detection.
public struct WindowParams: ParameterSet {
  public var maxLookAheadFrames: Int = 1
  public var sceneCutThreshold: Float = 0.12

  public init() {}

  public static let parameters: [Parameter<Self>] = [
    .int(
      "maxLookAheadFrames", \.maxLookAheadFrames, 0...8, unit: "frames",
      doc: "Most frames the active stages together may hold back (the sum of their look-ahead); bounds memory "
        + "and latency."),
    .float(
      "sceneCutThreshold", \.sceneCutThreshold, 0...1, unit: "sRGB-coded luma, 0...1",
      doc: "Mean absolute luma difference above which a scene cut resets temporal state; 1 disables detection."),
  ]
}
