import Foundation
import Imaging
import XCTest

@testable import Diffusion

/// `DiffusionBlend.apply` (eight pixels at a time) against a plain per-pixel reference in libm Float.
final class DiffusionBlendTests: XCTestCase {
  // DiffHDR's Log-Gamma constants, written out for the reference (γ = 2.2, M = 65536).
  private let lgGamma: Float = 2.2, lgMax: Float = 65536, lgRange = Float(log(2.2 * 65536.0 + 1))

  /// The blend as it reads: guide, bilinear samples and Log-Gamma in scalar libm, pixel by pixel.
  private func reference(a: PlanarImage, b: PlanarImage, detail: PlanarImage, to image: PlanarImage, over: PlanarImage) {
    let W = image.width, H = image.height, w = a.width, h = a.height
    let sx = Float(w) / Float(W), sy = Float(h) / Float(H)
    for y in 0..<H {
      let (y0, y1, wy) = BilinearResize.sourceTap(y, scale: sy, size: h)
      for x in 0..<W {
        let k = over[0, y, x]
        if !(k > 0) { continue }
        let (x0, x1, wx) = BilinearResize.sourceTap(x, scale: sx, size: w)
        let gi = LogLuminanceGuide.value(image[0, y, x], image[1, y, x], image[2, y, x])
        for c in 0..<3 {
          func sample(_ p: PlanarImage) -> Float {
            let top = p[c, y0, x0] + (p[c, y0, x1] - p[c, y0, x0]) * wx
            let bot = p[c, y1, x0] + (p[c, y1, x1] - p[c, y1, x0]) * wx
            return top + (bot - top) * wy
          }
          let d = (sample(a) * gi + sample(b)) + sample(detail)
          if d == 0 { continue }
          let lin = min(max(image[c, y, x], 0), lgMax)
          let e = powf(log1pf(lgGamma * lin) / lgRange, 1 / lgGamma) + k * d
          let ec = min(max(e, 0), 1)
          image[c, y, x] = expm1f(powf(ec, lgGamma) * lgRange) / lgGamma
        }
      }
    }
  }

  /// Odd sizes (row tails of 1–7 pixels), a mask with holes and fractional values, linear levels from dark to
  /// 40× white: within 2e-5 relative of the reference; a pixel with mask 0, or a zero difference, keeps its
  /// bits.
  func testMatchesThePerPixelReference() {
    let W = 77, H = 23, w = 19, h = 6
    let image = PlanarImage(width: W, height: H, channels: 3), over = PlanarImage(width: W, height: H)
    for c in 0..<3 {
      for y in 0..<H {
        for x in 0..<W {
          image[c, y, x] = 0.02 + 40 * powf(Float((x * 7 + y * 13 + c * 5) % 97) / 96, 3)
        }
      }
    }
    for y in 0..<H {
      for x in 0..<W where (x + 2 * y) % 9 != 0 && x > 3 {
        over[0, y, x] = Float((x * y) % 5) / 4
      }
    }
    let a = PlanarImage(width: w, height: h, channels: 3), b = PlanarImage(width: w, height: h, channels: 3)
    let detail = PlanarImage(width: w, height: h, channels: 3)
    for i in 0..<a.count {
      a.data[i] = 0.05 * sinf(Float(i))
      b.data[i] = i % 11 == 0 ? 0 : 0.03 * cosf(Float(i) * 0.7)
      detail.data[i] = 0.01 * sinf(Float(i) * 1.3)
    }
    // A zero difference on one channel's whole working plane.
    for i in 0..<(w * h) { a.data[2 * w * h + i] = 0; b.data[2 * w * h + i] = 0; detail.data[2 * w * h + i] = 0 }
    let expected = image.copy()
    reference(a: a, b: b, detail: detail, to: expected, over: over)
    let got = image.copy()
    DiffusionBlend.apply(a: a, b: b, detail: detail, to: got, over: over)
    var changed = 0
    for c in 0..<3 {
      for y in 0..<H {
        for x in 0..<W {
          let g = got[c, y, x], e = expected[c, y, x], src = image[c, y, x]
          if over[0, y, x] <= 0 || c == 2 {
            XCTAssertEqual(g.bitPattern, src.bitPattern, "kept bits at \(c),\(y),\(x)")
          } else {
            XCTAssertEqual(g, e, accuracy: 2e-5 * max(e, 1e-2), "\(c),\(y),\(x)")
            if g != src { changed += 1 }
          }
        }
      }
    }
    XCTAssertGreaterThan(changed, W * H, "the blend changed the masked pixels")
  }
}
