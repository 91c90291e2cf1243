/// Levenshtein distance and nearest-name lookup, for "did you mean" suggestions.
enum EditDistance {
  /// Number of single-character insertions, deletions and substitutions turning `a` into `b`.
  static func between(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }

  /// Whether `distance` is small enough for `word` to count as a typo: at most a third of its length, ≥ 2.
  static func isClose(_ distance: Int, for word: String) -> Bool {
    distance <= max(2, word.count / 3)
  }

  /// The name in `names` nearest to `word` (case-insensitive), if it is close enough to be a typo.
  static func nearest(_ word: String, in names: [String]) -> String? {
    let lowered = word.lowercased()
    let best = names.map { (name: $0, distance: between(lowered, $0.lowercased())) }
      .min { $0.distance < $1.distance }
    guard let best, isClose(best.distance, for: word) else { return nil }
    return best.name
  }
}
