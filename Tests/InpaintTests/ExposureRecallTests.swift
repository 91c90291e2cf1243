import Imaging
import XCTest

@testable import Inpaint

/// ``ExposureRecall`` on synthetic scenes whose exposure opens while a bright window clips: the window's level
/// measured before the clip, times the exposure change, is what the stage must give back.
final class ExposureRecallTests: XCTestCase {
  let w = 96, h = 64

  /// Linear scene radiance: a wall with smooth blobs (0.05–0.4; `pattern` 1 draws other blobs) and a window at
  /// 0.8 (rows 16..<32, columns 40..<64), shifted right by `shift` pixels (a pan) and magnified `zoom` times about
  /// the frame's centre.
  func scene(shift: Int = 0, pattern: Int = 0, zoom: Float = 1) -> PlanarImage {
    let img = PlanarImage(width: w, height: h, channels: 3)
    for y in 0..<h {
      for x in 0..<w {
        let fx = (Float(x - shift) - Float(w) / 2) / zoom + Float(w) / 2
        let fy = (Float(y) - Float(h) / 2) / zoom + Float(h) / 2
        let blobs =
          pattern == 0
          ? Foundation.sin(2 * Float.pi * fx / 23) * Foundation.sin(2 * Float.pi * fy / 19)
          : Foundation.cos(2 * Float.pi * (fx + 2 * fy) / 31)
            * Foundation.cos(2 * Float.pi * (fy - fx) / 11)
        // pattern 2: a halo falling off from the window's centre, over faint blobs.
        let halo = Foundation.exp(
          -((fx - 52) * (fx - 52) + (fy - 24) * (fy - 24)).squareRoot() / 18)
        let wall = pattern == 2 ? 0.05 + 0.02 * blobs + 0.7 * halo : 0.225 + 0.175 * blobs
        let window = fy >= 16 && fy < 32 && fx >= 40 && fx < 64
        for c in 0..<3 { img[c, y, x] = window ? 0.8 * [1, 0.95, 0.85][c] : wall }
      }
    }
    return img
  }

  /// The camera's view of `scene` at `gain`: clipped at 1, with the over mask of the clipped pixels, and the
  /// clipped pixels set to a fill's guess (1.2 × white), as the stages before the recall leave them.
  func frame(_ scene: PlanarImage, gain: Float) -> (PlanarImage, PlanarImage) {
    let img = PlanarImage(width: w, height: h, channels: 3)
    let mask = PlanarImage(width: w, height: h, channels: 1)
    for y in 0..<h {
      for x in 0..<w {
        var clipped = false
        for c in 0..<3 {
          let v = gain * scene[c, y, x]
          img[c, y, x] = min(v, 1)
          if v >= 1 { clipped = true }
        }
        if clipped {
          mask[0, y, x] = 1
          for c in 0..<3 { img[c, y, x] = 1.2 }
        }
      }
    }
    return (img, mask)
  }

  func recall(_ params: RecallParams = RecallParams()) -> ExposureRecall {
    var p = params
    p.enabled = true
    return ExposureRecall(params: p, clipLinear: 0.95, peak: 1000 / 203)
  }

  func testWindowClippedByAnOpeningExposureGetsItsMeasuredLevel() {
    let r = recall()
    let gains: [Float] = [1, 1, 1.5, 2, 2.5, 2.5]
    var last = PlanarImage(width: 1, height: 1, channels: 3)
    for g in gains {
      let (img, mask) = frame(scene(), gain: g)
      r.apply(to: img, overMask: mask)
      last = img
    }
    let motion = try! XCTUnwrap(r.lastMotion)
    XCTAssertEqual(motion.gain, 1, accuracy: 0.02, "the last two frames share their exposure")
    // The window is 0.8 · 2.5 = 2 × white (R), 1.9 (G), 1.7 (B) now, where the fill guessed 1.2.
    for (c, want) in [Float(2), 1.9, 1.7].enumerated() {
      XCTAssertEqual(last[c, 24, 50], want, accuracy: 0.02 * want, "channel \(c) of the window")
    }
    XCTAssertEqual(
      last[1, 5, 5], min(2.5 * scene()[1, 5, 5], 1), accuracy: 1e-6,
      "unclipped pixels keep their level")
  }

  func testExposureChangeAndPanAreMeasured() {
    let r = recall()
    let (a, ma) = frame(scene(), gain: 0.5)
    r.apply(to: a, overMask: ma)
    let (b, mb) = frame(scene(shift: 3), gain: 0.75)
    r.apply(to: b, overMask: mb)
    let motion = try! XCTUnwrap(r.lastMotion)
    XCTAssertEqual(motion.gain, 1.5, accuracy: 0.03)
    XCTAssertEqual(motion.dx, 3, accuracy: 1)
    XCTAssertEqual(motion.dy, 0, accuracy: 1)
  }

  func testPannedWindowIsRecalledAtItsNewPlace() {
    let r = recall()
    let (a, ma) = frame(scene(), gain: 1)
    r.apply(to: a, overMask: ma)
    let (b, mb) = frame(scene(shift: 4), gain: 2)
    r.apply(to: b, overMask: mb)
    XCTAssertEqual(
      b[0, 24, 54], 1.6, accuracy: 0.05, "the window (now at columns 44..<68) at 0.8 · 2")
  }

  func testUnchangedExposureRecallsNothing() {
    let r = recall()
    for _ in 0..<4 {
      let (img, mask) = frame(scene(), gain: 1.4)
      let before = img.copy()
      r.apply(to: img, overMask: mask)
      for i in 0..<img.count { XCTAssertEqual(img.data[i], before.data[i], "pixel \(i)") }
    }
  }

  func testClosingExposureRecallsNothing() {
    let r = recall()
    for g in [Float(2.5), 2, 1.5] {
      let (img, mask) = frame(scene(), gain: g)
      let before = img.copy()
      r.apply(to: img, overMask: mask)
      for i in 0..<img.count {
        XCTAssertEqual(img.data[i], before.data[i], "pixel \(i) at gain \(g)")
      }
    }
  }

  func testResetForgetsTheMeasuredLevel() {
    let r = recall()
    let (a, ma) = frame(scene(), gain: 1)
    r.apply(to: a, overMask: ma)
    r.reset()
    let (b, mb) = frame(scene(), gain: 2)
    r.apply(to: b, overMask: mb)
    XCTAssertNil(r.lastMotion)
    XCTAssertEqual(b[0, 24, 50], 1.2, "after a reset the fill's guess stays")
  }

  func testUnrelatedFrameRecallsNothing() {
    let r = recall()
    let (a, ma) = frame(scene(), gain: 1)
    r.apply(to: a, overMask: ma)
    // A different picture (a cut the detector missed): other blobs, the window in the same place, brighter.
    let (b, mb) = frame(scene(pattern: 1), gain: 2)
    r.apply(to: b, overMask: mb)
    XCTAssertNil(r.lastMotion, "the mismatch rejects the pair")
    XCTAssertEqual(b[0, 24, 50], 1.2)
  }

  func testMemoryIsCarriedWhileTheExposureOpensSlowly() {
    // 0.1 stops per frame: no single step reaches minExposureChangeStops (0.25), their sum does.
    let r = recall()
    var img = PlanarImage(width: 1, height: 1, channels: 3)
    var g: Float = 1.1
    for _ in 0..<6 {
      let (f, m) = frame(scene(), gain: g)
      r.apply(to: f, overMask: m)
      img = f
      g *= Foundation.pow(2, 0.1)
    }
    let last = g / Foundation.pow(2, 0.1)
    XCTAssertEqual(img[0, 24, 50], 0.8 * last, accuracy: 0.03 * 0.8 * last)
  }

  func testZoomAtAnUnchangedExposureRecallsNothing() {
    // A zoom is no single shift, so matched pixels are misaligned; at an unchanged exposure nothing may be
    // recalled (the exposure floor and the quadrant check keep a misaligned zoom from reading as an opening). The
    // window and the halo's core clip at 1.3 whatever the zoom; the fill's guess must stay.
    let r = recall()
    for t in 0..<6 {
      let (img, mask) = frame(scene(pattern: 2, zoom: 1 + 0.04 * Float(t)), gain: 1.3)
      let before = img.copy()
      r.apply(to: img, overMask: mask)
      for i in 0..<img.count {
        XCTAssertEqual(img.data[i], before.data[i], "pixel \(i) of frame \(t)")
      }
    }
  }
}
