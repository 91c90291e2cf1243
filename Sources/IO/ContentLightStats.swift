/// Running CTA-861.3 content light statistics over the frames converted so far.
///
/// MaxCLL is the largest max(R, G, B) of any pixel, MaxFALL the largest frame average of max(R, G, B);
/// both in cd/m² of the output's display light (linear, output primaries).
public struct ContentLightStats: Equatable, Sendable {
  /// Largest pixel max(R, G, B), cd/m².
  public private(set) var maxCLL: Double = 0
  /// Largest frame-average max(R, G, B), cd/m².
  public private(set) var maxFALL: Double = 0
  /// Frames measured.
  public private(set) var frameCount: Int = 0

  public init() {}

  /// Adds one frame's maximum and average of max(R, G, B), cd/m².
  public mutating func add(frameMax: Double, frameAverage: Double) {
    maxCLL = max(maxCLL, frameMax)
    maxFALL = max(maxFALL, frameAverage)
    frameCount += 1
  }

  /// The statistics rounded up to whole cd/m², as HDR10 metadata carries them.
  public var level: ContentLightLevel {
    ContentLightLevel(maxCLL: Int(maxCLL.rounded(.up)), maxFALL: Int(maxFALL.rounded(.up)))
  }
}
