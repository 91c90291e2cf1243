import Imaging

/// Scratch images reused across frames, keyed by role. Each key keeps the images of its last
/// ``shapesPerKey`` shapes (crops follow the clipped regions, so their size changes from frame to frame and
/// back; a fresh multi-megabyte image costs page faults and zeroing). Contents are unspecified on return
/// (callers overwrite them). Not thread-safe: work that runs concurrently takes separate ``child(_:)`` sets,
/// created before it starts.
final class ScratchImages {
  /// Shapes kept per key (least recently used dropped first).
  static let shapesPerKey = 2
  private var images: [Int: [PlanarImage]] = [:]
  private var children: [Int: ScratchImages] = [:]

  /// The image for `key` with the given shape.
  func image(_ key: Int, width: Int, height: Int, channels: Int = 1) -> PlanarImage {
    var list = images[key] ?? []
    if let i = list.firstIndex(where: { $0.width == width && $0.height == height && $0.channels == channels }) {
      let img = list[i]
      if i != 0 {
        list.remove(at: i)
        list.insert(img, at: 0)
        images[key] = list
      }
      return img
    }
    let img = PlanarImage(width: width, height: height, channels: channels)
    list.insert(img, at: 0)
    if list.count > Self.shapesPerKey { list.removeLast() }
    images[key] = list
    return img
  }

  /// A nested set of scratch images for `key` (kept, like the images, across frames).
  func child(_ key: Int) -> ScratchImages {
    if let c = children[key] { return c }
    let c = ScratchImages()
    children[key] = c
    return c
  }
}
