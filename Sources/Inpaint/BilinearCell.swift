/// Where a continuous position reads a [1, H, W] plane bilinearly: the top-left pixel's index and the weights
/// towards its right and lower neighbours. Shared by the motion fit and the change measurement, which read the
/// previous copy (and its gradients) at each pixel's own shift.
struct BilinearCell {
  let index: Int
  let tx: Float
  let ty: Float
  let width: Int

  /// The cell at (x, y) in pixel indices, nil unless it has a right and a lower neighbour inside the plane (a
  /// NaN or a huge position fails the comparisons, so no Int() conversion traps).
  @inline(__always)
  init?(x: Double, y: Double, width: Int, height: Int) {
    guard x >= 0, y >= 0, x < Double(width - 1), y < Double(height - 1) else { return nil }
    let x0 = Int(x)
    let y0 = Int(y)
    index = y0 * width + x0
    tx = Float(x - Double(x0))
    ty = Float(y - Double(y0))
    self.width = width
  }

  /// Whether all four pixels are set in `mask`.
  @inline(__always)
  func all(_ mask: [Bool]) -> Bool {
    mask[index] && mask[index + 1] && mask[index + width] && mask[index + width + 1]
  }

  /// The plane's value at the position.
  @inline(__always)
  func read(_ v: UnsafePointer<Float>) -> Float {
    let i = index
    let top = v[i] + tx * (v[i + 1] - v[i])
    let bottom = v[i + width] + tx * (v[i + width + 1] - v[i + width])
    return top + ty * (bottom - top)
  }
}
