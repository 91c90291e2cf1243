import Imaging

/// Area resampling to the working resolution (integer-bounded boxes, separable).
enum WorkingFrame {
  /// `src` [C, H, W] → [C, height, width] (height ≤ H, width ≤ W): output pixel x averages source
  /// columns ⌊x·W/width⌋ ..< max(that + 1, ⌊(x+1)·W/width⌋), rows likewise.
  static func areaDownscale(_ src: PlanarImage, width: Int, height: Int) -> PlanarImage {
    let sw = src.width, sh = src.height, ch = src.channels
    if sw == width && sh == height { return src.copy() }
    precondition(width <= sw && height <= sh, "areaDownscale only shrinks")
    let tmp = PlanarImage(width: width, height: sh, channels: ch)
    let out = PlanarImage(width: width, height: height, channels: ch)
    func span(_ i: Int, _ n: Int, _ src: Int) -> (Int, Int) {
      let a = i * src / n
      return (a, max(a + 1, (i + 1) * src / n))
    }
    let xs = (0..<width).map { span($0, width, sw) }
    let ys = (0..<height).map { span($0, height, sh) }
    Parallel.forRanges(ch * sh, minChunk: 8) { s, e in
      for r in s..<e {
        let c = r / sh, y = r % sh
        let row = src.row(c, y), dst = tmp.row(c, y)
        for x in 0..<width {
          let (a, b) = xs[x]
          var acc: Float = 0
          for i in a..<b { acc += row[i] }
          dst[x] = acc / Float(b - a)
        }
      }
    }
    Parallel.forRanges(ch * height, minChunk: 4) { s, e in
      for r in s..<e {
        let c = r / height, y = r % height
        let (a, b) = ys[y]
        let dst = out.row(c, y)
        for x in 0..<width { dst[x] = 0 }
        for i in a..<b {
          let row = tmp.row(c, i)
          for x in 0..<width { dst[x] += row[x] }
        }
        let inv = 1 / Float(b - a)
        for x in 0..<width { dst[x] *= inv }
      }
    }
    return out
  }
}
