import Imaging

/// Shared helpers for tests: tolerances, synthetic frames.
public enum Approx {
  /// Whether |a − b| ≤ abs + rel·max(|a|, |b|).
  public static func equal(_ a: Double, _ b: Double, abs: Double = 1e-6, rel: Double = 0) -> Bool {
    Swift.abs(a - b) <= abs + rel * max(Swift.abs(a), Swift.abs(b))
  }

  /// Largest absolute difference between two images of the same shape.
  public static func maxAbsDifference(_ a: PlanarImage, _ b: PlanarImage) -> Float {
    precondition(a.hasSameShape(as: b))
    var m: Float = 0
    for i in 0..<a.count { m = max(m, abs(a.data[i] - b.data[i])) }
    return m
  }
}
