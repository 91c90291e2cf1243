import Foundation

/// Writes YAML text to a fresh temporary file, for tests that check `file:line:column`.
enum TemporaryPreset {
  /// A new file `<tmp>/reexpose-presets-<uuid>/<name>.yaml` holding `text`; returns its path.
  static func write(_ text: String, name: String = "test") throws -> String {
    let dir = FileManager.default.temporaryDirectory
      .appendingPathComponent("reexpose-presets-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let url = dir.appendingPathComponent(name + ".yaml")
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
  }
}
