/// A planar float32 image: `channels` planes of `width × height`, rows packed (stride = width).
///
/// Storage is 64-byte aligned and owned by the instance; planes are contiguous, plane `c` starts at
/// `c * width * height`. Layout: [C, H, W]. A reference type so stages can work in place and buffers can
/// be recycled by an ``ImagePool``.
public final class PlanarImage: @unchecked Sendable {
  /// Width in pixels (> 0).
  public let width: Int
  /// Height in pixels (> 0).
  public let height: Int
  /// Number of planes (3 for RGB frames, 1 for masks).
  public let channels: Int
  /// Base of the [C, H, W] float storage.
  public let data: UnsafeMutablePointer<Float>
  /// The image whose storage this one views (``init(width:height:channels:viewing:)``); nil when it owns its own.
  private let owner: PlanarImage?

  /// Pixels per plane.
  @inlinable public var planeSize: Int { width * height }
  /// Floats in all planes.
  @inlinable public var count: Int { width * height * channels }

  /// Creates a zero-filled image.
  public init(width: Int, height: Int, channels: Int = 3) {
    precondition(width > 0 && height > 0 && channels > 0, "PlanarImage needs a positive size")
    self.width = width
    self.height = height
    self.channels = channels
    let n = width * height * channels
    let raw = UnsafeMutableRawPointer.allocate(byteCount: max(n, 1) * MemoryLayout<Float>.stride, alignment: 64)
    data = raw.bindMemory(to: Float.self, capacity: max(n, 1))
    data.initialize(repeating: 0, count: n)
    owner = nil
  }

  /// An image of the given shape over the first `width × height × channels` floats of `storage`, which it
  /// keeps alive. Contents are whatever `storage` holds. For scratch buffers whose shape changes from frame to
  /// frame: one large allocation serves every smaller shape, without page faults and zeroing each time.
  public init(width: Int, height: Int, channels: Int, viewing storage: PlanarImage) {
    precondition(width > 0 && height > 0 && channels > 0, "PlanarImage needs a positive size")
    precondition(width * height * channels <= storage.count, "the viewed storage is too small")
    self.width = width
    self.height = height
    self.channels = channels
    data = storage.data
    owner = storage
  }

  deinit { if owner == nil { data.deallocate() } }

  /// Pointer to the first pixel of plane `c`.
  @inlinable public func plane(_ c: Int) -> UnsafeMutablePointer<Float> {
    data + c * width * height
  }

  /// Pointer to row `y` of plane `c`.
  @inlinable public func row(_ c: Int, _ y: Int) -> UnsafeMutablePointer<Float> {
    data + (c * height + y) * width
  }

  /// Value at (c, y, x); for tests and slow paths.
  @inlinable public subscript(c: Int, y: Int, x: Int) -> Float {
    get { data[(c * height + y) * width + x] }
    set { data[(c * height + y) * width + x] = newValue }
  }

  /// Whether `other` has the same width, height and channel count.
  public func hasSameShape(as other: PlanarImage) -> Bool {
    width == other.width && height == other.height && channels == other.channels
  }

  /// A deep copy.
  public func copy() -> PlanarImage {
    let out = PlanarImage(width: width, height: height, channels: channels)
    Self.copyValues(from: data, to: out.data, count: count)
    return out
  }

  /// Copies all pixels from an image of the same shape.
  public func assign(from other: PlanarImage) {
    precondition(hasSameShape(as: other), "assign(from:) needs equal shapes")
    Self.copyValues(from: other.data, to: data, count: count)
  }

  /// Values per chunk of a parallel copy (1 MiB).
  static let copyChunk = 1 << 18

  /// Copies `count` values; a frame-sized copy runs on all workers, since one thread does not reach the
  /// memory bandwidth (1080p frames copied on the filter's thread alone were 3 % of its `perf` samples in
  /// `hdr10-pq`).
  public static func copyValues(from src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, count: Int) {
    let chunks = (count + copyChunk - 1) / copyChunk
    Parallel.forRanges(chunks, minChunk: 2) { s, e in
      let a = s * copyChunk, b = min(count, e * copyChunk)
      (dst + a).update(from: src + a, count: b - a)
    }
  }

  /// Sets every value to `value`.
  public func fill(_ value: Float) {
    data.update(repeating: value, count: count)
  }
}
