/// SMPTE ST 2086 mastering display colour volume, in plain units.
public struct MasteringDisplay: Equatable, Sendable {
  /// CIE 1931 xy of the red, green and blue primaries and the white point.
  public var red: (x: Double, y: Double)
  public var green: (x: Double, y: Double)
  public var blue: (x: Double, y: Double)
  public var white: (x: Double, y: Double)
  /// Maximum and minimum display luminance, cd/m².
  public var maxNits: Double
  public var minNits: Double

  public init(
    red: (x: Double, y: Double), green: (x: Double, y: Double), blue: (x: Double, y: Double),
    white: (x: Double, y: Double), maxNits: Double, minNits: Double
  ) {
    self.red = red
    self.green = green
    self.blue = blue
    self.white = white
    self.maxNits = maxNits
    self.minNits = minNits
  }

  public static func == (a: MasteringDisplay, b: MasteringDisplay) -> Bool {
    a.red == b.red && a.green == b.green && a.blue == b.blue && a.white == b.white
      && a.maxNits == b.maxNits && a.minNits == b.minNits
  }
}
