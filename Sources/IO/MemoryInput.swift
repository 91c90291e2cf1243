import CShim

/// Media bytes held in memory, read by libavformat through a custom AVIO context instead of a file or pipe.
///
/// Hand it to ``MediaReader/init(path:raw:anyPixelFormat:memory:)``; `path` then only names the input in
/// messages (and its extension, if any, is a probing hint). The bytes are copied once and read through a
/// `read` callback over the copy; `seek` works too (MP4 needs it) and reports the size (`AVSEEK_SIZE`).
/// Written for the stream-reader fuzz target (Tests/Fuzz), which must reach the demuxers without a file.
///
/// One input feeds one reader: the AVIO context keeps its read position, and the reader holds the input
/// until its format context is closed (libav never frees a custom AVIO context itself).
public final class MemoryInput {
  /// Container formats libavformat may probe the bytes as (short names as in `ffmpeg -formats`, e.g.
  /// `matroska`, `nut`); nil lets it try every demuxer.
  public let formats: [String]?
  private let bytes: [UInt8]
  private var position = 0
  private var avio: UnsafeMutablePointer<AVIOContext>?
  private var opened = false

  /// Size of the buffer libavformat reads through (it may replace it with a larger one).
  private static let bufferSize: Int32 = 32768

  /// Copies `bytes`; `formats` restricts the demuxers probed (nil: all).
  public init(bytes: [UInt8], formats: [String]? = nil) {
    self.bytes = bytes
    self.formats = formats
  }

  deinit {
    if let avio {
      // libav may have swapped in its own buffer; whichever it holds now is ours to free.
      av_freep(&avio.pointee.buffer)
      avio_context_free(&self.avio)
    }
  }

  /// A new format context reading these bytes, for `avformat_open_input` (which frees it on failure).
  /// - Throws: `IOError.invalidArgument` when the input already fed a reader or libav is out of memory.
  func formatContext() throws -> UnsafeMutablePointer<AVFormatContext> {
    if opened { throw IOError.invalidArgument("a MemoryInput feeds only one reader") }
    opened = true
    guard let buffer = av_malloc(Int(Self.bufferSize))?.assumingMemoryBound(to: UInt8.self) else {
      throw IOError.invalidArgument("cannot allocate an AVIO buffer")
    }
    let opaque = Unmanaged.passUnretained(self).toOpaque()
    guard let pb = avio_alloc_context(buffer, Self.bufferSize, 0, opaque, Self.readCallback, nil, Self.seekCallback)
    else {
      av_free(buffer)
      throw IOError.invalidArgument("cannot allocate an AVIO context")
    }
    avio = pb
    guard let ctx = avformat_alloc_context() else {
      throw IOError.invalidArgument("cannot allocate a format context")
    }
    ctx.pointee.pb = pb
    ctx.pointee.flags |= AVFMT_FLAG_CUSTOM_IO
    if let formats { ctx.pointee.format_whitelist = av_strdup(formats.joined(separator: ",")) }
    return ctx
  }

  // MARK: - Callbacks

  /// Copies up to `size` bytes at the read position; AVERROR_EOF at the end.
  private func read(into buffer: UnsafeMutablePointer<UInt8>, size: Int) -> Int32 {
    let n = min(size, bytes.count - position)
    if n <= 0 { return rx_averror_eof() }
    bytes.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress! + position, count: n) }
    position += n
    return Int32(n)
  }

  /// Moves the read position (SEEK_SET/CUR/END, AVSEEK_FORCE ignored) or reports the size (AVSEEK_SIZE).
  private func seek(offset: Int64, whence: Int32) -> Int64 {
    if whence & AVSEEK_SIZE != 0 { return Int64(bytes.count) }
    let base: Int64
    switch whence & ~AVSEEK_FORCE {
    case SEEK_SET: base = 0
    case SEEK_CUR: base = Int64(position)
    case SEEK_END: base = Int64(bytes.count)
    default: return Int64(rx_averror(EINVAL))
    }
    let (target, overflow) = base.addingReportingOverflow(offset)
    guard !overflow, target >= 0, target <= Int64(bytes.count) else { return Int64(rx_averror(EINVAL)) }
    position = Int(target)
    return target
  }

  private static let readCallback: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<UInt8>?, Int32) -> Int32 = {
    opaque, buffer, size in
    guard let opaque, let buffer, size > 0 else { return rx_averror(EINVAL) }
    return Unmanaged<MemoryInput>.fromOpaque(opaque).takeUnretainedValue().read(into: buffer, size: Int(size))
  }

  private static let seekCallback: @convention(c) (UnsafeMutableRawPointer?, Int64, Int32) -> Int64 = {
    opaque, offset, whence in
    guard let opaque else { return Int64(rx_averror(EINVAL)) }
    return Unmanaged<MemoryInput>.fromOpaque(opaque).takeUnretainedValue().seek(offset: offset, whence: whence)
  }
}
