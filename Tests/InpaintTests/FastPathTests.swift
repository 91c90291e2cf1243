import Foundation
import Imaging
@testable import Inpaint
import XCTest

/// The performance paths (band-limited relaxation, SOR coarsest solve, SIMD chroma rows, lane math, clip
/// boxes) against their straightforward references.
final class FastPathTests: XCTestCase {
  /// A tilted plane plus a bump, with a rectangular hole and a disc hole (both unknown).
  func problem(width w: Int, height h: Int) -> (PlanarImage, PlanarImage) {
    let v = PlanarImage(width: w, height: h, channels: 1), u = PlanarImage(width: w, height: h, channels: 1)
    for y in 0..<h {
      for x in 0..<w {
        let dx = Float(x) - Float(w) * 0.7, dy = Float(y) - Float(h) * 0.4
        v[0, y, x] = 0.3 + 0.0004 * Float(x) + 0.0007 * Float(y) + 0.05 * exp(-(dx * dx + dy * dy) / Float(w * w / 40))
        let rect = x > w / 8 && x < w / 2 && y > h / 4 && y < h / 2
        let disc = dx * dx + dy * dy < Float(h * h / 25)
        u[0, y, x] = rect || disc ? 1 : 0
        if rect || disc { v[0, y, x] = 0 }
      }
    }
    return (v, u)
  }

  func maxDifference(_ a: PlanarImage, _ b: PlanarImage) -> Float {
    var d: Float = 0
    for i in 0..<a.count { d = max(d, abs(a.data[i] - b.data[i])) }
    return d
  }

  /// Small (guided, thorough) levels: exact Jacobi as before; only the converged coarsest solve differs.
  func testPoissonFillGuidedSizeMatchesReference() {
    for (w, h) in [(96, 96), (200, 120)] {
      let (v, u) = problem(width: w, height: h)
      let ref = v.copy()
      PoissonFill(iterations: 8, coarsestSize: 32).solve(values: v, unknown: u)
      ReferencePoissonFill(iterations: 8, coarsestSize: 32).solve(values: ref, unknown: u)
      XCTAssertLessThan(maxDifference(v, ref), 2e-4, "\(w)x\(h)")
    }
  }

  /// Large Laplace levels relax only near known pixels: the interior keeps the upsampled coarse solution.
  func testPoissonFillBandLimitedLargeLevelsMatchReference() {
    for iterations in [8, 24] {
      let (v, u) = problem(width: 640, height: 320)
      let ref = v.copy()
      PoissonFill(iterations: iterations, coarsestSize: 16).solve(values: v, unknown: u)
      ReferencePoissonFill(iterations: iterations, coarsestSize: 16).solve(values: ref, unknown: u)
      XCTAssertLessThan(maxDifference(v, ref), 2e-4, "iterations \(iterations)")
    }
  }

  /// The same solver reused across frames of changing crop size gives the same result as a fresh one.
  func testPoissonFillReusedScratchAcrossShapesIsDeterministic() {
    let scratch = ScratchImages()
    // Shrinking, growing past the kept buffer, and back: every shape a view of one buffer per role.
    for (w, h) in [(320, 160), (288, 192), (160, 96), (320, 160), (352, 200), (320, 160)] {
      let (v, u) = problem(width: w, height: h)
      let fresh = v.copy()
      PoissonFill(iterations: 8, coarsestSize: 32, scratch: scratch).solve(values: v, unknown: u)
      PoissonFill(iterations: 8, coarsestSize: 32).solve(values: fresh, unknown: u)
      XCTAssertEqual(maxDifference(v, fresh), 0, "\(w)x\(h)")
    }
  }

  func testChromaSampleRowLanesMatchesPointSamples() {
    let w = 70, h = 40
    let img = PlanarImage(width: w, height: h, channels: 3)
    for y in 0..<h {
      for x in 0..<w {
        img[0, y, x] = 0.6 + 0.004 * Float(x)
        img[1, y, x] = 0.5 + 0.003 * Float(y)
        img[2, y, x] = x > 30 && x < 45 ? 1 : 0.4 + 0.002 * Float(x + y)
      }
    }
    for box in [PixelBox(x0: 3, y0: 2, x1: 66, y1: 37), PixelBox(x0: 5, y0: 4, x1: 14, y1: 12)] {
      let field = ChromaField(image: img, clip: 0.95, box: box)
      let k = UnsafeMutablePointer<Float>.allocate(capacity: 3 * field.boxWidth)
      let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 3 * (field.ratios.width + 2) + 8)
      defer { k.deallocate(); scratch.deallocate() }
      for y in box.y0...box.y1 {
        field.sampleRowLanes(y, into: k, scratch: scratch)
        for i in 0..<field.boxWidth {
          let p = field.sample(box.x0 + i, y)
          XCTAssertEqual(k[i], p.0, accuracy: 1e-5)
          XCTAssertEqual(k[field.boxWidth + i], p.1, accuracy: 1e-5)
          XCTAssertEqual(k[2 * field.boxWidth + i], p.2, accuracy: 1e-5)
        }
      }
    }
  }

  func testClipMapBoxes() {
    let w = 53, h = 21
    let img = PlanarImage(width: w, height: h, channels: 3)
    img[0, 3, 17] = 1  // partly clipped
    img[0, 9, 50] = 1; img[1, 9, 50] = 1; img[2, 9, 50] = 1  // fully clipped, in the scalar tail
    img[0, 15, 8] = 1; img[1, 15, 8] = 1; img[2, 15, 8] = 1  // fully clipped
    img[2, 18, 40] = 0.97  // partly clipped
    let map = ClipMap(width: w, height: h)
    map.classify(img, clip: 0.95)
    XCTAssertEqual(map.anyBox, PixelBox(x0: 8, y0: 3, x1: 50, y1: 18))
    XCTAssertEqual(map.allBox, PixelBox(x0: 8, y0: 9, x1: 50, y1: 15))
    img.fill(0.2)
    map.classify(img, clip: 0.95)
    XCTAssertTrue(map.anyBox.isEmpty && map.allBox.isEmpty)
  }
}
