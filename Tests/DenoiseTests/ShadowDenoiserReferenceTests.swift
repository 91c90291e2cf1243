import Denoise
import Imaging
import TestSupport
import XCTest

/// The block-skipping, ring-streamed denoiser against a per-pixel scalar implementation of the documented
/// formula, in place and out of place.
final class ShadowDenoiserReferenceTests: XCTestCase {
  func random(_ w: Int, _ h: Int, _ channels: Int, seed: UInt64, scale: Float, offset: Float = 0) -> PlanarImage {
    let img = PlanarImage(width: w, height: h, channels: channels)
    var s = seed &* 0x9E37_79B9_7F4A_7C15
    for i in 0..<img.count {
      s = s &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      img.data[i] = offset + scale * Float(s >> 40) / Float(1 << 24)
    }
    return img
  }

  /// Sparse mask: a few rectangles of values in (0, 1.2], zero elsewhere (and some exact zeros inside).
  func mask(_ w: Int, _ h: Int, seed: UInt64) -> PlanarImage {
    let m = PlanarImage(width: w, height: h, channels: 1)
    let noise = random(w, h, 1, seed: seed, scale: 1.2)
    let boxes = [(w / 10, h / 8, w / 3, h / 2), (w / 2, h / 3, w - 1, h * 3 / 4), (0, h - 3, w, h)]
    for (x0, y0, x1, y1) in boxes {
      for y in y0..<y1 { for x in x0..<x1 where (x * 7 + y) % 11 != 0 { m[0, y, x] = noise[0, y, x] } }
    }
    return m
  }

  /// Documented algorithm, pixel by pixel.
  func reference(_ window: [PlanarImage], _ center: Int, _ m: PlanarImage, _ p: ShadowParams) -> PlanarImage {
    let cur = window[center]
    let w = cur.width, h = cur.height
    let others = window.enumerated().filter { $0.offset != center }.map(\.element)
    let sigma = p.noiseSigmaLinear
    let t = PlanarImage(width: w, height: h, channels: 3)
    let inv = 1 / (3 * sigma) / 3
    for y in 0..<h {
      for x in 0..<w {
        var s = (0..<3).map { cur[$0, y, x] }, ws: Float = 1
        for f in others {
          let d = (0..<3).reduce(Float(0)) { $0 + abs(f[$1, y, x] - cur[$1, y, x]) }
          let wt = min(max(1 - d * inv, 0), 1)
          for c in 0..<3 { s[c] += wt * f[c, y, x] }
          ws += wt
        }
        for c in 0..<3 { t[c, y, x] = s[c] / ws }
      }
    }
    let out = cur.copy()
    let r = p.spatialRadiusPixels
    let invT = 1 / (3 * sigma / Float(1 + others.count).squareRoot())
    for y in 0..<h {
      for x in 0..<w where m[0, y, x] > 0 {
        let cm = (t[0, y, x] + t[1, y, x] + t[2, y, x]) / 3
        var acc: [Float] = [0, 0, 0], ws: Float = 0
        for yy in max(y - r, 0)...min(y + r, h - 1) {
          for xx in max(x - r, 0)...min(x + r, w - 1) {
            let mean = (t[0, yy, xx] + t[1, yy, xx] + t[2, yy, xx]) / 3
            let wt = max(0, 1 - abs(mean - cm) * invT)
            for c in 0..<3 { acc[c] += wt * t[c, yy, xx] }
            ws += wt
          }
        }
        let a = p.strength * min(m[0, y, x], 1)
        for c in 0..<3 { out[c, y, x] += a * (acc[c] / ws - out[c, y, x]) }
      }
    }
    return out
  }

  func testMatchesScalarReferenceInPlaceAndOutOfPlace() throws {
    for (w, h) in [(61, 37), (150, 90), (8, 3)] {
      for r in [0, 1, 3] {
        for frames in [1, 3] {
          var p = ShadowParams()
          p.spatialRadiusPixels = r
          p.noiseSigmaLinear = 0.02
          p.strength = 0.9
          let window = (0..<frames).map { random(w, h, 3, seed: UInt64(10 * $0 + r + w), scale: 0.05, offset: 0.01) }
          let center = frames / 2
          let m = mask(w, h, seed: UInt64(w + h))
          let denoiser = try ShadowDenoiser(params: p)
          let ref = reference(window, center, m, p)
          let out = denoiser.denoise(window: window, center: center, underMask: m)
          XCTAssertLessThan(Approx.maxAbsDifference(out, ref), 1e-5, "\(w)x\(h) r \(r) frames \(frames)")
          // Unmasked pixels bit-identical.
          for c in 0..<3 {
            for y in 0..<h {
              for x in 0..<w where m[0, y, x] <= 0 {
                XCTAssertEqual(out[c, y, x].bitPattern, window[center][c, y, x].bitPattern)
              }
            }
          }
          // In place gives the same result, and the neighbours stay untouched.
          let neighbours = window.map { $0.copy() }
          let centre = window[center]
          denoiser.denoise(window: window, center: center, underMask: m, into: centre)
          XCTAssertEqual(Approx.maxAbsDifference(centre, out), 0, "in place \(w)x\(h) r \(r) frames \(frames)")
          for i in window.indices where i != center {
            XCTAssertEqual(Approx.maxAbsDifference(window[i], neighbours[i]), 0)
          }
          // A recycled output buffer with stale contents gives the same result.
          let stale = random(w, h, 3, seed: 99, scale: 5)
          denoiser.denoise(window: neighbours, center: center, underMask: m, into: stale)
          XCTAssertEqual(Approx.maxAbsDifference(stale, out), 0)
        }
      }
    }
  }

  func testEmptyMaskCopiesExactly() throws {
    let img = random(70, 20, 3, seed: 3, scale: 1)
    let out = try ShadowDenoiser().denoise(window: [img], center: 0, underMask: PlanarImage(width: 70, height: 20, channels: 1))
    XCTAssertEqual(Approx.maxAbsDifference(out, img), 0)
  }
}
