import Denoise
import Imaging
import Media
import Pipeline
import TestSupport
import XCTest

/// ShadowDenoiseStage buffer handling: in place at radius 0, pooled outputs at radius > 0 that never alias an
/// image a frame still holds, and the same pixels as the denoiser on the original window.
final class StagesShadowReuseTests: XCTestCase {
  func frame(_ i: Int, w: Int = 40, h: Int = 24) -> Frame {
    let img = PlanarImage(width: w, height: h, channels: 3)
    var s = UInt64(i + 1) &* 0x9E37_79B9_7F4A_7C15
    for k in 0..<img.count {
      s = s &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      img.data[k] = 0.01 + 0.02 * Float(s >> 40) / Float(1 << 24)
    }
    let m = PlanarImage(width: w, height: h, channels: 1)
    for y in 4..<20 { for x in 3..<(w / 2) { m[0, y, x] = 1 } }
    var f = Frame(image: img, pts: Int64(i), index: i)
    f.underMask = m
    return f
  }

  func testRadiusZeroDenoisesInPlaceSameAsDenoiser() throws {
    var p = ShadowParams()
    p.radiusFrames = 0
    let stage = try ShadowDenoiseStage(params: p)
    let f = frame(0)
    let original = f.image.copy()
    let expected = try ShadowDenoiser(params: p).denoise(window: [original], center: 0, underMask: f.underMask!)
    let out = try stage.push(f)
    XCTAssert(out[0].image === f.image)
    XCTAssertEqual(Approx.maxAbsDifference(out[0].image, expected), 0)
  }

  func testRadiusOneOutputsNeverAliasHeldImagesAndMatchDenoiser() throws {
    var p = ShadowParams()
    p.radiusFrames = 1
    let stage = try ShadowDenoiseStage(params: p)
    let denoiser = try ShadowDenoiser(params: p)
    let inputs = (0..<10).map { frame($0) }
    let originals = inputs.map { $0.image.copy() }
    var emitted: [Frame] = []
    for f in inputs { emitted += try stage.push(f) }
    emitted += try stage.flush()
    XCTAssertEqual(emitted.map(\.index), Array(0..<10))
    for (i, f) in emitted.enumerated() {
      let lo = max(i - 1, 0), hi = min(i + 1, 9)
      let expected = denoiser.denoise(
        window: Array(originals[lo...hi]), center: i - lo, underMask: inputs[i].underMask!)
      XCTAssertEqual(Approx.maxAbsDifference(f.image, expected), 0, "frame \(i)")
      // Inputs are untouched and no output aliases another held image.
      XCTAssertEqual(Approx.maxAbsDifference(inputs[i].image, originals[i]), 0)
      for (j, g) in emitted.enumerated() where j != i { XCTAssert(f.image !== g.image) }
      for g in inputs { XCTAssert(f.image !== g.image) }
    }
  }
}
