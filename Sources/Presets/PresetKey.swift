import Pipeline

/// One row of the preset schema: a dotted key, the `PipelineParams` field it writes, its type and doc.
///
/// Built only through the typed factories (`bool`, `int`, `float`, `choice`), so the key path and the
/// parser always agree on the field's Swift type.
/// `@unchecked Sendable`: every stored property is immutable, and the closures capture only a key path.
public struct PresetKey: @unchecked Sendable {
  /// Dotted key as written in a preset (`output.peakNits`).
  public let path: String
  /// Value type and, for choices, the allowed names.
  public let kind: PresetKeyKind
  /// One-line doc copied from the field's doc comment: meaning, unit, range, default.
  public let summary: String
  /// Range `validate()` enforces, for numeric keys (documentation; `validate()` stays the authority).
  public let range: ClosedRange<Double>?
  /// The field this key writes.
  public let keyPath: PartialKeyPath<PipelineParams>
  private let read: (PipelineParams) -> String
  private let write: (inout PipelineParams, PresetScalar) throws -> Void

  /// Section name, the part before the dot (`output`).
  public var section: String { String(path.prefix { $0 != "." }) }
  /// Field name, the part after the dot (`peakNits`).
  public var field: String { String(path.drop { $0 != "." }.dropFirst()) }

  /// The field's current value in `params`, spelled as a plain YAML scalar.
  public func value(in params: PipelineParams) -> String { read(params) }

  /// Parses `text` as a plain YAML scalar of this key's type and stores it in `params`.
  ///
  /// Does not range-check: `PipelineParams.validate()` does that in one place.
  /// - Throws: `PresetError.wrongType` located at `location`.
  public func set(_ text: String, in params: inout PipelineParams, at location: PresetLocation) throws {
    try set(PresetScalar(text: text), in: &params, at: location)
  }

  func set(_ scalar: PresetScalar, in params: inout PipelineParams, at location: PresetLocation) throws {
    do {
      try write(&params, scalar)
    } catch let mismatch as ScalarMismatch {
      throw PresetError.wrongType(
        location, key: path, expected: mismatch.expected, got: "'\(scalar.written)'", suggestion: mismatch.suggestion)
    }
  }

  private init(
    path: String, kind: PresetKeyKind, summary: String, range: ClosedRange<Double>?,
    keyPath: PartialKeyPath<PipelineParams>, read: @escaping (PipelineParams) -> String,
    write: @escaping (inout PipelineParams, PresetScalar) throws -> Void
  ) {
    self.path = path
    self.kind = kind
    self.summary = summary
    self.range = range
    self.keyPath = keyPath
    self.read = read
    self.write = write
  }

  // MARK: - Factories

  /// A `Bool` field.
  static func bool(_ path: String, _ keyPath: WritableKeyPath<PipelineParams, Bool>, _ summary: String) -> PresetKey {
    PresetKey(
      path: path, kind: .bool, summary: summary, range: nil, keyPath: keyPath,
      read: { $0[keyPath: keyPath] ? "true" : "false" },
      write: { params, scalar in
        guard scalar.isPlain, let value = Self.parseBool(scalar.text) else {
          throw ScalarMismatch(expected: PresetKeyKind.bool.expected)
        }
        params[keyPath: keyPath] = value
      })
  }

  /// An `Int` field with the range its `validate()` enforces.
  static func int(
    _ path: String, _ keyPath: WritableKeyPath<PipelineParams, Int>, _ range: ClosedRange<Int>, _ summary: String
  ) -> PresetKey {
    PresetKey(
      path: path, kind: .int, summary: summary, range: Double(range.lowerBound)...Double(range.upperBound),
      keyPath: keyPath,
      read: { String($0[keyPath: keyPath]) },
      write: { params, scalar in
        guard scalar.isPlain, let value = Int(scalar.text.replacingOccurrences(of: "_", with: "")) else {
          throw ScalarMismatch(expected: PresetKeyKind.int.expected)
        }
        params[keyPath: keyPath] = value
      })
  }

  /// A `Float` field with the range its `validate()` enforces.
  static func float(
    _ path: String, _ keyPath: WritableKeyPath<PipelineParams, Float>, _ range: ClosedRange<Float>,
    _ summary: String
  ) -> PresetKey {
    PresetKey(
      path: path, kind: .float, summary: summary, range: Double(range.lowerBound)...Double(range.upperBound),
      keyPath: keyPath,
      read: { "\($0[keyPath: keyPath])" },
      write: { params, scalar in
        guard scalar.isPlain, let value = Self.parseFloat(scalar.text) else {
          throw ScalarMismatch(expected: PresetKeyKind.float.expected)
        }
        params[keyPath: keyPath] = value
      })
  }

  /// A `String` field restricted to registry names (`output.transfer` → `CurveRegistry.outputNames`).
  static func choice(
    _ path: String, _ keyPath: WritableKeyPath<PipelineParams, String>, names: [String], _ summary: String
  ) -> PresetKey {
    PresetKey(
      path: path, kind: .choice(names), summary: summary, range: nil, keyPath: keyPath,
      read: { $0[keyPath: keyPath] },
      write: { params, scalar in
        guard names.contains(scalar.text) else {
          throw ScalarMismatch(expected: PresetKeyKind.choice(names).name, suggestion: EditDistance.nearest(scalar.text, in: names))
        }
        params[keyPath: keyPath] = scalar.text
      })
  }

  /// A free-text `String` field (a file name or path); written back double-quoted so any text round-trips.
  static func text(
    _ path: String, _ keyPath: WritableKeyPath<PipelineParams, String>, _ summary: String
  ) -> PresetKey {
    PresetKey(
      path: path, kind: .text, summary: summary, range: nil, keyPath: keyPath,
      read: { PresetLoader.quoted($0[keyPath: keyPath]) },
      write: { params, scalar in params[keyPath: keyPath] = scalar.text })
  }

  /// An enum field spelled by its raw values (`output.primaries`, `output.pixelFormat`).
  static func choice<E: RawRepresentable & CaseIterable>(
    _ path: String, _ keyPath: WritableKeyPath<PipelineParams, E>, _ summary: String
  ) -> PresetKey where E.RawValue == String {
    let names = E.allCases.map(\.rawValue)
    return PresetKey(
      path: path, kind: .choice(names), summary: summary, range: nil, keyPath: keyPath,
      read: { $0[keyPath: keyPath].rawValue },
      write: { params, scalar in
        guard let value = E(rawValue: scalar.text) else {
          throw ScalarMismatch(expected: PresetKeyKind.choice(names).name, suggestion: EditDistance.nearest(scalar.text, in: names))
        }
        params[keyPath: keyPath] = value
      })
  }

  // MARK: - Scalar parsing

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
