/// What a parameter holds, with the range or the names it accepts.
public enum ParameterKind: Equatable, Sendable {
  case bool
  case int(ClosedRange<Int>)
  case float(ClosedRange<Float>)
  /// One of fixed names (a registry's names or an enum's raw values).
  case choice([String])
  /// Free text (a file name or path).
  case text

  /// Short type name for docs: `bool`, `int`, `float`, `choice`, `string`.
  public var typeName: String {
    switch self {
    case .bool: return "bool"
    case .int: return "int"
    case .float: return "float"
    case .choice: return "choice"
    case .text: return "string"
    }
  }

  /// The range as written in docs and errors (`0...16`, `0.5...1.0`), nil for non-numeric kinds.
  public var rangeText: String? {
    switch self {
    case .int(let r): return "\(r.lowerBound)...\(r.upperBound)"
    case .float(let r): return "\(r.lowerBound)...\(r.upperBound)"
    default: return nil
    }
  }
}

/// A parameter's value, type-erased for schemas and preset files.
public enum ParameterValue: Equatable, Sendable, CustomStringConvertible {
  case bool(Bool)
  case int(Int)
  case float(Float)
  case text(String)

  /// The value as a plain YAML scalar would spell it (`true`, `24`, `0.93`, `pq`).
  public var description: String {
    switch self {
    case .bool(let v): return v ? "true" : "false"
    case .int(let v): return String(v)
    case .float(let v): return "\(v)"
    case .text(let v): return v
    }
  }
}

/// One field of a `ParameterSet`, declared once: key, unit, kind (range or names), doc, and the field it is.
///
/// The default is the value the field has in `Root()`, so it is written only in the property declaration.
/// `validate()`, preset schemas, `--print-preset` and the generated docs all read these declarations.
/// `@unchecked Sendable`: every stored property is immutable and the closures capture only key paths.
public struct Parameter<Root>: @unchecked Sendable {
  /// Field name as written in presets (`overLowSignal`); dotted once lifted into a section (`masks.overLowSignal`).
  public let key: String
  /// Unit in words (`cd/m²`, `pixels`, `frames`, `linear, 1 = SDR white`); empty when unitless.
  public let unit: String
  /// Value type with its accepted range or names.
  public let kind: ParameterKind
  /// One line: what the field does (the range and default are derived, never written here).
  public let doc: String
  private let get: (Root) -> ParameterValue
  private let put: (inout Root, ParameterValue) -> Bool

  private init(
    key: String, unit: String, kind: ParameterKind, doc: String,
    get: @escaping (Root) -> ParameterValue, put: @escaping (inout Root, ParameterValue) -> Bool
  ) {
    self.key = key
    self.unit = unit
    self.kind = kind
    self.doc = doc
    self.get = get
    self.put = put
  }

  /// The field's value in `root`.
  public func value(in root: Root) -> ParameterValue { get(root) }

  /// Stores `value` (no range check: `check` does that); false when its type does not fit the field.
  @discardableResult
  public func set(_ value: ParameterValue, in root: inout Root) -> Bool { put(&root, value) }

  /// Throws a `ParameterError` keyed by `key` unless the value in `root` lies in the range or names.
  public func check(_ root: Root) throws {
    switch (kind, get(root)) {
    case (.int(let range), .int(let v)):
      try ParameterError.check(v, in: range, key: key)
    case (.float(let range), .float(let v)):
      try ParameterError.check(v, in: range, key: key)
    case (.choice(let names), .text(let v)):
      if !names.contains(v) {
        throw ParameterError(key: key, message: "must be one of \(names.joined(separator: ", ")), got '\(v)'")
      }
    default:
      return
    }
  }

  /// This field seen from an enclosing struct through `path`, its key prefixed (`masks` + `.` + key).
  public func lifted<Outer>(through path: WritableKeyPath<Outer, Root>, section: String) -> Parameter<Outer> {
    let get = self.get
    let put = self.put
    return Parameter<Outer>(
      key: section + "." + key, unit: unit, kind: kind, doc: doc,
      get: { get($0[keyPath: path]) },
      put: { outer, value in put(&outer[keyPath: path], value) })
  }

  // MARK: - Declarations

  /// A `Bool` field.
  public static func bool(_ key: String, _ path: WritableKeyPath<Root, Bool>, doc: String) -> Parameter {
    Parameter(
      key: key, unit: "", kind: .bool, doc: doc, get: { .bool($0[keyPath: path]) },
      put: { root, value in
        guard case .bool(let v) = value else { return false }
        root[keyPath: path] = v
        return true
      })
  }

  /// An `Int` field accepting `range`.
  public static func int(
    _ key: String, _ path: WritableKeyPath<Root, Int>, _ range: ClosedRange<Int>, unit: String = "", doc: String
  ) -> Parameter {
    Parameter(
      key: key, unit: unit, kind: .int(range), doc: doc, get: { .int($0[keyPath: path]) },
      put: { root, value in
        guard case .int(let v) = value else { return false }
        root[keyPath: path] = v
        return true
      })
  }

  /// A `Float` field accepting `range` (finite values only).
  public static func float(
    _ key: String, _ path: WritableKeyPath<Root, Float>, _ range: ClosedRange<Float>, unit: String = "", doc: String
  ) -> Parameter {
    Parameter(
      key: key, unit: unit, kind: .float(range), doc: doc, get: { .float($0[keyPath: path]) },
      put: { root, value in
        switch value {
        case .float(let v): root[keyPath: path] = v
        case .int(let v): root[keyPath: path] = Float(v)
        default: return false
        }
        return true
      })
  }

  /// A `String` field restricted to `names` (a registry's names).
  public static func choice(
    _ key: String, _ path: WritableKeyPath<Root, String>, names: [String], doc: String
  ) -> Parameter {
    Parameter(
      key: key, unit: "", kind: .choice(names), doc: doc, get: { .text($0[keyPath: path]) },
      put: { root, value in
        guard case .text(let v) = value else { return false }
        root[keyPath: path] = v
        return true
      })
  }

  /// An enum field spelled by its raw values.
  public static func choice<E: RawRepresentable & CaseIterable>(
    _ key: String, _ path: WritableKeyPath<Root, E>, doc: String
  ) -> Parameter where E.RawValue == String {
    Parameter(
      key: key, unit: "", kind: .choice(E.allCases.map(\.rawValue)), doc: doc,
      get: { .text($0[keyPath: path].rawValue) },
      put: { root, value in
        guard case .text(let v) = value, let e = E(rawValue: v) else { return false }
        root[keyPath: path] = e
        return true
      })
  }

  /// A free-text `String` field (a file name or path).
  public static func text(_ key: String, _ path: WritableKeyPath<Root, String>, doc: String) -> Parameter {
    Parameter(
      key: key, unit: "", kind: .text, doc: doc, get: { .text($0[keyPath: path]) },
      put: { root, value in
        guard case .text(let v) = value else { return false }
        root[keyPath: path] = v
        return true
      })
  }
}
