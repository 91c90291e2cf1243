import Imaging
import XCTest

@testable import Inpaint

/// ``ExposureRecall`` on synthetic scenes whose exposure opens while a bright window clips: the window's level
/// measured before the clip, times the exposure change, is what the stage must give back.
final class ExposureRecallTests: XCTestCase {
  let w = 96, h = 64

  /// Linear scene radiance: a wall with smooth blobs (0.05–0.4; `pattern` 1 draws other blobs) and a window at
  /// 0.8 (rows 16..<32, columns 40..<64), shifted right by `shift` pixels (a pan) plus `edgeShift` times the
  /// squared distance from the centre column over the half width (a wide-angle pan, faster at the edges) and
  /// magnified `zoom` times about the frame's centre.
  func scene(shift: Int = 0, edgeShift: Float = 0, pattern: Int = 0, zoom: Float = 1) -> PlanarImage {
    let img = PlanarImage(width: w, height: h, channels: 3)
    for y in 0..<h {
      for x in 0..<w {
        let off = (Float(x) - Float(w) / 2) / (Float(w) / 2)
        let fx = (Float(x - shift) - edgeShift * off * off - Float(w) / 2) / zoom + Float(w) / 2
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

  /// Pushes the camera's views of `views` (scene, gain) through `r` in order; each frame as it went in and as it
  /// came out. With `lookAhead` every frame is observed first and then recalled with the `lookAhead` frames
  /// observed after it (as the stage does); `resetAt` lists frames observed after a ``ExposureRecall/reset()``.
  func push(
    _ r: ExposureRecall, _ views: [(PlanarImage, Float)], lookAhead: Int = 0, resetAt: Set<Int> = []
  ) -> [(input: PlanarImage, output: PlanarImage)] {
    let frames = views.map { frame($0.0, gain: $0.1) }
    let inputs = frames.map { $0.0.copy() }
    if lookAhead == 0 && resetAt.isEmpty {
      for (img, mask) in frames { r.apply(to: img, overMask: mask) }
    } else {
      var observed: [ExposureRecall.Observation] = []
      for (t, (img, mask)) in frames.enumerated() {
        if resetAt.contains(t) { r.reset() }
        observed.append(r.observe(img, overMask: mask))
      }
      for (t, (img, mask)) in frames.enumerated() {
        let later = Array(observed[(t + 1)..<min(frames.count, t + 1 + lookAhead)])
        r.recall(img, overMask: mask, observation: observed[t], later: later)
      }
    }
    return zip(inputs, frames).map { ($0, $1.0) }
  }

  /// Every frame of `views` comes out as it went in.
  func assertRecallsNothing(_ views: [(PlanarImage, Float)], _ what: String, lookAhead: Int = 0) {
    for (t, f) in push(recall(), views, lookAhead: lookAhead).enumerated() {
      for i in 0..<f.input.count where f.output.data[i] != f.input.data[i] {
        XCTFail(
          "\(what): frame \(t), value \(i) changed from \(f.input.data[i]) to \(f.output.data[i])")
        return
      }
    }
  }

  func testWindowClippedByAnOpeningExposureGetsItsMeasuredLevel() {
    let r = recall()
    let last = push(r, [1, 1, 1.5, 2, 2.5, 2.5].map { (scene(), Float($0)) }).last!.output
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
    _ = push(r, [(scene(), 0.5), (scene(shift: 3), 0.75)])
    let motion = try! XCTUnwrap(r.lastMotion)
    XCTAssertEqual(motion.gain, 1.5, accuracy: 0.03)
    XCTAssertEqual(motion.dx, 3, accuracy: 1)
    XCTAssertEqual(motion.dy, 0, accuracy: 1)
  }

  func testPannedWindowIsRecalledAtItsNewPlace() {
    let out = push(recall(), [(scene(), 1), (scene(shift: 4), 2)]).last!.output
    XCTAssertEqual(
      out[0, 24, 54], 1.6, accuracy: 0.05, "the window (now at columns 44..<68) at 0.8 · 2")
  }

  func testWideAnglePanIsFollowedTileByTile() {
    // The wall moves 2 pixels at the centre and 7 at the edges: one shift for the frame leaves the edges
    // misaligned by 5 pixels, which the shift field follows.
    let r = recall()
    let out = push(r, [(scene(), 1), (scene(shift: 2, edgeShift: 5), 2)]).last!.output
    let motion = try! XCTUnwrap(r.lastMotion, "the pair is measured")
    XCTAssertEqual(motion.gain, 2, accuracy: 0.06)
    XCTAssertEqual(motion.field.shift(x: 48, y: 32).dx, 2, accuracy: 1)
    XCTAssertGreaterThan(motion.field.shift(x: 2, y: 32).dx, 4, "the edge moves faster")
    XCTAssertEqual(out[0, 24, 54], 1.6, accuracy: 0.05, "the window at 0.8 · 2")
  }

  func testZoomWithAnOpeningExposureIsRecalled() {
    let out = push(recall(), [(scene(), 1), (scene(zoom: 1.05), 2)]).last!.output
    XCTAssertEqual(out[0, 24, 52], 1.6, accuracy: 0.05, "the window at 0.8 · 2")
  }

  func testFramesOfNaNAndHugeValuesNeitherTrapNorSpread() {
    // Float input (EXR, the C API's planar float) can hold anything; the motion fit and the carry must not
    // trap on it, and a clipped window must not take a value that is not a number.
    let r = recall()
    let (a, ma) = frame(scene(), gain: 1)
    r.apply(to: a, overMask: ma)
    let (bad, mb) = frame(scene(), gain: 2)
    for i in stride(from: 0, to: bad.count, by: 7) { bad.data[i] = i % 2 == 0 ? .nan : 3e38 }
    r.apply(to: bad, overMask: mb)
    let (c, mc) = frame(scene(shift: 2), gain: 2)
    r.apply(to: c, overMask: mc)
    for i in 0..<c.count { XCTAssertFalse(c.data[i].isNaN, "value \(i) after a frame of NaNs") }
  }

  func testTallNarrowFrameSearchedByItsHeightDoesNotTrap() {
    // 32 × 540: the working copy is 8 × 135 and a 25 % search reaches 17 pixels on the copy halved again, which
    // is 4 wide; shifts past the copy's width have no overlap and must score as such, not trap.
    var p = RecallParams()
    p.enabled = true
    p.maxShiftPerHeightPercent = 25
    let r = ExposureRecall(params: p, clipLinear: 0.95, peak: 1000 / 203)
    for gain: Float in [1, 2] {
      let img = PlanarImage(width: 32, height: 540, channels: 3)
      let mask = PlanarImage(width: 32, height: 540, channels: 1)
      for y in 0..<540 {
        for x in 0..<32 {
          let v = gain * (0.25 + 0.2 * Foundation.sin(Float(x) / 3 + Float(y) / 7))
          for c in 0..<3 { img[c, y, x] = min(v, 1) }
          if v >= 1 { mask[0, y, x] = 1 }
        }
      }
      r.apply(to: img, overMask: mask)
    }
    XCTAssertEqual(try XCTUnwrap(r.lastMotion).gain, 2, accuracy: 0.1)
  }

  func testUnchangedExposureRecallsNothing() {
    assertRecallsNothing(Array(repeating: (scene(), 1.4), count: 4), "unchanged exposure")
  }

  func testClosingExposureRecallsNothingWithoutLookAhead() {
    assertRecallsNothing([2.5, 2, 1.5, 1].map { (scene(), Float($0)) }, "closing exposure")
  }

  func testWindowClippedBeforeTheExposureClosesGetsTheLaterLevel() {
    // The window (0.8) clips at gains above 1.25: frames 0-2 clip it, frame 3 measures it.
    let gains: [Float] = [2.5, 2, 1.5, 1, 1]
    let out = push(recall(), gains.map { (scene(), $0) }, lookAhead: 3)
    for (t, gain) in gains.prefix(3).enumerated() {
      XCTAssertEqual(out[t].output[0, 24, 50], 0.8 * gain, accuracy: 0.02 * 0.8 * gain, "frame \(t)")
      XCTAssertEqual(out[t].output[2, 24, 50], 0.68 * gain, accuracy: 0.02 * 0.68 * gain, "frame \(t) blue")
      XCTAssertEqual(out[t].output[1, 5, 5], out[t].input[1, 5, 5], "unclipped pixels keep their level")
    }
    // Frame 0 sees only frames 1-3, and its measurement reaches it through the two clipped frames between.
    let short = push(recall(), gains.map { (scene(), $0) }, lookAhead: 2)
    XCTAssertEqual(short[0].output[0, 24, 50], 1.2, "frame 3 is beyond frame 0's look-ahead")
    XCTAssertEqual(short[1].output[0, 24, 50], 1.6, accuracy: 0.03)
  }

  func testPannedWindowIsRecalledFromALaterFrame() {
    let out = push(recall(), [(scene(), 2), (scene(shift: -4), 1)], lookAhead: 1)
    XCTAssertEqual(out[0].output[0, 24, 50], 1.6, accuracy: 0.05, "the window at 0.8 · 2 before the pan")
  }

  func testLookAheadRecallsNothingAtUnchangedOrOpeningExposure() {
    assertRecallsNothing(Array(repeating: (scene(), 1.4), count: 4), "unchanged", lookAhead: 3)
    // Opening: the later frames clip more, so they have nothing to give back.
    assertRecallsNothing(
      [1.5, 2, 2.2].map { (scene(), Float($0)) }, "opening, the window clipped throughout", lookAhead: 2)
  }

  func testLookAheadStopsAtAReset() {
    let out = push(recall(), [(scene(), 2), (scene(), 1)], lookAhead: 1, resetAt: [1])
    XCTAssertEqual(out[0].output[0, 24, 50], 1.2, "a scene cut's frame says nothing about the one before")
  }

  func testResetForgetsTheMeasuredLevel() {
    let r = recall()
    _ = push(r, [(scene(), 1)])
    r.reset()
    let out = push(r, [(scene(), 2)])[0].output
    XCTAssertNil(r.lastMotion)
    XCTAssertEqual(out[0, 24, 50], 1.2, "after a reset the fill's guess stays")
  }

  func testUnrelatedFrameRecallsNothing() {
    // A different picture (a cut the detector missed): other blobs, the window in the same place, brighter.
    let r = recall()
    let out = push(r, [(scene(), 1), (scene(pattern: 1), 2)]).last!.output
    XCTAssertNil(r.lastMotion, "the mismatch rejects the pair")
    XCTAssertEqual(out[0, 24, 50], 1.2)
  }

  func testMemoryIsCarriedWhileTheExposureOpensSlowly() {
    // 0.1 stops per frame: no single step reaches minExposureChangeStops (0.25), their sum does.
    let gains = (0..<6).map { 1.1 * Foundation.pow(2, 0.1 * Float($0)) }
    let out = push(recall(), gains.map { (scene(), $0) }).last!.output
    XCTAssertEqual(out[0, 24, 50], 0.8 * gains[5], accuracy: 0.03 * 0.8 * gains[5])
  }

  func testZoomAtAnUnchangedExposureRecallsNothing() {
    // A zoom is no single shift, so matched pixels are misaligned; at an unchanged exposure nothing may be
    // recalled (the exposure floor and the quadrant check keep a misaligned zoom from reading as an opening). The
    // window and the halo's core clip at 1.3 whatever the zoom; the fill's guess must stay.
    assertRecallsNothing(
      (0..<6).map { (scene(pattern: 2, zoom: 1 + 0.04 * Float($0)), 1.3) }, "zoom")
  }
}
