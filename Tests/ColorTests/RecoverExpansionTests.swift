import Color
import Imaging
import TestSupport
import XCTest

/// The `recover` frame loop (eight pixels tested and skipped at a time) against its per-pixel definition `map`.
final class RecoverExpansionTests: XCTestCase {
  /// A frame mixing diffuse pixels, rebuilt highlights above SDR white, pixels past the peak and odd values, with
  /// a width that leaves a tail shorter than eight.
  func frame(width: Int = 203, height: Int = 37) -> (PlanarImage, PlanarImage) {
    let img = PlanarImage(width: width, height: height, channels: 3)
    let mask = PlanarImage(width: width, height: height, channels: 1)
    var rng = SeededNoise(seed: 12345)
    func next() -> Float { rng.uniform() }
    for i in 0..<img.planeSize {
      let kind = next()
      let scale: Float = kind < 0.7 ? 1 : (kind < 0.9 ? 3 : 9)
      for c in 0..<3 { img.data[c * img.planeSize + i] = next() * scale }
      mask.data[i] = kind < 0.8 ? 0 : next()
    }
    img.data[5] = 0
    img.data[img.planeSize + 5] = 0
    img.data[2 * img.planeSize + 5] = 0
    return (img, mask)
  }

  func check(liftLinear: Float, withMask: Bool) {
    var p = ExpansionParams()
    p.recoverGain = 4
    p.clippedLiftLinear = liftLinear
    p.liftOpeningRadiusPixels = 0  // the random mask's single pixels would all be opened away
    let e = RecoverExpansion(params: p, peakNits: 1000, referenceWhiteNits: 203)
    let (img, mask) = frame()
    let before = img.copy()
    e.apply(to: img, overMask: withMask ? mask : nil)
    var changed = 0
    for i in 0..<img.planeSize {
      let n = img.planeSize
      let want = e.map(
        before.data[i], before.data[n + i], before.data[2 * n + i], mask: withMask ? mask.data[i] : 0)
      XCTAssertEqual(img.data[i], want.x, "pixel \(i)")
      XCTAssertEqual(img.data[n + i], want.y, "pixel \(i)")
      XCTAssertEqual(img.data[2 * n + i], want.z, "pixel \(i)")
      if img.data[i] != before.data[i] { changed += 1 }
    }
    XCTAssertGreaterThan(changed, img.planeSize / 5, "the frame exercises both paths")
  }

  func testFrameLoopEqualsThePerPixelDefinition() {
    check(liftLinear: 0, withMask: true)
    check(liftLinear: 0.5, withMask: true)
    check(liftLinear: 0.5, withMask: false)
  }

  /// The lift reads the mask opened by a (2r + 1)² square: a clipped block 8 px wide (a caption) gets none, one
  /// 40 px wide keeps it away from its corners.
  func testLiftSkipsRegionsNarrowerThanTheOpening() {
    var p = ExpansionParams()
    p.clippedLiftLinear = 1
    p.liftOpeningRadiusPixels = 8
    let e = RecoverExpansion(params: p, peakNits: 1000, referenceWhiteNits: 203)
    let img = PlanarImage(width: 96, height: 64, channels: 3)
    let mask = PlanarImage(width: 96, height: 64, channels: 1)
    img.fill(0.05)
    for y in 0..<64 {
      for x in 0..<96 where (x >= 4 && x < 12 && y >= 10 && y < 50) || (x >= 40 && x < 80 && y >= 10 && y < 50) {
        for c in 0..<3 { img[c, y, x] = 1 }
        mask[0, y, x] = 1
      }
    }
    e.apply(to: img, overMask: mask)
    XCTAssertEqual(img[1, 30, 8], 1, "the narrow block keeps its level")
    XCTAssertEqual(img[1, 30, 60], 2, accuracy: 1e-5, "the wide block is lifted by clippedLiftLinear")
    XCTAssertEqual(img[1, 30, 41], 2, accuracy: 1e-5, "up to its edge")
  }
}
