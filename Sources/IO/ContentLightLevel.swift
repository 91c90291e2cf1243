/// CTA-861.3 content light level: MaxCLL and MaxFALL in cd/m².
public struct ContentLightLevel: Equatable, Sendable {
  /// Maximum content light level, cd/m².
  public var maxCLL: Int
  /// Maximum frame-average light level, cd/m².
  public var maxFALL: Int

  public init(maxCLL: Int, maxFALL: Int) {
    self.maxCLL = maxCLL
    self.maxFALL = maxFALL
  }
}
