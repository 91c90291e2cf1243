import Imaging

/// Cross-bilateral mean of one pixel over a (2r+1)² window of a [3, H, W] image, range weight on the channel
/// mean: w = clamp(1 − |Δ|/(3σ), 0, 1); the window is clipped to the image.
enum BilateralPixel {
  @inline(__always)
  static func mean(_ img: PlanarImage, _ x: Int, _ y: Int, radius r: Int, sigma: Float) -> SIMD3<Float> {
    let w = img.width, h = img.height
    let p0 = img.plane(0), p1 = img.plane(1), p2 = img.plane(2)
    let ci = y * w + x
    let centre = SIMD3<Float>(p0[ci], p1[ci], p2[ci])
    if r == 0 { return centre }
    let cm = centre.sum() * (1.0 / 3)
    let inv = 1 / (3 * sigma)
    var acc = SIMD3<Float>(repeating: 0), ws: Float = 0
    for yy in max(y - r, 0)...min(y + r, h - 1) {
      for xx in max(x - r, 0)...min(x + r, w - 1) {
        let i = yy * w + xx
        let v = SIMD3<Float>(p0[i], p1[i], p2[i])
        let wt = max(0, 1 - abs(v.sum() * (1.0 / 3) - cm) * inv)
        acc += wt * v
        ws += wt
      }
    }
    return acc / ws
  }
}
