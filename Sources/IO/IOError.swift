import CShim
import Foundation

/// The IO module's one error type: what failed, on which file or stream, and libav's reason.
///
/// `description` is a single line meant for the user (the CLI prints it after `reexpose: `).
public enum IOError: Error, Equatable, CustomStringConvertible, LocalizedError {
  /// A libav call failed: `operation` (e.g. "open input"), `target` (path or stream), libav's code and message.
  case libav(operation: String, target: String, code: Int32, message: String)
  /// The input has no video stream (garbage data, audio-only file, …).
  case noVideoStream(path: String)
  /// A valid input we do not handle (pixel format, HDR input, colour matrix, …).
  case unsupported(String)
  /// The input ends in the middle of a frame or packet.
  case truncated(path: String, detail: String)
  /// Not one byte arrived; `detail` says what the upstream command probably lacks.
  case empty(path: String, detail: String)
  /// A packet or frame could not be demuxed or decoded.
  case corrupt(path: String, detail: String)
  /// The reader of our output went away (EPIPE); the CLI exits quietly.
  case outputClosed(path: String)
  /// A caller passed something unusable (unknown pixel format name, zero size, …).
  case invalidArgument(String)
  /// An event file (`--events`) is unreadable or malformed at `line` (1-based; 0 = the file as a whole).
  case events(path: String, line: Int, reason: String)

  public var description: String {
    switch self {
    case let .libav(operation, target, _, message): return "\(operation) '\(target)' failed: \(message)"
    case let .noVideoStream(path): return "input '\(path)' has no video stream"
    case let .unsupported(what): return "unsupported: \(what)"
    case let .truncated(path, detail): return "input '\(path)' is truncated: \(detail)"
    case let .empty(path, detail): return "input '\(path)' is empty: \(detail)"
    case let .corrupt(path, detail): return "input '\(path)' is corrupt: \(detail)"
    case let .outputClosed(path): return "output '\(path)' was closed by its reader"
    case let .invalidArgument(what): return "invalid argument: \(what)"
    case let .events(path, line, reason): return line > 0 ? "\(path):\(line): \(reason)" : "events '\(path)': \(reason)"
    }
  }

  public var errorDescription: String? { description }

  /// libav's message for an error code (av_strerror).
  public static func message(for code: Int32) -> String {
    var buf = [CChar](repeating: 0, count: 256)
    rx_error_string(code, &buf, buf.count)
    return String(cString: buf)
  }

  /// The one place a libav return code becomes an `IOError`.
  ///
  /// - Parameters:
  ///   - ret: the libav return value; ≥ 0 is success and is returned unchanged.
  ///   - what: the operation, e.g. "write packet to".
  ///   - target: path or stream the operation worked on.
  /// - Returns: `ret` when it is not an error.
  /// - Throws: `outputClosed` for EPIPE, else `libav(...)`.
  @discardableResult
  public static func check(_ ret: Int32, _ what: @autoclosure () -> String, target: String) throws -> Int32 {
    if ret >= 0 { return ret }
    if ret == rx_averror(EPIPE) { throw IOError.outputClosed(path: target) }
    throw IOError.libav(operation: what(), target: target, code: ret, message: message(for: ret))
  }
}
