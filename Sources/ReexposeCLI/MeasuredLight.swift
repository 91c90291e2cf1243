import Foundation

/// Reads the measured MaxCLL/MaxFALL from a `--stats` JSON file of an earlier run (`--measure`), as the
/// `--set` overrides that declare them: the two-pass way to HDR10 light levels that are true.
enum MeasuredLight {
  enum Failure: Error, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case malformed(path: String, reason: String)

    var description: String {
      switch self {
      case let .unreadable(path, reason): return "cannot read measured light levels from '\(path)': \(reason)"
      case let .malformed(path, reason): return "'\(path)' is not a --stats file of a measuring run: \(reason)"
      }
    }
  }

  /// `output.maxCLLNits=…` and `output.maxFALLNits=…`, rounded up to whole cd/m² (a declared level must not
  /// be below what the content reaches) and at least 1 (0 would mean "derive").
  static func overrides(fromStats path: String) throws -> [String] {
    guard FileManager.default.fileExists(atPath: path), let data = FileManager.default.contents(atPath: path) else {
      throw Failure.unreadable(path: path, reason: "no such file, or not readable")
    }
    guard let object = try? JSONSerialization.jsonObject(with: data), let stats = object as? [String: Any] else {
      throw Failure.malformed(path: path, reason: "not a JSON object")
    }
    func level(_ key: String) throws -> Int {
      guard let v = (stats[key] as? NSNumber)?.doubleValue, v.isFinite, v >= 0, v <= 10000 else {
        throw Failure.malformed(path: path, reason: "no \(key) between 0 and 10000")
      }
      return max(1, Int(v.rounded(.up)))
    }
    let cll = try level("maxCLL")
    let fall = min(try level("maxFALL"), cll)
    return ["output.maxCLLNits=\(cll)", "output.maxFALLNits=\(fall)"]
  }
}
