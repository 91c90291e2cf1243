import Imaging

/// Scratch images reused across frames, keyed by role. Each key keeps one buffer, grown when a larger shape is
/// asked for, and hands out views of it in any shape that fits (crops follow the clipped regions, so their
/// size changes from frame to frame; a fresh multi-megabyte image costs page faults and zeroing). Contents are
/// unspecified on return (callers overwrite them), and a key's earlier image is overwritten by its next use.
/// Not thread-safe: work that runs concurrently takes separate ``child(_:)`` sets, created before it starts.
final class ScratchImages {
  private var buffers: [Int: PlanarImage] = [:]
  private var children: [Int: ScratchImages] = [:]

  /// The image for `key` with the given shape.
  func image(_ key: Int, width: Int, height: Int, channels: Int = 1) -> PlanarImage {
    let n = width * height * channels
    var buffer = buffers[key]
    if buffer == nil || buffer!.count < n {
      // A quarter to spare, so a region that grows slowly does not reallocate every frame.
      buffer = PlanarImage(width: n + n / 4, height: 1, channels: 1)
      buffers[key] = buffer
    }
    return PlanarImage(width: width, height: height, channels: channels, viewing: buffer!)
  }

  /// A nested set of scratch images for `key` (kept, like the images, across frames).
  func child(_ key: Int) -> ScratchImages {
    if let c = children[key] { return c }
    let c = ScratchImages()
    children[key] = c
    return c
  }
}
