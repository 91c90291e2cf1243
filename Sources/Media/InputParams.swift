import Parameters

/// How the SDR input is interpreted when its tags are missing or should be overridden.
public struct InputParams: ParameterSet {
  public var transfer: String = "auto"

  public init() {}

  /// Names accepted by ``transfer``.
  public static let transferNames = ["auto", "srgb", "bt1886", "bt709"]

  public static let parameters: [Parameter<Self>] = [
    .choice(
      "transfer", \.transfer, names: transferNames,
      doc: "Transfer to assume: `auto` (the stream's tag; BT.709 with a BT.1886 display when untagged), "
        + "`srgb`, `bt1886`, `bt709`.")
  ]
}
