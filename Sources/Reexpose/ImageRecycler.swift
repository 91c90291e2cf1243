import Imaging

/// Keeps released images of one shape for reuse, so a steady stream allocates no new frame buffers.
///
/// Bounded: holds at most `capacity` images; extra ones are freed. Callers hand back only images nothing
/// else references (the filter does so after a frame's output has been converted).
final class ImageRecycler {
  let capacity: Int
  private var free: [PlanarImage] = []

  init(capacity: Int) { self.capacity = capacity }

  /// An image of the given shape: a recycled one when available (contents undefined), else a new one.
  func take(width: Int, height: Int, channels: Int = 3) -> PlanarImage {
    if let i = free.firstIndex(where: { $0.width == width && $0.height == height && $0.channels == channels }) {
      return free.remove(at: i)
    }
    return PlanarImage(width: width, height: height, channels: channels)
  }

  /// Hands an image back for reuse.
  func give(_ image: PlanarImage?) {
    guard let image, free.count < capacity else { return }
    free.append(image)
  }
}
