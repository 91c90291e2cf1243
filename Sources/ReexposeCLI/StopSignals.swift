import Glibc
import Synchronization

/// SIGINT, SIGTERM and SIGHUP ask the running job to stop: it stops reading, drains what the filter holds,
/// closes the output container and exits 128 + the signal's number (130, 143, 129). A second signal exits at
/// once. The CLI is the only place with such process-wide state: a signal is the process's own.
enum StopSignals {
  /// The first stop signal received, 0 while none.
  static let received = Atomic<Int32>(0)

  /// Installs the handlers (BSD semantics: interrupted reads restart, so the job notices between packets).
  static func install() {
    for sig in [SIGINT, SIGTERM, SIGHUP] {
      _ = signal(sig) { number in
        // Only async-signal-safe work here: one atomic exchange, or _exit on the second signal.
        if StopSignals.received.exchange(number, ordering: .relaxed) != 0 { _exit(128 + number) }
      }
    }
  }

  /// The pending stop signal, or 0.
  static var pending: Int32 { received.load(ordering: .relaxed) }

  /// The signal's name for the one-line message.
  static func name(_ number: Int32) -> String {
    switch number {
    case SIGINT: return "SIGINT"
    case SIGTERM: return "SIGTERM"
    case SIGHUP: return "SIGHUP"
    default: return "signal \(number)"
    }
  }
}
