#if canImport(Glibc)
  import Glibc
#endif

/// Checks a path before opening it: a FIFO or device given as an events or reference file would block
/// `open()` (or read forever), so only regular files are opened.
public enum RegularFile {
  /// Why `path` cannot be used as a file to read (`"not a regular file"`), nil when it is a regular file
  /// or does not exist (opening it then reports that).
  public static func problem(_ path: String) -> String? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return info.st_mode & S_IFMT == S_IFREG ? nil : "not a regular file"
  }
}
