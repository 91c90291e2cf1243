import Foundation

/// stderr messages: one line each, prefixed `reexpose:`. stdout carries only video.
struct Console {
  let quiet: Bool

  /// An error: always printed.
  func error(_ error: Any) {
    write("reexpose: error: \(error)")
  }

  /// A warning or note: suppressed by --quiet.
  func note(_ text: String) {
    if !quiet { write("reexpose: \(text)") }
  }

  func write(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
  }
}
