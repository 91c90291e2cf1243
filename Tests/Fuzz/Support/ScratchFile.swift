#if canImport(Glibc)
  import Glibc
#endif

/// One temporary file per fuzz process, rewritten with each input, for readers that only take a path.
///
/// It lives in /dev/shm when that is writable (no disk traffic at thousands of inputs a second), else in
/// `$TMPDIR` or /tmp; the process id in its name keeps parallel fuzz jobs apart.
public struct ScratchFile: Sendable {
  /// Where the current input is.
  public let path: String

  /// A scratch file named after `name` (the reader it feeds); nothing is written yet.
  public init(_ name: String) {
    let dir: String
    if access("/dev/shm", W_OK) == 0 {
      dir = "/dev/shm"
    } else if let tmp = getenv("TMPDIR"), tmp.pointee != 0 {
      dir = String(cString: tmp)
    } else {
      dir = "/tmp"
    }
    path = "\(dir)/reexpose-fuzz-\(getpid())-\(name)"
  }

  /// Replaces the file's contents with the `size` bytes at `data`; a failure to write stops the run
  /// (the fuzzer would otherwise test a stale file).
  public func write(_ data: UnsafePointer<UInt8>?, _ size: Int) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    precondition(fd >= 0, "cannot create \(path): errno \(errno)")
    defer { close(fd) }
    var done = 0
    while done < size, let data {
      let n = Glibc.write(fd, data + done, size - done)
      precondition(n > 0 || errno == EINTR, "cannot write \(path): errno \(errno)")
      if n > 0 { done += n }
    }
  }

  /// Deletes the file (at exit).
  public func remove() { unlink(path) }
}
