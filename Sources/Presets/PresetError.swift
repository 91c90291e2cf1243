import Foundation
import Parameters
import Pipeline

/// Every way loading, overriding or finding a preset can fail; each case carries where.
///
/// `description` is one line, `FILE:LINE:COLUMN: error: <what>` (compiler style), or
/// `--set key=value: <what>` for overrides.
public enum PresetError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
  /// The file is not well-formed YAML; the message is libyaml's.
  case syntax(PresetLocation, message: String)
  /// A key or section the schema does not know, with the nearest known key if one is close.
  case unknownKey(PresetLocation, key: String, suggestion: String?)
  /// The same key twice in one mapping; `firstLine` is where it first appeared.
  case duplicateKey(PresetLocation, key: String, firstLine: Int)
  /// A value of the wrong YAML type (`expected a number, got 'abc'`), or a name not in a choice; `got` is
  /// the value as written, quoted (`'abc'`), or a phrase (`a mapping`).
  case wrongType(PresetLocation, key: String, expected: String, got: String, suggestion: String?)
  /// A value `PipelineParams.validate()` rejects; `message` is the `ParameterError`'s.
  case outOfRange(PresetLocation, key: String, message: String)
  /// No top-level `version:`.
  case missingVersion(PresetLocation)
  /// A `version:` this build cannot read (newer than `PipelineParams.version`, or not a number).
  case unsupportedVersion(PresetLocation, found: String)
  /// A `--set` argument that is not `key=value`.
  case malformedOverride(PresetLocation)
  /// No preset file by that name in any search directory.
  case notFound(name: String, searched: [String], available: [String])
  /// The file exists but cannot be read as UTF-8 text.
  case unreadable(PresetLocation, reason: String)

  /// Where the error points.
  public var location: PresetLocation {
    switch self {
    case .syntax(let l, _), .unknownKey(let l, _, _), .duplicateKey(let l, _, _), .wrongType(let l, _, _, _, _),
      .outOfRange(let l, _, _), .missingVersion(let l), .unsupportedVersion(let l, _), .malformedOverride(let l),
      .unreadable(let l, _):
      return l
    case .notFound(let name, _, _):
      return .file(name)
    }
  }

  /// The message after the location prefix.
  public var what: String {
    switch self {
    case .syntax(_, let message):
      return message
    case .unknownKey(_, let key, let suggestion):
      return "unknown key '\(key)'" + (suggestion.map { ", did you mean '\($0)'?" } ?? "")
    case .duplicateKey(_, let key, let firstLine):
      return "duplicate key '\(key)' (first set on line \(firstLine))"
    case .wrongType(let l, let key, let expected, let got, let suggestion):
      let text = "expected \(expected), got \(got)" + (suggestion.map { ", did you mean '\($0)'?" } ?? "")
      return keyed(key, text, at: l)
    case .outOfRange(let l, let key, let message):
      return keyed(key, message, at: l)
    case .missingVersion:
      return "missing 'version:' (this reexpose reads version \(PipelineParams.version))"
    case .unsupportedVersion(_, let found):
      return "unsupported preset version '\(found)' (this reexpose reads version \(PipelineParams.version))"
    case .malformedOverride:
      return "expected key=value, e.g. output.peakNits=4000"
    case .notFound(let name, let searched, let available):
      let guess = EditDistance.nearest(name, in: available).map { ", did you mean '\($0)'?" } ?? ""
      return "no preset '\(name)'\(guess) (searched \(searched.joined(separator: ", "))"
        + (available.isEmpty ? ")" : "; available: \(available.joined(separator: ", ")))")
    case .unreadable(_, let reason):
      return reason
    }
  }

  /// One line: location prefix and message (a name not found has no location to point at).
  public var description: String {
    if case .notFound = self { return what }
    return "\(location) \(what)"
  }

  /// Whether `description` already carries the word `error:` after a file position (compiler style), so a
  /// program printing it adds only its own name.
  public var isCompilerStyle: Bool {
    if case .notFound = self { return false }
    return !location.isOverride
  }

  /// The same single line as `description`, for `LocalizedError` users.
  public var errorDescription: String? { description }

  /// `key: text`, except for an override of that same key, whose prefix already names it.
  private func keyed(_ key: String, _ text: String, at location: PresetLocation) -> String {
    location.isOverride && location.source.hasPrefix("--set \(key)=") ? text : "\(key): \(text)"
  }
}
