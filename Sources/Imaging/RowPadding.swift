/// Edge-replicated copies of image rows, so horizontal kernels read `x − r ... x + r` without bounds checks.
enum RowPadding {
  /// Copies `width` floats from `src` to `pad + radius` and replicates the first/last value `radius` times
  /// on each side. `pad` holds at least `width + 2·radius` floats.
  @inline(__always)
  static func fill(_ pad: UnsafeMutablePointer<Float>, from src: UnsafePointer<Float>, width: Int, radius: Int) {
    (pad + radius).update(from: src, count: width)
    let first = src[0], last = src[width - 1]
    for i in 0..<radius {
      pad[i] = first
      pad[radius + width + i] = last
    }
  }
}
