import Imaging
import VectorMath

/// Bounding boxes of the partly and fully clipped pixels of a frame (a channel ≥ the clip level counts as
/// clipped). The per-pixel classes are recomputed from the image where needed (cheaper than storing them).
final class ClipMap {
  let width: Int, height: Int
  /// Rows/columns containing a pixel with ≥ 1 clipped channel (empty when none).
  private(set) var anyBox = PixelBox.empty
  /// Rows/columns containing a pixel with all 3 channels clipped (empty when none).
  private(set) var allBox = PixelBox.empty
  /// Per-row boxes (2 per row: any, all), reused across frames.
  private let boxes: UnsafeMutablePointer<PixelBox>

  init(width: Int, height: Int) {
    self.width = width
    self.height = height
    boxes = .allocate(capacity: 2 * height)
  }

  deinit { boxes.deallocate() }

  /// Classifies `image` ([3, H, W] linear) against `clip`.
  func classify(_ image: PlanarImage, clip: Float) {
    precondition(image.width == width && image.height == height && image.channels >= 3)
    let w = width, h = height
    let boxes = self.boxes
    Parallel.forRanges(h, minChunk: 16) { start, end in
      for y in start..<end {
        let r = image.row(0, y), g = image.row(1, y), b = image.row(2, y)
        // First/last 8-pixel group holding a partly (any) / fully (all) clipped pixel, refined per pixel.
        var anyFirst = -1, anyLast = -1, allFirst = -1, allLast = -1
        var x = 0
        while x + 8 <= w {
          let mx = SIMDMath.max(SIMDLoad.load8(r + x), SIMDMath.max(SIMDLoad.load8(g + x), SIMDLoad.load8(b + x)))
          if LaneReduce.max(mx) >= clip {
            if anyFirst < 0 { anyFirst = x }
            anyLast = x
            let mn = SIMDMath.min(SIMDLoad.load8(r + x), SIMDMath.min(SIMDLoad.load8(g + x), SIMDLoad.load8(b + x)))
            if LaneReduce.max(mn) >= clip {
              if allFirst < 0 { allFirst = x }
              allLast = x
            }
          }
          x += 8
        }
        @inline(__always) func anyAt(_ x: Int) -> Bool { r[x] >= clip || g[x] >= clip || b[x] >= clip }
        @inline(__always) func allAt(_ x: Int) -> Bool { r[x] >= clip && g[x] >= clip && b[x] >= clip }
        var anyB = PixelBox.empty, allB = PixelBox.empty
        if anyFirst >= 0 {
          var a = anyFirst
          while !anyAt(a) { a += 1 }
          var z = anyLast + 7
          while !anyAt(z) { z -= 1 }
          anyB.include(a, y)
          anyB.include(z, y)
        }
        if allFirst >= 0 {
          var a = allFirst
          while !allAt(a) { a += 1 }
          var z = allLast + 7
          while !allAt(z) { z -= 1 }
          allB.include(a, y)
          allB.include(z, y)
        }
        while x < w {
          if anyAt(x) { anyB.include(x, y) }
          if allAt(x) { allB.include(x, y) }
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
