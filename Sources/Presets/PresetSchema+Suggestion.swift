/// "Did you mean" for unknown keys.
extension PresetSchema {
  /// The known dotted key nearest to `unknown`, if close enough to be a typo.
  ///
  /// Compares the whole dotted key and, separately, the field name alone, so both `output.peakNit` and
  /// `masks.peakNits` (right field, wrong section) and `peakNits` (no section) find `output.peakNits`.
  /// A bare unknown section name (`ouput`) is matched against section names.
  public static func suggestion(for unknown: String) -> String? {
    if let current = PresetMigration.renamed(unknown) { return current }
    let lowered = unknown.lowercased()
    if !unknown.contains(".") {
      if let section = EditDistance.nearest(unknown, in: sections + topLevelKeys) { return section }
    }
    let field = String(lowered.split(separator: ".").last ?? Substring(lowered))
    let sectionPenalty = lowered.contains(".") ? 1 : 0
    let scored = keys.map { key in
      let whole = EditDistance.between(lowered, key.path.lowercased())
      let byField = EditDistance.between(field, key.field.lowercased()) + sectionPenalty
      return (key: key.path, distance: min(whole, byField))
    }
    guard let best = scored.min(by: { $0.distance < $1.distance }),
      EditDistance.isClose(best.distance, for: field)
    else { return nil }
    return best.key
  }
}
