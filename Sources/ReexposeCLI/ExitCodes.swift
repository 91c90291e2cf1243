/// Exit codes of the `reexpose` command (sysexits.h values, documented in the README and `--help`).
enum ExitCodes {
  /// Success (also when the reader of stdout closed the pipe early).
  static let ok: Int32 = 0
  /// Command-line usage error.
  static let usage: Int32 = 64
  /// Bad input data: truncated stream, corrupt packet, wrong geometry, unsupported pixel format.
  static let dataError: Int32 = 65
  /// The input could not be opened.
  static let noInput: Int32 = 66
  /// Internal error.
  static let software: Int32 = 70
  /// The output could not be created.
  static let cannotCreate: Int32 = 73
  /// Reading or writing failed.
  static let ioError: Int32 = 74
  /// Bad preset or override.
  static let config: Int32 = 78
}
