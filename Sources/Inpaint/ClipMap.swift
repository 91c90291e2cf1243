import Imaging

/// Per-pixel count of clipped channels and the bounding boxes of partly and fully clipped pixels.
///
/// Layout: `counts` is H·W bytes, row-major, value 0...3 = channels ≥ clip level.
final class ClipMap {
  let width: Int, height: Int
  /// Clipped-channel count per pixel, [H, W].
  let counts: UnsafeMutablePointer<UInt8>
  /// Rows/columns containing a pixel with ≥ 1 clipped channel (empty when none).
  private(set) var anyBox = PixelBox.empty
  /// Rows/columns containing a pixel with all 3 channels clipped (empty when none).
  private(set) var allBox = PixelBox.empty

  init(width: Int, height: Int) {
    self.width = width
    self.height = height
    counts = .allocate(capacity: width * height)
  }

  deinit { counts.deallocate() }

  /// Classifies `image` ([3, H, W] linear) against `clip`.
  func classify(_ image: PlanarImage, clip: Float) {
    precondition(image.width == width && image.height == height && image.channels >= 3)
    let w = width, h = height
    let boxes = UnsafeMutablePointer<PixelBox>.allocate(capacity: 2 * h)
    defer { boxes.deallocate() }
    let counts = self.counts
    Parallel.forRanges(h, minChunk: 8) { start, end in
      for y in start..<end {
        let r = image.row(0, y), g = image.row(1, y), b = image.row(2, y)
        let c = counts + y * w
        var anyB = PixelBox.empty, allB = PixelBox.empty
        var x = 0
        while x + 8 <= w {
          let n = SIMD8<Int32>(repeating: 0)
            .replacing(with: 1, where: SIMDLoad.load8(r + x) .>= clip)
            &+ SIMD8<Int32>(repeating: 0).replacing(with: 1, where: SIMDLoad.load8(g + x) .>= clip)
            &+ SIMD8<Int32>(repeating: 0).replacing(with: 1, where: SIMDLoad.load8(b + x) .>= clip)
          if n.wrappedSum() == 0 {
            (c + x).update(repeating: 0, count: 8)
          } else {
            for i in 0..<8 {
              c[x + i] = UInt8(n[i])
              if n[i] > 0 { anyB.include(x + i, y) }
              if n[i] == 3 { allB.include(x + i, y) }
            }
          }
          x += 8
        }
        while x < w {
          let n = (r[x] >= clip ? 1 : 0) + (g[x] >= clip ? 1 : 0) + (b[x] >= clip ? 1 : 0)
          c[x] = UInt8(n)
          if n > 0 { anyB.include(x, y) }
          if n == 3 { allB.include(x, y) }
          x += 1
        }
        boxes[2 * y] = anyB
        boxes[2 * y + 1] = allB
      }
    }
    anyBox = .empty
    allBox = .empty
    for y in 0..<h {
      anyBox.merge(boxes[2 * y])
      allBox.merge(boxes[2 * y + 1])
    }
  }
}
