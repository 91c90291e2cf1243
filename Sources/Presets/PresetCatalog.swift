import Foundation
import Pipeline

/// Finds preset files by name or path along a search path, and lists them.
///
/// Default search order (first match wins; a directory that does not exist is skipped):
/// 1. `$REEXPOSE_PRESET_DIR`
/// 2. `<dir>/../share/reexpose/presets` for the running executable's directory and the directory of the binary
///    holding this code (`libreexpose.so` in a C host): the installed layout
/// 3. the repository's `Presets/`, located at compile time through `#filePath` (dev builds and tests)
public struct PresetCatalog: Sendable {
  /// Environment variable naming an extra preset directory searched first.
  public static let environmentVariable = "REEXPOSE_PRESET_DIR"
  /// File extensions tried after a bare name, in order.
  public static let extensions = ["yaml", "yml"]

  /// Directories searched, in order.
  public var directories: [String]

  /// A catalog over exactly `directories`.
  public init(directories: [String]) {
    self.directories = directories
  }

  /// The default catalog: `$REEXPOSE_PRESET_DIR`, the installed share directory, the repository's `Presets/`.
  public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
    var directories: [String] = []
    if let dir = environment[Self.environmentVariable], !dir.isEmpty { directories.append(dir) }
    directories += ModelLocator.installedDirectories("presets")
    directories.append(Self.repositoryPresetsDirectory)
    self.directories = directories
  }

  /// `Presets/` at the repository root, from this source file's compile-time path.
  public static let repositoryPresetsDirectory: String = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // Sources/Presets
    .deletingLastPathComponent()  // Sources
    .deletingLastPathComponent()  // repository root
    .appendingPathComponent("Presets").path

  /// The file for `nameOrPath`: an existing path if it contains `/` or ends in `.yaml`/`.yml`, else
  /// `<dir>/<name>.yaml` in the first directory that has it.
  /// - Throws: ``PresetError/notFound(name:searched:available:)``, or `unreadable` for a missing path.
  public func locate(_ nameOrPath: String) throws -> String {
    let fm = FileManager.default
    let looksLikePath = nameOrPath.contains("/") || Self.extensions.contains { nameOrPath.hasSuffix("." + $0) }
    if looksLikePath {
      if fm.fileExists(atPath: nameOrPath) { return nameOrPath }
      throw PresetError.unreadable(.file(nameOrPath), reason: "no such file")
    }
    for dir in directories {
      for ext in Self.extensions {
        let candidate = (dir as NSString).appendingPathComponent(nameOrPath + "." + ext)
        if fm.fileExists(atPath: candidate) { return candidate }
      }
    }
    throw PresetError.notFound(name: nameOrPath, searched: directories, available: names())
  }

  /// Locates, loads and validates a preset by name or path.
  /// - Throws: ``PresetError``.
  public func load(_ nameOrPath: String) throws -> Preset {
    try PresetLoader.load(path: locate(nameOrPath))
  }

  /// Every preset reachable by name, sorted by name; a name found in several directories is listed once,
  /// from the first (the one `load` would use). A broken file is listed with its error as description.
  public func list() -> [PresetEntry] {
    var seen: [String: PresetEntry] = [:]
    for dir in directories {
      for file in Self.presetFiles(in: dir) {
        let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        if seen[name] != nil { continue }
        do {
          let preset = try PresetLoader.load(path: file)
          seen[name] = PresetEntry(name: name, description: preset.description, path: file)
        } catch {
          seen[name] = PresetEntry(name: name, description: "\(error)", path: file, isValid: false)
        }
      }
    }
    return seen.values.sorted { $0.name < $1.name }
  }

  /// Names reachable by `load`, sorted, without loading the files.
  public func names() -> [String] {
    let all = directories.flatMap(Self.presetFiles(in:)).map {
      URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent
    }
    return Array(Set(all)).sorted()
  }

  /// `*.yaml` / `*.yml` files directly in `dir`, sorted; none if `dir` does not exist.
  static func presetFiles(in dir: String) -> [String] {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
    return files.filter { file in extensions.contains { file.hasSuffix("." + $0) } }.sorted()
      .map { (dir as NSString).appendingPathComponent($0) }
  }
}
