/// A scalar that does not parse as its key's type; the loader adds the key and location.
struct ScalarMismatch: Error, Equatable {
  /// What the key needs, e.g. `a number`, `one of pq, hlg, linear`.
  var expected: String
  /// The nearest allowed name, for choices.
  var suggestion: String?
}
