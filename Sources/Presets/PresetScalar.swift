import Yams

/// One YAML scalar as written: its text and whether it was plain (unquoted).
///
/// Numbers and bools must be plain: `peakNits: "1000"` is a string, as YAML says.
struct PresetScalar: Equatable {
  /// The scalar's text without quotes.
  var text: String
  /// Whether the scalar was unquoted (only plain scalars resolve to numbers and bools).
  var isPlain: Bool

  /// The scalar of a Yams node, or nil for mappings and sequences.
  init?(_ node: Node) {
    guard let scalar = node.scalar else { return nil }
    text = scalar.string
    isPlain = scalar.style == .plain || scalar.style == .any
  }

  init(text: String, isPlain: Bool = true) {
    self.text = text
    self.isPlain = isPlain
  }

  /// The text as the user wrote it, quoted if it was quoted (for `got '…'` messages).
  var written: String { isPlain ? text : "\"\(text)\"" }
}
