import ArgumentParser
import Foundation
import IO
import Presets
import Reexpose

/// stderr messages: one line each, prefixed `reexpose:`. stdout carries only video.
struct Console {
  let quiet: Bool

  /// An error: always printed, with one `error:` tag (a preset error at a file position has its own).
  func error(_ error: Any) {
    var preset = error as? PresetError
    if case let .preset(wrapped)? = error as? FilterError { preset = wrapped }
    if let preset, preset.isCompilerStyle {
      write("reexpose: \(preset)")
    } else {
      write("reexpose: error: \(error)")
    }
  }

  /// Opens the input, or prints why not and gives the exit code.
  func openReader(_ path: String, raw: RawVideoOptions?) -> Result<MediaReader, ExitCode> {
    do {
      return .success(try MediaReader(path: path, raw: raw))
    } catch {
      self.error(error)
      return .failure(ExitCode(ErrorStatus.classify(error, during: .openInput).exitCode))
    }
  }

  /// A warning or note: suppressed by --quiet.
  func note(_ text: String) {
    if !quiet { write("reexpose: \(text)") }
  }

  func write(_ line: String) {
    Self.writeStderr(line + "\n")
  }

  /// Writes to fd 2, ignoring failures: a closed stderr (`2>&-`, EBADF) or one whose reader has gone
  /// (EPIPE; SIGPIPE is ignored) loses the message, never the run. (FileHandle.write traps on them.)
  static func writeStderr(_ text: String) {
    _ = writeAll(fd: 2, text)
  }

  /// Writes all of `text` to `fd`; 0 on success, else the errno of the failed write.
  static func writeAll(fd: Int32, _ text: String) -> Int32 {
    let bytes = Array(text.utf8)
    var done = 0
    while done < bytes.count {
      let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) }
      if n < 0 && errno == EINTR { continue }
      if n < 0 { return errno }
      if n == 0 { return EIO }
      done += n
    }
    return 0
  }

  /// Writes `text` to stdout for the informational options (`--print-preset`, `--x265-params`, the
  /// lists); a failed write (a full disk, a closed stdout) is a one-line error and exit 74. A reader that
  /// went away early (EPIPE) is not an error, as for video.
  func stdout(_ text: String) throws {
    let e = Self.writeAll(fd: 1, text)
    if e == 0 || e == EPIPE { return }
    error("cannot write to stdout: \(String(cString: strerror(e)))")
    throw ExitCode(ErrorStatus.ioFailed.exitCode)
  }

  /// Writes `text` to the file at `path` (created or truncated, not atomically: `/dev/stdout` and other
  /// special files work). Returns a message saying what failed, nil on success.
  static func writeFile(_ path: String, _ text: String) -> String? {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    if fd < 0 { return String(cString: strerror(errno)) }
    let e = writeAll(fd: fd, text)
    let closed = close(fd) == 0 ? 0 : errno
    if e != 0 { return String(cString: strerror(e)) }
    if closed != 0 { return String(cString: strerror(closed)) }
    return nil
  }
}
