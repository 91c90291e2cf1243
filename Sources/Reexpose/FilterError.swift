import IO
import Imaging
import Parameters
import Pipeline
import Presets

/// Errors of the filter API; each case wraps the lower module's error and keeps its one-line message.
public enum FilterError: Error, CustomStringConvertible {
  /// The preset could not be found, parsed or validated, or an override was bad.
  case preset(PresetError)
  /// A parameter is out of range (raised when parameters are built in code, not from a file).
  case parameter(ParameterError)
  /// Reading, converting or writing failed.
  case io(IOError)
  /// The pipeline rejected a frame (e.g. its size changed).
  case pipeline(PipelineError)
  /// A call out of order, e.g. a frame sent after draining.
  case state(String)
  /// A bad argument (NULL pointer, wrong planar size).
  case invalidArgument(String)
  /// The memory a frame needs cannot be allocated (``ErrorStatus/outOfMemory``).
  case outOfMemory(String)
  /// An error of no known kind from below (a bug or an unexpected failure), with its message.
  case `internal`(String)

  public var description: String {
    switch self {
    case let .preset(e): return e.description
    case let .parameter(e): return "invalid parameter \(e.description)"
    case let .io(e): return e.description
    case let .pipeline(e): return e.description
    case let .state(s): return s
    case let .invalidArgument(s): return s
    case let .outOfMemory(s): return s
    case let .internal(s): return s
    }
  }

  /// Wraps any error thrown below into a FilterError; one of no known kind becomes `internal` with its
  /// message (``ErrorStatus`` classifies it as an internal failure).
  static func wrap(_ error: Error) -> FilterError {
    switch error {
    case let e as FilterError: return e
    case let e as PresetError: return .preset(e)
    case let e as ParameterError: return .parameter(e)
    case let e as IOError: return .io(e)
    case let e as PipelineError: return .pipeline(e)
    default: return .internal("\(error)")
    }
  }
}
