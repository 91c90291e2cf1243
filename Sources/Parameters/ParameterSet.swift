/// A struct of knobs whose fields are declared once in `parameters`; `validate()` is derived from them.
///
/// Conformers give each stored property a default in its declaration and one `Parameter` entry (key, unit,
/// range or names, doc). Checks that involve two fields go in `checkRelations()`.
public protocol ParameterSet: Equatable, Sendable {
  /// Every field at its default.
  init()
  /// One declaration per stored property, in declaration order.
  static var parameters: [Parameter<Self>] { get }
  /// Checks between fields that a range cannot express; runs after every field passed its own check.
  func checkRelations() throws
}

extension ParameterSet {
  public func checkRelations() throws {}

  /// Checks every field against its declared range or names, then the relations between fields.
  /// - Throws: `ParameterError` keyed by the field (`overHighSignal`).
  public func validate() throws {
    for parameter in Self.parameters { try parameter.check(self) }
    try checkRelations()
  }

  /// Whether `other` is a `Self` equal to this one; nil stands for the defaults, `Self()`.
  public func isEqual(to other: (any ParameterSet)?) -> Bool {
    guard let other else { return self == Self() }
    return (other as? Self) == self
  }

  /// The declaration called `key`, or nil.
  public static func parameter(_ key: String) -> Parameter<Self>? { parameters.first { $0.key == key } }
}
