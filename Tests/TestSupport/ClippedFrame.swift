import Imaging

/// A deterministic test frame [3, H, W] with a blown-out disc (linear 1.0, the PDE fill already
/// flat there) and its soft over mask [1, H, W] (0 outside a margin around the disc).
public func clippedFrame(width: Int, height: Int, radius: Float) -> (PlanarImage, PlanarImage) {
  let img = PlanarImage(width: width, height: height, channels: 3)
  let over = PlanarImage(width: width, height: height, channels: 1)
  let cx = Float(width) * 0.6, cy = Float(height) * 0.4
  for y in 0..<height {
    for x in 0..<width {
      let d = ((Float(x) - cx) * (Float(x) - cx) + (Float(y) - cy) * (Float(y) - cy)).squareRoot()
      let m = min(max((radius + 3 - d) / 6, 0), 1)
      over[0, y, x] = m
      let base: [Float] = [
        0.2 + 0.3 * Float(x % 17) / 17, 0.25 + 0.2 * Float(y % 13) / 13, 0.1 + 0.05 * Float((x + y) % 7),
      ]
      for c in 0..<3 { img[c, y, x] = base[c] * (1 - m) + 1.0 * m }
    }
  }
  return (img, over)
}
