import Parameters
import Pipeline

/// One row of the preset schema: a dotted key and the `PipelineParams` field it reads and writes, as the
/// field's own `Parameter` declaration says (type, unit, range or names, doc).
public struct PresetKey: Sendable {
  /// The field's declaration, seen from `PipelineParams`.
  public let parameter: Parameter<PipelineParams>

  /// Dotted key as written in a preset (`output.peakNits`).
  public var path: String { parameter.key }
  /// Value type and, for choices, the allowed names.
  public var kind: PresetKeyKind { PresetKeyKind(parameter.kind) }
  /// Numeric range the field accepts, nil for other kinds.
  public var range: ClosedRange<Double>? {
    switch parameter.kind {
    case .int(let r): return Double(r.lowerBound)...Double(r.upperBound)
    case .float(let r): return Double(r.lowerBound)...Double(r.upperBound)
    default: return nil
    }
  }
  /// The field's doc and unit (the README table's meaning column).
  public var meaning: String { parameter.doc + (parameter.unit.isEmpty ? "" : " Unit: \(parameter.unit).") }
  /// One line for preset comments: meaning, range and default.
  public var summary: String {
    let range = parameter.kind.rangeText.map { " Range \($0)." } ?? ""
    return meaning + range + " Default \(value(in: PipelineParams()))."
  }

  /// Section name, the part before the dot (`output`).
  public var section: String { String(path.prefix { $0 != "." }) }
  /// Field name, the part after the dot (`peakNits`).
  public var field: String { String(path.drop { $0 != "." }.dropFirst()) }

  public init(_ parameter: Parameter<PipelineParams>) { self.parameter = parameter }

  /// The field's current value in `params`, spelled as a YAML scalar (free text double-quoted).
  public func value(in params: PipelineParams) -> String {
    let value = parameter.value(in: params)
    if case .text = parameter.kind, case .text(let text) = value { return PresetLoader.quoted(text) }
    return value.description
  }

  /// Parses `text` as a plain YAML scalar of this key's type and stores it in `params`.
  ///
  /// Does not range-check: `PipelineParams.validate()` does that in one place.
  /// - Throws: `PresetError.wrongType` located at `location`.
  public func set(_ text: String, in params: inout PipelineParams, at location: PresetLocation) throws {
    try set(PresetScalar(text: text), in: &params, at: location)
  }

  func set(_ scalar: PresetScalar, in params: inout PipelineParams, at location: PresetLocation) throws {
    do {
      parameter.set(try Self.parse(scalar, as: parameter.kind), in: &params)
    } catch let mismatch as ScalarMismatch {
      throw PresetError.wrongType(
        location, key: path, expected: mismatch.expected, got: "'\(scalar.written)'", suggestion: mismatch.suggestion)
    }
  }

  // MARK: - Scalar parsing

  /// The scalar as a value of `kind`; throws `ScalarMismatch` when it is not one.
  static func parse(_ scalar: PresetScalar, as kind: ParameterKind) throws -> ParameterValue {
    let expected = PresetKeyKind(kind)
    switch kind {
    case .bool:
      guard scalar.isPlain, let v = parseBool(scalar.text) else { throw ScalarMismatch(expected: expected.expected) }
      return .bool(v)
    case .int:
      guard scalar.isPlain, let v = Int(scalar.text.replacingOccurrences(of: "_", with: "")) else {
        throw ScalarMismatch(expected: expected.expected)
      }
      return .int(v)
    case .float:
      guard scalar.isPlain, let v = parseFloat(scalar.text) else { throw ScalarMismatch(expected: expected.expected) }
      return .float(v)
    case .choice(let names):
      guard names.contains(scalar.text) else {
        throw ScalarMismatch(expected: expected.name, suggestion: EditDistance.nearest(scalar.text, in: names))
      }
      return .text(scalar.text)
    case .text:
      return .text(scalar.text)
    }
  }

  /// YAML 1.1 booleans, as Yams resolves them.
  static func parseBool(_ text: String) -> Bool? {
    switch text.lowercased() {
    case "true", "yes", "on": return true
    case "false", "no", "off": return false
    default: return nil
    }
  }

  /// Decimal numbers with optional `_` separators, and YAML's `.inf` / `.nan` spellings.
  static func parseFloat(_ text: String) -> Float? {
    switch text {
    case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
    case "-.inf", "-.Inf", "-.INF": return -.infinity
    case ".nan", ".NaN", ".NAN": return .nan
    default:
      let digits = text.replacingOccurrences(of: "_", with: "")
      guard digits.first.map({ $0.isNumber || $0 == "-" || $0 == "+" || $0 == "." }) == true,
        !digits.lowercased().contains("x")
      else { return nil }
      return Float(digits)
    }
  }
}
