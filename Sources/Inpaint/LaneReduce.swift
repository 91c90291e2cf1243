/// Horizontal min/max of SIMD8 lanes by halving (the standard library's generic `min()`/`max()` reductions
/// compile to calls and scalar loops).
enum LaneReduce {
  @inline(__always)
  static func max(_ v: SIMD8<Float>) -> Float {
    let a = v.lowHalf.replacing(with: v.highHalf, where: v.highHalf .> v.lowHalf)
    let b = a.lowHalf.replacing(with: a.highHalf, where: a.highHalf .> a.lowHalf)
    return Swift.max(b[0], b[1])
  }

  @inline(__always)
  static func min(_ v: SIMD8<Float>) -> Float {
    let a = v.lowHalf.replacing(with: v.highHalf, where: v.highHalf .< v.lowHalf)
    let b = a.lowHalf.replacing(with: a.highHalf, where: a.highHalf .< a.lowHalf)
    return Swift.min(b[0], b[1])
  }
}
