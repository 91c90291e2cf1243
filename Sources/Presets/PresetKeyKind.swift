import Parameters

/// The value type of a preset key, as the YAML file must spell it.
public enum PresetKeyKind: Equatable, Sendable {
  /// `true` / `false` (YAML 1.1 `yes`/`no`/`on`/`off` are accepted too).
  case bool
  /// A whole number.
  case int
  /// A number, integer or decimal (`1000`, `0.93`, `1e-3`).
  case float
  /// One of a fixed set of names (a registry or an enum's raw values).
  case choice([String])
  /// Free text such as a file name or path (plain or quoted).
  case text

  /// What an error says the value should be (`a number`, `true or false`, `one of pq, hlg, linear`).
  public var expected: String {
    switch self {
    case .bool: return "true or false"
    case .int: return "an integer"
    case .float: return "a number"
    case .choice: return name
    case .text: return "a string"
    }
  }

  /// Short name used in error messages and the README table (`number`, `one of pq, hlg, linear`).
  public var name: String {
    switch self {
    case .bool: return "bool"
    case .int: return "integer"
    case .float: return "number"
    case .choice(let names): return "one of " + names.joined(separator: ", ")
    case .text: return "string"
    }
  }

  /// The preset-file view of a parameter's kind.
  public init(_ kind: ParameterKind) {
    switch kind {
    case .bool: self = .bool
    case .int: self = .int
    case .float: self = .float
    case .choice(let names): self = .choice(names)
    case .text: self = .text
    }
  }
}
