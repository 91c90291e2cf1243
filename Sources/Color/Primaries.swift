/// Colour primaries and white point, with their RGB → XYZ matrices and luma weights.
public enum Primaries: String, CaseIterable, Sendable {
  /// ITU-R BT.709 / sRGB, D65.
  case bt709
  /// ITU-R BT.2020 / BT.2100, D65.
  case bt2020
  /// SMPTE EG 432-1 Display P3, D65 (HDR10 mastering displays).
  case p3d65 = "p3-d65"

  /// CIE 1931 xy chromaticities: red, green, blue, white.
  public var chromaticities: (r: (Double, Double), g: (Double, Double), b: (Double, Double), w: (Double, Double)) {
    let d65 = (0.3127, 0.3290)
    switch self {
    case .bt709: return ((0.640, 0.330), (0.300, 0.600), (0.150, 0.060), d65)  // BT.709 table 1
    case .bt2020: return ((0.708, 0.292), (0.170, 0.797), (0.131, 0.046), d65)  // BT.2020 table 3
    case .p3d65: return ((0.680, 0.320), (0.265, 0.690), (0.150, 0.060), d65)  // SMPTE EG 432-1
    }
  }

  /// Luma coefficients (Kr, Kg, Kb) as the standards round them (BT.709 item 3.2, BT.2020 table 4).
  public var lumaWeights: (Double, Double, Double) {
    switch self {
    case .bt709: return (0.2126, 0.7152, 0.0722)
    case .bt2020: return (0.2627, 0.6780, 0.0593)
    case .p3d65: return (0.2290, 0.6917, 0.0793)
    }
  }

  /// Linear RGB → CIE XYZ (Y = 1 for white), derived from the chromaticities (SMPTE RP 177).
  public var toXYZ: Matrix3 {
    let c = chromaticities
    func xyz(_ p: (Double, Double)) -> (Double, Double, Double) { (p.0 / p.1, 1, (1 - p.0 - p.1) / p.1) }
    let r = xyz(c.r), g = xyz(c.g), b = xyz(c.b), w = xyz(c.w)
    let p = Matrix3([[r.0, g.0, b.0], [r.1, g.1, b.1], [r.2, g.2, b.2]])
    let s = p.inverse.apply(w)
    return Matrix3([
      [r.0 * s.0, g.0 * s.1, b.0 * s.2], [r.1 * s.0, g.1 * s.1, b.1 * s.2], [r.2 * s.0, g.2 * s.1, b.2 * s.2],
    ])
  }

  /// Linear RGB in `source` primaries → linear RGB in `destination` primaries (same white, no adaptation).
  public static func conversion(from source: Primaries, to destination: Primaries) -> Matrix3 {
    if source == destination { return .identity }
    return destination.toXYZ.inverse * source.toXYZ
  }
}
