/// A stage parameter outside its documented range, named by its dotted preset key.
///
/// Every `Params` struct validates itself in one place (`validate()`), throwing this error; the preset
/// loader maps `key` back to the YAML node to report `file:line:column`.
public struct ParameterError: Error, Equatable, CustomStringConvertible {
  /// Dotted key as written in a preset, e.g. `expansion.peakNits`.
  public var key: String
  /// What is wrong, e.g. `must be in 100...10000, got 50`.
  public var message: String

  public init(key: String, message: String) {
    self.key = key
    self.message = message
  }

  public var description: String { "\(key): \(message)" }

  /// Throws unless `value` lies in `range`.
  public static func check<T: Comparable>(_ value: T, in range: ClosedRange<T>, key: String) throws {
    if !(range.contains(value)) {
      throw ParameterError(key: key, message: "must be in \(range.lowerBound)...\(range.upperBound), got \(value)")
    }
  }

  /// Throws unless `value` is finite and lies in `range`.
  public static func check(_ value: Float, in range: ClosedRange<Float>, key: String) throws {
    if !value.isFinite || !range.contains(value) {
      throw ParameterError(key: key, message: "must be in \(range.lowerBound)...\(range.upperBound), got \(value)")
    }
  }

  /// Prefixes the key with a section name (`masks` + `overLowSignal` → `masks.overLowSignal`).
  public func prefixed(_ section: String) -> ParameterError {
    ParameterError(key: section + "." + key, message: message)
  }
}
