import CShim
import Reexpose

/// The `enum ReexposeStatus` values of reexpose.h that are not failures, and the static text of every
/// status. Failures come from the shared table: `ErrorStatus.classify(error, during:).status`.
enum StatusCode {
  static let ok = REEXPOSE_OK.rawValue
  static let again = REEXPOSE_AGAIN.rawValue
  static let eof = REEXPOSE_EOF.rawValue
  /// A NULL pointer, bad override list or too small buffer (the API used wrongly).
  static let usage = ErrorStatus.usage.status

  /// Static text for a status code.
  static let messages: [Int32: StaticString] = [
    REEXPOSE_OK.rawValue: "success",
    REEXPOSE_AGAIN.rawValue: "no frame ready: send more input",
    REEXPOSE_EOF.rawValue: "end of stream: the filter is drained",
    REEXPOSE_EINVAL.rawValue: "invalid argument",
    REEXPOSE_EPRESET.rawValue: "preset not found or invalid",
    REEXPOSE_EFRAME.rawValue: "frame rejected",
    REEXPOSE_ESTATE.rawValue: "call out of order",
    REEXPOSE_EINTERNAL.rawValue: "internal error",
    REEXPOSE_EMODEL.rawValue: "model weights missing or invalid",
    REEXPOSE_ENOMEM.rawValue: "out of memory",
  ]
}
