import IO
import Pipeline
import Reexpose

/// The `enum ReexposeStatus` values of reexpose.h, and the mapping from Swift errors to them.
enum StatusCode {
  static let ok: Int32 = 0
  static let again: Int32 = -1
  static let eof: Int32 = -2
  static let invalidArgument: Int32 = -3
  static let preset: Int32 = -4
  static let frame: Int32 = -5
  static let state: Int32 = -6
  static let `internal`: Int32 = -7
  static let model: Int32 = -8

  static func of(_ error: Error) -> Int32 {
    switch error {
    case let e as FilterError:
      switch e {
      case .preset, .parameter: return preset
      case .pipeline(.modelUnavailable): return model
      case .pipeline: return frame
      case .io(let io): return ofIO(io)
      case .state: return state
      case .invalidArgument: return invalidArgument
      }
    case let e as IOError: return ofIO(e)
    default: return `internal`
    }
  }

  static func ofIO(_ e: IOError) -> Int32 {
    switch e {
    case .unsupported, .invalidArgument, .events: return invalidArgument
    case .truncated, .corrupt: return frame
    default: return `internal`
    }
  }

  /// Static text for a status code.
  static let messages: [Int32: StaticString] = [
    ok: "success", again: "no frame ready: send more input", eof: "end of stream: the filter is drained",
    invalidArgument: "invalid argument", preset: "preset not found or invalid",
    frame: "frame rejected", state: "call out of order", `internal`: "internal error",
    model: "model weights missing or invalid",
  ]
}
