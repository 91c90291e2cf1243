import Color
import Foundation
import Imaging

/// Synthetic HDR scenes and their clipped versions for highlight tests.
enum SyntheticHighlights {
  /// Grey image [3, n, n] whose Log-Gamma code is `field(x, y)`.
  static func grey(_ n: Int, _ field: (Int, Int) -> Double) -> PlanarImage {
    let img = PlanarImage(width: n, height: n, channels: 3)
    for y in 0..<n {
      for x in 0..<n {
        let l = Float(LogGamma.decode(field(x, y)))
        for c in 0..<3 { img[c, y, x] = l }
      }
    }
    return img
  }

  /// Grey sky at 0.6 + 2.4·(1 − y/(H − 1))² of white (blown in its upper part) beside a dark building (0.04)
  /// from column `edge` on: linear [3, H, W].
  static func skyBesideBuilding(width w: Int, height h: Int, edge: Int) -> PlanarImage {
    let img = PlanarImage(width: w, height: h, channels: 3)
    for y in 0..<h {
      let sky = 0.6 + 2.4 * (1 - Float(y) / Float(h - 1)) * (1 - Float(y) / Float(h - 1))
      for x in 0..<w { for c in 0..<3 { img[c, y, x] = x >= edge ? 0.04 : sky } }
    }
    return img
  }

  /// Per-channel min(value, clip).
  static func clipped(_ img: PlanarImage, at clip: Float) -> PlanarImage {
    let out = img.copy()
    for i in 0..<out.count { out.data[i] = min(out.data[i], clip) }
    return out
  }

  static func code(_ l: Float) -> Double { LogGamma.encode(Double(l)) }

  /// Mean |code(a) − code(b)| over the pixels where `truth` has a channel ≥ clip, channel 0 ... 2.
  static func meanCodeError(_ a: PlanarImage, _ truth: PlanarImage, clip: Float) -> Double {
    var s = 0.0, n = 0
    for y in 0..<truth.height {
      for x in 0..<truth.width where (0..<3).contains(where: { truth[$0, y, x] >= clip }) {
        for c in 0..<3 { s += abs(code(a[c, y, x]) - code(truth[c, y, x])) }
        n += 3
      }
    }
    return n > 0 ? s / Double(n) : 0
  }
}
