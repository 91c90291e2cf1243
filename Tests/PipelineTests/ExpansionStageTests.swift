import Color
import Imaging
import Media
import XCTest

@testable import Pipeline

final class ExpansionStageTests: XCTestCase {
  var knee: ExpansionParams {
    var p = ExpansionParams()
    p.style = .knee
    return p
  }

  func frame(_ values: [Float], mask: Float? = nil) -> Frame {
    let img = PlanarImage(width: values.count, height: 1)
    for (x, v) in values.enumerated() { for c in 0..<3 { img[c, 0, x] = v } }
    var f = Frame(image: img, pts: 0, index: 0)
    if let mask {
      let m = PlanarImage(width: values.count, height: 1, channels: 1)
      m.fill(mask)
      f.overMask = m
    }
    return f
  }

  func testDiffuseLevelsUntouchedAndWhiteReachesPeak() throws {
    let stage = ExpansionStage(params: knee, output: OutputParams())
    let out = try stage.push(frame([0.1, 0.5, 1.0]))[0].image
    XCTAssertEqual(out[0, 0, 0], 0.1, accuracy: 1e-6)
    XCTAssertEqual(out[0, 0, 1], 0.5, accuracy: 1e-6, "the knee (0.5) is a fixed point")
    XCTAssertEqual(out[0, 0, 2], 1000 / 203, accuracy: 1e-4, "SDR white → 1000 cd/m² peak")
  }

  func testHueIsKept() throws {
    let stage = ExpansionStage(params: knee, output: OutputParams())
    let f = frame([0.9])
    f.image[0, 0, 0] = 1.0; f.image[1, 0, 0] = 0.9; f.image[2, 0, 0] = 0.6
    let out = try stage.push(f)[0].image
    XCTAssertEqual(out[1, 0, 0] / out[0, 0, 0], 0.9, accuracy: 1e-5)
    XCTAssertEqual(out[2, 0, 0] / out[0, 0, 0], 0.6, accuracy: 1e-5)
    XCTAssertGreaterThan(out[0, 0, 0], 1.0)
  }

  func testOverMaskDrivesClippedPixelsToPeak() throws {
    let stage = ExpansionStage(params: knee, output: OutputParams())
    let plain = try stage.push(frame([0.8]))[0].image[0, 0, 0]
    let masked = try stage.push(frame([0.8], mask: 1))[0].image[0, 0, 0]
    XCTAssertEqual(masked, 1000 / 203, accuracy: 1e-4)
    XCTAssertLessThan(plain, masked)
  }

  func testNoChannelPassesThePeak() throws {
    let stage = ExpansionStage(params: knee, output: OutputParams())
    let f = frame([1.0], mask: 1)
    f.image[0, 0, 0] = 0.3; f.image[1, 0, 0] = 0.9; f.image[2, 0, 0] = 2.5  // a saturated rebuilt highlight
    let out = try stage.push(f)[0].image
    let peak: Float = 1000 / 203
    XCTAssertEqual(out[2, 0, 0], peak, accuracy: 1e-4, "the largest channel lands on the peak, not past it")
    XCTAssertEqual(out[0, 0, 0] / out[2, 0, 0], 0.3 / 2.5, accuracy: 1e-5, "hue kept")
  }

  func testRecoverKeepsUnclippedLevelsAndScalesTheRebuiltExcess() throws {
    var p = ExpansionParams()
    p.recoverGain = 2
    let stage = ExpansionStage(params: p, output: OutputParams())
    let out = try stage.push(frame([0.05, 0.6, 0.99, 1.5]))[0].image
    XCTAssertEqual(out[0, 0, 0], 0.05)
    XCTAssertEqual(out[0, 0, 1], 0.6, "unclipped highlights keep their level")
    XCTAssertEqual(out[0, 0, 2], 0.99)
    XCTAssertEqual(out[0, 0, 3], 2.0, accuracy: 1e-5, "1 + 2·(1.5 − 1)")
  }

  func testRecoverLiftFollowsTheMaskAndStopsAtThePeak() throws {
    var p = ExpansionParams()
    p.clippedLiftLinear = 2
    let stage = ExpansionStage(params: p, output: OutputParams())
    XCTAssertEqual(try stage.push(frame([1.0], mask: 0.5))[0].image[1, 0, 0], 2.0, accuracy: 1e-5)
    p.clippedLiftLinear = 16
    let capped = try ExpansionStage(params: p, output: OutputParams()).push(frame([1.0], mask: 1))[0].image
    XCTAssertEqual(capped[0, 0, 0], 1000 / 203, accuracy: 1e-4)
  }

  func testBT2446CPutsSDRWhiteAtItsPublishedLevel() throws {
    var p = ExpansionParams()
    p.style = .bt2446c
    let out = try ExpansionStage(params: p, output: OutputParams()).push(frame([1.0, 0.0]))[0].image
    // Report ITU-R BT.2446-1 method C: SDR 100 cd/m² → ≈ 332 cd/m² (BT2446C docs), over 203 cd/m² white.
    XCTAssertEqual(out[1, 0, 0] * 203, Float(BT2446C.expand(sdrNits: 100)), accuracy: 0.05)
    XCTAssertEqual(out[1, 0, 0] * 203, 332, accuracy: 2)
    XCTAssertEqual(out[1, 0, 1], 0)
  }

  func testBT2446AIsMonotonicAndPutsWhiteNearItsPeak() throws {
    let e = BT2446Expansion(method: .bt2446a, peakNits: 1000, referenceWhiteNits: 203)
    var last: Float = -1
    for i in 0...200 {
      let y = e.mapLuminance(Float(i) / 200)
      XCTAssertGreaterThanOrEqual(y, last - 1e-4 * last, "\(i)")
      last = y
    }
    XCTAssertEqual(e.mapLuminance(1) * 203, 999.5, accuracy: 1)
  }

  func testDisabledIsIdentity() throws {
    var p = ExpansionParams()
    p.enabled = false
    let out = try ExpansionStage(params: p, output: OutputParams()).push(frame([0.3, 1.0]))[0].image
    XCTAssertEqual(out[0, 0, 1], 1.0)
  }
}
