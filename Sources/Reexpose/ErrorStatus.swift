import IO
import Imaging
import Parameters
import Pipeline
import Presets

/// The one error table: every way a run can fail, with the `reexpose` exit code (sysexits.h values, as
/// the README and `--help` document them) and the C API status (`enum ReexposeStatus` in reexpose.h).
///
/// ``classify(_:during:)`` is the only place an `Error` becomes a failure class; the CLI exits with
/// `exitCode`, the C API returns `status`. The same error can mean different things depending on what
/// the caller was doing (a libav failure opening the input is unreadable input; one while writing is an
/// I/O error), so classification takes the ``Operation``.
public enum ErrorStatus: CaseIterable, Sendable {
  /// The interface was used wrongly: a malformed command line, a NULL pointer, a too small buffer.
  case usage
  /// A request the filter cannot serve: unsupported pixel format, events for a preset without fusion, a
  /// reference still for a preset without diffusion, a malformed events line, a frame without size.
  case badArgument
  /// The preset cannot be found, read or validated, or a `--set` override is bad.
  case presetInvalid
  /// A learned stage's weights file is missing or does not fit its network.
  case modelUnavailable
  /// An input file (video, events, reference still) cannot be opened.
  case inputUnreadable
  /// Bad input data: truncated stream, corrupt packet, changed geometry, no video stream.
  case frameRejected
  /// The output cannot be created.
  case outputNotWritable
  /// Reading or writing failed after opening.
  case ioFailed
  /// A call out of order, e.g. a frame sent after draining.
  case outOfOrder
  /// The memory a frame size needs cannot be had (above the machine's memory, or an allocation failed).
  case outOfMemory
  /// Anything else: a bug or an unexpected failure below; the message says what.
  case `internal`

  /// The table: (CLI exit code, C status). Keep README "exit code" table, `reexpose --help` and
  /// reexpose.h in step with it (ErrorStatusTests checks the C side against the header).
  public var codes: (exitCode: Int32, status: Int32) {
    switch self {
    //                              exit  C status
    case .usage:              return (64, -3)  // EX_USAGE        REEXPOSE_EINVAL
    case .badArgument:        return (65, -3)  // EX_DATAERR      REEXPOSE_EINVAL
    case .presetInvalid:      return (78, -4)  // EX_CONFIG       REEXPOSE_EPRESET
    case .modelUnavailable:   return (78, -8)  // EX_CONFIG       REEXPOSE_EMODEL
    case .inputUnreadable:    return (66, -3)  // EX_NOINPUT      REEXPOSE_EINVAL
    case .frameRejected:      return (65, -5)  // EX_DATAERR      REEXPOSE_EFRAME
    case .outputNotWritable:  return (73, -7)  // EX_CANTCREAT    REEXPOSE_EINTERNAL (the C API writes no files)
    case .ioFailed:           return (74, -7)  // EX_IOERR        REEXPOSE_EINTERNAL
    case .outOfOrder:         return (70, -6)  // EX_SOFTWARE     REEXPOSE_ESTATE (the CLI calling out of order is a bug)
    case .outOfMemory:        return (70, -9)  // EX_SOFTWARE     REEXPOSE_ENOMEM
    case .internal:           return (70, -7)  // EX_SOFTWARE     REEXPOSE_EINTERNAL
    }
  }

  /// Exit code of the `reexpose` command for this failure.
  public var exitCode: Int32 { codes.exitCode }

  /// `REEXPOSE_E*` status of the C API for this failure.
  public var status: Int32 { codes.status }

  /// What the caller was doing when the error came up.
  public enum Operation: Sendable {
    /// Loading the preset and building the filter (`ReexposeFilter.init`, `reexpose_filter_create`).
    case create
    /// Opening the input stream.
    case openInput
    /// Demuxing/decoding the input stream after it opened.
    case readInput
    /// Creating the output.
    case openOutput
    /// Attaching an event recording (`--events`, `reexpose_filter_attach_events`).
    case attachEvents
    /// Loading a reference still (`--reference`, `reexpose_filter_set_reference`).
    case setReference
    /// Sending, receiving, draining frames and writing them.
    case process
  }

  /// The failure class of any error thrown by the filter or the IO module during `operation`.
  public static func classify(_ error: Error, during operation: Operation = .process) -> ErrorStatus {
    if operation == .openOutput { return .outputNotWritable }
    switch error {
    case let e as FilterError:
      switch e {
      case let .preset(inner): return classify(inner, during: operation)
      case let .parameter(inner): return classify(inner, during: operation)
      case let .io(inner): return classify(inner, during: operation)
      case let .pipeline(inner): return classify(inner, during: operation)
      case .state: return .outOfOrder
      case .invalidArgument: return .badArgument
      case .outOfMemory: return .outOfMemory
      case .internal: return .internal
      }
    case is PresetError, is ParameterError:
      return .presetInvalid
    case let e as PipelineError:
      switch e {
      case .modelUnavailable: return .modelUnavailable
      case .invalidParameter: return operation == .create ? .presetInvalid : .badArgument
      case .geometryChanged, .stageFailed: return operation == .setReference ? .badArgument : .frameRejected
      }
    case let e as IOError:
      return classify(io: e, during: operation)
    default:
      return .internal
    }
  }

  static func classify(io e: IOError, during operation: Operation) -> ErrorStatus {
    switch e {
    case .events(_, 0, _):
      return .inputUnreadable
    case .events:
      return .badArgument
    case .unsupported, .invalidArgument:
      return operation == .create ? .presetInvalid : .badArgument
    case .truncated, .corrupt, .noVideoStream, .empty:
      // A reference still is an argument of one call, not the stream: its bad data is a bad argument.
      return operation == .setReference ? .badArgument : .frameRejected
    case let .libav(_, _, code, _):
      switch operation {
      // AVERROR(errno) codes (small negatives: ENOENT, EBADF for a closed stdin, EACCES, EISDIR, …) mean the
      // system could not read the input at all; libav's own tags (AVERROR_INVALIDDATA, …) mean bad data.
      case .openInput: return code < 0 && code > -4096 ? .inputUnreadable : .frameRejected
      case .setReference, .attachEvents: return .inputUnreadable
      default: return .ioFailed
      }
    case .outputClosed:
      return .ioFailed
    }
  }
}
