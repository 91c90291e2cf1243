/// What the linear side of a transfer curve means.
public enum LinearDomain: String, Sendable {
  /// Relative display or scene light, 1.0 = nominal white (SDR curves, Log-Gamma, linear).
  case relative
  /// Absolute display luminance in cd/m² (PQ).
  case nits
  /// Normalised scene light 0...1 (HLG's OETF domain).
  case scene
}

/// A named transfer curve: `encode` maps linear light to signal, `decode` is its inverse.
public struct TransferCurve: Sendable {
  /// Registry name used by presets and the CLI (`pq`, `hlg`, `srgb`, …).
  public let name: String
  /// One-line description with the standard it follows.
  public let summary: String
  /// Meaning of the linear side.
  public let domain: LinearDomain
  /// Linear → signal.
  public let encode: @Sendable (Double) -> Double
  /// Signal → linear.
  public let decode: @Sendable (Double) -> Double
  /// Whether this curve may be used for reexpose's output signal.
  public let isOutput: Bool
}

/// The one registry of named curves; presets and `--list-curves` read it.
public enum CurveRegistry {
  /// Every curve, in listing order.
  public static let all: [TransferCurve] = [
    TransferCurve(name: "pq", summary: "SMPTE ST 2084 perceptual quantizer (HDR10), cd/m²", domain: .nits,
                  encode: { PQ.encode(nits: $0) }, decode: { PQ.decode(signal: $0) }, isOutput: true),
    TransferCurve(name: "hlg", summary: "ITU-R BT.2100 hybrid log-gamma OETF, scene light 0–1", domain: .scene,
                  encode: { HLG.oetf($0) }, decode: { HLG.inverseOETF($0) }, isOutput: true),
    TransferCurve(name: "linear", summary: "scene-linear float, 1.0 = SDR reference white", domain: .relative,
                  encode: { $0 }, decode: { $0 }, isOutput: true),
    TransferCurve(name: "srgb", summary: "IEC 61966-2-1 sRGB piecewise EOTF", domain: .relative,
                  encode: { SRGB.inverseEOTF($0) }, decode: { SRGB.eotf($0) }, isOutput: false),
    TransferCurve(name: "bt1886", summary: "ITU-R BT.1886 reference EOTF (gamma 2.4, zero black)", domain: .relative,
                  encode: { BT1886.inverseEOTF($0) }, decode: { BT1886.eotf($0) }, isOutput: false),
    TransferCurve(name: "bt709", summary: "ITU-R BT.709 camera OETF", domain: .scene,
                  encode: { BT709.oetf($0) }, decode: { BT709.inverseOETF($0) }, isOutput: false),
    TransferCurve(name: "log-gamma", summary: "DiffHDR Log-Gamma (γ 2.2, M 65536), relative linear", domain: .relative,
                  encode: { LogGamma.encode($0) }, decode: { LogGamma.decode($0) }, isOutput: false),
  ]

  /// The curve called `name`, or nil.
  public static func named(_ name: String) -> TransferCurve? {
    all.first { $0.name == name }
  }

  /// Names of curves valid as output signals.
  public static var outputNames: [String] { all.filter(\.isOutput).map(\.name) }
}
