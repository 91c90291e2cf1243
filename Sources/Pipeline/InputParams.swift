import Color
import Imaging

/// How the SDR input is interpreted when its tags are missing or should be overridden.
public struct InputParams: Equatable, Sendable {
  /// Transfer to assume: `auto` (use the stream's tag, BT.709/BT.1886 display when untagged), `srgb`,
  /// `bt1886`, `bt709`. Default `auto`.
  public var transfer: String = "auto"

  public init() {}

  /// Names accepted by ``transfer``.
  public static let transferNames = ["auto", "srgb", "bt1886", "bt709"]

  /// Checks every field against its documented range.
  public func validate() throws {
    if !Self.transferNames.contains(transfer) {
      throw ParameterError(
        key: "transfer", message: "unknown input transfer '\(transfer)', expected one of \(Self.transferNames.joined(separator: ", "))")
    }
  }
}
