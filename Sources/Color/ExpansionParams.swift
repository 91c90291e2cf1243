import Parameters

/// Parameters of inverse tone mapping (highlight expansion), see ``InverseToneMap``.
public struct ExpansionParams: ParameterSet {
  public var enabled: Bool = true
  public var kneeLinear: Float = 0.5
  public var exponent: Float = 2.5
  public var maskDrive: Float = 1

  public init() {}

  public static let parameters: [Parameter<Self>] = [
    .bool(
      "enabled", \.enabled,
      doc: "Whether highlights are expanded at all; false keeps SDR white at reference white (BT.2408)."),
    .float(
      "kneeLinear", \.kneeLinear, 0.05...0.95, unit: "relative linear luminance, 1 = SDR white",
      doc: "Where expansion starts; below it output = input."),
    .float(
      "exponent", \.exponent, 1...8,
      doc: "Exponent of the power segment above the knee; larger keeps mid-highlights lower."),
    .float(
      "maskDrive", \.maskDrive, 0...1,
      doc: "How far over-exposure masks push a pixel toward SDR white before the curve (1 = fully clipped "
        + "pixels reach the peak)."),
  ]
}
