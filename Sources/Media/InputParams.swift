import Parameters

/// How the SDR input is interpreted when its tags are missing or should be overridden.
public struct InputParams: ParameterSet {
  /// What happens to interlaced input (a field order tag other than progressive).
  public enum Deinterlace: String, CaseIterable, Sendable {
    /// libavfilter's bwdif, one frame per frame: frame count and rate kept.
    case frame
    /// bwdif, one frame per field: twice the frames at twice the rate (smoothest motion).
    case field
    /// Kept interlaced: each frame split into its two fields, processed as a field-rate stream, woven back
    /// in the same field order (broadcast delivery that must stay interlaced).
    case fields
    /// Frames processed whole, field order written back (the temporal stages see both fields at once).
    case off
  }

  public var transfer: String = "auto"
  public var deinterlace: Deinterlace = .frame

  public init() {}

  /// Names accepted by ``transfer``.
  public static let transferNames = ["auto", "srgb", "bt1886", "bt709"]

  public static let parameters: [Parameter<Self>] = [
    .choice(
      "transfer", \.transfer, names: transferNames,
      doc: "Transfer to assume: `auto` (the stream's tag; BT.709 with a BT.1886 display when untagged), "
        + "`srgb`, `bt1886`, `bt709`."),
    .choice(
      "deinterlace", \.deinterlace,
      doc: "Interlaced input (by its field-order tag), in the CLI: `frame` (bwdif, frame rate kept), `field` (bwdif, "
        + "field rate: twice the frames), `fields` (kept interlaced: fields processed separately and woven back), "
        + "`off` (whole frames, field order written back, with a warning)."),
  ]
}
