/// An inclusive pixel bounding box; `empty` when `x0 > x1`.
struct PixelBox: Equatable {
  var x0: Int, y0: Int, x1: Int, y1: Int

  static let empty = PixelBox(x0: Int.max, y0: Int.max, x1: Int.min, y1: Int.min)

  var isEmpty: Bool { x0 > x1 || y0 > y1 }
  var width: Int { isEmpty ? 0 : x1 - x0 + 1 }
  var height: Int { isEmpty ? 0 : y1 - y0 + 1 }

  mutating func include(_ x: Int, _ y: Int) {
    x0 = min(x0, x); x1 = max(x1, x)
    y0 = min(y0, y); y1 = max(y1, y)
  }

  mutating func merge(_ o: PixelBox) {
    if o.isEmpty { return }
    x0 = min(x0, o.x0); x1 = max(x1, o.x1)
    y0 = min(y0, o.y0); y1 = max(y1, o.y1)
  }

  /// Grown by `margin` on every side and clipped to `0..<width × 0..<height`.
  func expanded(by margin: Int, width: Int, height: Int) -> PixelBox {
    if isEmpty { return self }
    return PixelBox(
      x0: max(0, x0 - margin), y0: max(0, y0 - margin), x1: min(width - 1, x1 + margin),
      y1: min(height - 1, y1 + margin))
  }

  /// Grown (right/down first, then left/up) so that width and height are multiples of `step` where the image
  /// allows; keeps crop sizes stable across frames so scratch buffers are reused.
  func roundedUp(to step: Int, width: Int, height: Int) -> PixelBox {
    if isEmpty { return self }
    var b = self
    let tw = min(width, (b.width + step - 1) / step * step), th = min(height, (b.height + step - 1) / step * step)
    b.x1 = min(width - 1, b.x0 + tw - 1)
    b.x0 = max(0, b.x1 - tw + 1)
    b.y1 = min(height - 1, b.y0 + th - 1)
    b.y0 = max(0, b.y1 - th + 1)
    return b
  }
}
