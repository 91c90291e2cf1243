/// The release number, declared once: the CLI's `--version`, the C API's `reexpose_version()` and the
/// Makefile's `VERSION` (pkg-config file, shared-library file name) all read it from here.
public enum ReexposeVersion {
  public static let major = 0
  public static let minor = 1
  public static let patch = 0
  /// `0.1.0`.
  public static var text: String { "\(major).\(minor).\(patch)" }
  /// `0xMMmmpp`, as `reexpose_version()` returns it.
  public static var packed: UInt32 { UInt32(major << 16 | minor << 8 | patch) }
}
