/// Hands out [1, H, W] images, reusing ones that nobody else references any more.
///
/// Each image given out is also kept here; when the pool holds the only reference (the frame that carried it
/// is gone), the next `take` returns it instead of allocating (fresh 8 MB buffers cost page faults at 1080p).
/// Holds at most `capacity` images. Not thread-safe.
public final class RecyclingPool {
  private var images: [PlanarImage] = []
  /// Most images kept.
  public let capacity: Int

  public init(capacity: Int = 16) { self.capacity = capacity }

  /// A [channels, height, width] image with unspecified contents (zero when newly allocated).
  public func take(width: Int, height: Int, channels: Int = 1) -> PlanarImage {
    for i in images.indices
    where images[i].width == width && images[i].height == height && images[i].channels == channels
      && isKnownUniquelyReferenced(&images[i])
    {
      return images[i]
    }
    let img = PlanarImage(width: width, height: height, channels: channels)
    if images.count >= capacity {
      // Forget an image still in use elsewhere (or of another size) to make room.
      images.removeFirst()
    }
    images.append(img)
    return img
  }
}
