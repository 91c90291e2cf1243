#if canImport(Glibc)
  import Glibc
#endif

/// Limits on frame size and working memory, checked before a frame's buffers are allocated, so a frame
/// too large for the machine is an error (``FilterError/outOfMemory(_:)``, exit 70 / `REEXPOSE_ENOMEM`)
/// instead of a failed allocation that aborts the process.
extension ReexposeFilter {
  /// Largest accepted frame side in pixels (the C API rejects larger sides as invalid arguments).
  public static let maxSide = 16384

  /// Float RGB images of a frame's size the filter and its stages keep at once, as an upper estimate:
  /// linear light and signal for every frame in the look-ahead window plus the ones in flight, and the
  /// stages' scratch images.
  var workingImages: Int { 2 * (lookAheadFrames + 2) + 8 }

  /// Bytes of working memory frames of `width × height` need (estimate), nil when that overflows `Int`.
  public func workingBytes(width: Int, height: Int) -> Int? {
    var n = (width, false)
    for factor in [height, 3 * MemoryLayout<Float>.stride, workingImages] {
      n = n.0.multipliedReportingOverflow(by: factor)
      if n.1 { return nil }
    }
    return n.0
  }

  /// Throws ``FilterError/outOfMemory(_:)`` unless the working memory of frames of this size fits the
  /// machine's physical memory and can be allocated now (a trial allocation, freed at once; it fails
  /// under a memory limit such as `ulimit -v`). Checked once per frame size.
  public func checkMemory(width: Int, height: Int) throws {
    if let checked = memoryCheckedSize, checked == (width, height) { return }
    guard width > 0, height > 0 else { throw FilterError.invalidArgument("frame has no size (\(width)x\(height))") }
    let mib = { (b: Int) in String(b >> 20) }
    guard let bytes = workingBytes(width: width, height: height) else {
      throw FilterError.outOfMemory("frames of \(width)x\(height) need more memory than can be addressed")
    }
    let physical = Int(sysconf(Int32(_SC_PHYS_PAGES))) &* Int(sysconf(Int32(_SC_PAGESIZE)))
    if physical > 0 && bytes > physical {
      throw FilterError.outOfMemory(
        "frames of \(width)x\(height) need about \(mib(bytes)) MiB of working memory; this machine has \(mib(physical)) MiB")
    }
    // mmap, not malloc: the optimiser may drop an unused malloc/free pair. Pages are not touched.
    let probe = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
    guard let probe, probe != MAP_FAILED else {
      throw FilterError.outOfMemory("cannot allocate the \(mib(bytes)) MiB of working memory frames of \(width)x\(height) need")
    }
    munmap(probe, bytes)
    memoryCheckedSize = (width, height)
  }
}
