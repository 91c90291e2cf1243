import Imaging

/// Parameters of inverse tone mapping (highlight expansion), see ``InverseToneMap``.
public struct ExpansionParams: Equatable, Sendable {
  /// Whether highlights are expanded at all; false keeps SDR white at reference white (BT.2408). Default true.
  public var enabled: Bool = true
  /// Relative linear luminance (1 = SDR white) where expansion starts; below it output = input.
  /// Range 0.05...0.95, default 0.5.
  public var kneeLinear: Float = 0.5
  /// Exponent of the power segment above the knee; larger keeps mid-highlights lower. Range 1...8, default 2.5.
  public var exponent: Float = 2.5
  /// How far over-exposure masks push a pixel toward SDR white before the curve (1 = fully clipped pixels
  /// reach the peak). Range 0...1, default 1.
  public var maskDrive: Float = 1

  public init() {}

  /// Checks every field against its documented range.
  public func validate() throws {
    try ParameterError.check(kneeLinear, in: 0.05...0.95, key: "kneeLinear")
    try ParameterError.check(exponent, in: 1...8, key: "exponent")
    try ParameterError.check(maskDrive, in: 0...1, key: "maskDrive")
  }
}
