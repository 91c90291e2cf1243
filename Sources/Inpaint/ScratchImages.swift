import Imaging

/// Scratch images reused across frames, keyed by role; a key's image is reallocated only when its shape
/// changes. Contents are unspecified on return (callers overwrite them). Not thread-safe.
final class ScratchImages {
  private var images: [Int: PlanarImage] = [:]

  /// The image for `key` with the given shape.
  func image(_ key: Int, width: Int, height: Int, channels: Int = 1) -> PlanarImage {
    if let img = images[key], img.width == width, img.height == height, img.channels == channels { return img }
    let img = PlanarImage(width: width, height: height, channels: channels)
    images[key] = img
    return img
  }
}
