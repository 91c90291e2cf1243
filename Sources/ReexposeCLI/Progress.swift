import Foundation

/// Frames read, fps and ETA on stderr, redrawn in place, only when stderr is a terminal. A total worked out
/// from duration × rate is shown as `~N`: it can be off by a frame or two.
final class Progress {
  let enabled: Bool
  let total: Int?
  let totalIsExact: Bool
  let start = DispatchTime.now().uptimeNanoseconds
  var lastDraw: UInt64 = 0

  init(enabled: Bool, total: Int?, exact: Bool) {
    self.enabled = enabled && isatty(STDERR_FILENO) == 1
    self.total = total
    totalIsExact = exact
  }

  var elapsedSeconds: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

  /// Redraws at most 5 times a second.
  func update(frames: Int) {
    guard enabled else { return }
    let now = DispatchTime.now().uptimeNanoseconds
    if now - lastDraw < 200_000_000 { return }
    lastDraw = now
    let fps = Double(frames) / max(elapsedSeconds, 1e-9)
    var line = "reexpose: frame \(frames)"
    if let total, total > 0 {
      let eta = fps > 0 ? Double(max(total - frames, 0)) / fps : 0
      line += "/\(totalIsExact ? "" : "~")\(total)  \(String(format: "%.1f", fps)) fps  ETA \(Self.clock(eta))"
    } else {
      line += "  \(String(format: "%.1f", fps)) fps"
    }
    Console.writeStderr("\r" + line + "\u{1B}[K")
  }

  /// Clears the progress line.
  func finish() {
    guard enabled else { return }
    Console.writeStderr("\r\u{1B}[K")
  }

  static func clock(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
  }
}
