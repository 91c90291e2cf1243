import Pipeline

/// Upgrades keys of older preset versions to the current one, one step per version.
///
/// Version 2 renamed keys whose names misled; values and output are unchanged:
/// - `highlights.diffusionIterations` → `highlights.jacobiSweepsPerLevel` (Jacobi sweeps of the PDE fill, not
///   diffusion-model steps)
/// - `window.lookAheadFrames` → `window.maxLookAheadFrames` (a cap on the stages' look-ahead, not a window)
/// - `fusion.guideRadius` → `fusion.guideRadiusPixels` (its unit)
///
/// Version 3 changed a default: `expansion.style` became `recover` (unclipped pixels keep their level); files of
/// version ≤ 2 meant the knee curve, so they read as `expansion.style: knee` unless they set the key. It also
/// merged the shadow-only denoiser into the whole-frame `denoise` stage: `shadows.enabled`, `radiusFrames` and
/// `strength` become the `denoise` keys of the same name (a version 2 file without `shadows:` had it on, so it
/// reads as `denoise.enabled: true`); `shadows.noiseSigmaLinear` (a fixed σ for motion rejection in the
/// shadows, where the new stage measures the noise) and `shadows.spatialRadiusPixels` have no counterpart and
/// are read and ignored.
public enum PresetMigration {
  /// Renames made by the step from version `n` to `n + 1`, keyed by `n`.
  public static let renames: [Int: [String: String]] = [
    1: [
      "highlights.diffusionIterations": "highlights.jacobiSweepsPerLevel",
      "window.lookAheadFrames": "window.maxLookAheadFrames",
      "fusion.guideRadius": "fusion.guideRadiusPixels",
    ],
    2: [
      "shadows.enabled": "denoise.enabled",
      "shadows.radiusFrames": "denoise.radiusFrames",
      "shadows.strength": "denoise.strength",
    ],
  ]

  /// Keys a file of version `n` could write that the step to `n + 1` removed without a counterpart; they are
  /// read and ignored. Keyed by `n`.
  public static let dropped: [Int: Set<String>] = [
    2: ["shadows.noiseSigmaLinear", "shadows.spatialRadiusPixels"]
  ]

  /// Whether `name` is a section a file of `version` could write that a later version removed (its keys are
  /// renamed or dropped).
  public static func isRemovedSection(_ name: String, from version: Int) -> Bool {
    (version..<PipelineParams.version).contains { step in
      let keys = (renames[step].map { Array($0.keys) } ?? []) + (dropped[step].map(Array.init) ?? [])
      return keys.contains { $0.hasPrefix(name + ".") }
    }
  }

  /// Whether `key` (as written in a file of `version`, after earlier steps' renames) is read and ignored.
  public static func isDropped(_ key: String, from version: Int) -> Bool {
    var key = key
    for step in version..<PipelineParams.version {
      if dropped[step]?.contains(key) == true { return true }
      key = renames[step]?[key] ?? key
    }
    return false
  }

  /// Values a file of version `n` implied by leaving a key out, which the step to `n + 1` changed the default
  /// of; applied before the file's own keys (current names), keyed by `n`.
  public static let impliedValues: [Int: [String: String]] = [
    2: ["expansion.style": "knee", "denoise.enabled": "true"]
  ]

  /// The implied values of a file of `version`, oldest step first (a later step's value wins).
  public static func implied(from version: Int) -> [(key: String, value: String)] {
    var merged: [String: String] = [:]
    var order: [String] = []
    for step in version..<PipelineParams.version {
      for (key, value) in (impliedValues[step] ?? [:]).sorted(by: { $0.key < $1.key }) {
        if merged[key] == nil { order.append(key) }
        merged[key] = value
      }
    }
    return order.map { ($0, merged[$0]!) }
  }

  /// The oldest version still read.
  public static let oldestVersion = 1

  /// Whether files of `version` can be read.
  public static func canRead(_ version: Int) -> Bool { (oldestVersion...PipelineParams.version).contains(version) }

  /// The current name of `key` as written in a file of `version`.
  public static func currentKey(_ key: String, from version: Int) -> String {
    var key = key
    for step in version..<PipelineParams.version { key = renames[step]?[key] ?? key }
    return key
  }

  /// The current name of a key that an older version called `key`, if it was renamed.
  public static func renamed(_ key: String) -> String? {
    let current = currentKey(key, from: oldestVersion)
    return current == key ? nil : current
  }
}
