import CShim
import Foundation

/// Finds learned-stage weights files by name along a search path.
///
/// Search order (first match wins; a directory that does not exist is skipped):
/// 1. `$REEXPOSE_MODEL_DIR`
/// 2. `<dir>/../share/reexpose/models` for the directory of the running executable and of the binary
///    holding this code (`libreexpose.so` for C hosts) — the installed layout `PREFIX/{bin,lib}`
/// 3. the repository's `Models/`, located at compile time through `#filePath` (dev builds and tests)
/// A name containing `/` is a path and is used as it is.
public struct ModelLocator: Sendable {
  /// Environment variable naming an extra model directory searched first.
  public static let environmentVariable = "REEXPOSE_MODEL_DIR"

  /// Directories searched, in order.
  public var directories: [String]
  /// `$REEXPOSE_MODEL_DIR` when set and not empty (an empty value counts as unset): it must be a
  /// directory, so a mistyped value is an error naming it rather than a silent fall-back to the others.
  public var environmentDirectory: String?

  /// A locator over exactly `directories`.
  public init(directories: [String]) { self.directories = directories }

  /// The default locator: `$REEXPOSE_MODEL_DIR`, the installed share directory, the repository's `Models/`.
  public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
    var directories: [String] = []
    if let dir = environment[Self.environmentVariable], !dir.isEmpty {
      directories.append(dir)
      environmentDirectory = dir
    }
    directories += Self.installedDirectories("models")
    directories.append(Self.repositoryModelsDirectory)
    self.directories = directories
  }

  /// `Models/` at the repository root, from this source file's compile-time path.
  public static let repositoryModelsDirectory: String = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // Sources/Pipeline
    .deletingLastPathComponent()  // Sources
    .deletingLastPathComponent()  // repository root
    .appendingPathComponent("Models").path

  /// The file for `nameOrPath`: the path itself when it contains `/`, else `<dir>/<name>` in the first
  /// directory that has it.
  /// - Throws: ``PipelineError/modelUnavailable(file:reason:)`` naming the file and where it was looked for.
  public func locate(_ nameOrPath: String) throws -> String {
    let fm = FileManager.default
    // Only regular files: a FIFO would block open().
    func usable(_ path: String) throws -> Bool {
      var isDirectory: ObjCBool = false
      guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else { return false }
      let type = (try? fm.attributesOfItem(atPath: path)[.type] as? FileAttributeType) ?? nil
      if isDirectory.boolValue || type != .typeRegular {
        throw PipelineError.modelUnavailable(file: path, reason: "not a regular file")
      }
      return true
    }
    if nameOrPath.contains("/") {
      if try usable(nameOrPath) { return nameOrPath }
      throw PipelineError.modelUnavailable(file: nameOrPath, reason: "no such file")
    }
    if let dir = environmentDirectory {
      var isDirectory: ObjCBool = false
      if !fm.fileExists(atPath: dir, isDirectory: &isDirectory) || !isDirectory.boolValue {
        throw PipelineError.modelUnavailable(
          file: nameOrPath, reason: "\(Self.environmentVariable)=\(dir) is not a directory")
      }
    }
    for dir in directories {
      let candidate = (dir as NSString).appendingPathComponent(nameOrPath)
      if try usable(candidate) { return candidate }
    }
    throw PipelineError.modelUnavailable(
      file: nameOrPath, reason: "not found in \(directories.joined(separator: ", ")) (set \(Self.environmentVariable))")
  }

  /// `<dir>/../share/reexpose/<name>` for the running executable's directory and, when different, the
  /// directory of the binary holding this code (`libreexpose.so` in a C host): the installed layout
  /// `PREFIX/{bin,lib}` → `PREFIX/share/reexpose/<name>`. Shared by the preset catalog.
  public static func installedDirectories(_ name: String) -> [String] {
    var out: [String] = []
    for dir in [executableDirectory(), imageDirectory()].compactMap({ $0 }) {
      let candidate = URL(fileURLWithPath: dir).appendingPathComponent("../share/reexpose/\(name)").standardized.path
      if !out.contains(candidate) { out.append(candidate) }
    }
    return out
  }

  /// Directory of the binary this code is linked into (the shared library for C hosts), via `dladdr`.
  static func imageDirectory() -> String? {
    var buf = [CChar](repeating: 0, count: 4096)
    guard rx_image_path(#dsohandle, &buf, buf.count) == 0 else { return nil }
    return URL(fileURLWithPath: String(cString: buf)).deletingLastPathComponent().path
  }

  /// Directory of the running executable (`/proc/self/exe`, else `CommandLine.arguments[0]`).
  static func executableDirectory() -> String? {
    let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
      ?? Bundle.main.executablePath ?? CommandLine.arguments.first
    guard let exe, !exe.isEmpty else { return nil }
    return URL(fileURLWithPath: exe).deletingLastPathComponent().path
  }
}
