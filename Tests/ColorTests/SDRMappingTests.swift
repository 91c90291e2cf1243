import Color
import XCTest

/// ``SDRMapping``: BT.2408 placement of SDR white, both lights, both outputs.
final class SDRMappingTests: XCTestCase {
  private let pqWhite = PQ.encode(nits: 203)

  func testDisplayLightPQ() {
    let m = SDRMapping()
    assertClose(m.signal(r: 1, g: 1, b: 1), (pqWhite, pqWhite, pqWhite), tolerance: 1e-12, "white → PQ(203)")
    XCTAssertEqual(pqWhite, 0.5806, accuracy: 1e-4)
    assertClose(m.displayNits(r: 0, g: 0, b: 0), (0, 0, 0), tolerance: 0, "black")
    for v in linearSweep(from: 0, to: 1, count: 11) {
      XCTAssertEqual(m.greyNits(v), 203 * pow(v, 2.4), accuracy: 1e-9, "BT.1886 grey \(v)")
    }
    var srgb = m
    srgb.sdrTransfer = .srgb
    XCTAssertEqual(srgb.greyNits(0.5), 203 * SRGB.eotf(0.5), accuracy: 1e-9)
  }

  /// BT.709 primaries land on the columns of the BT.709 → BT.2020 matrix, scaled by reference white.
  func testDisplayLightGamut() {
    let m = SDRMapping()
    assertClose(m.displayNits(r: 1, g: 0, b: 0), (203 * 0.6274, 203 * 0.0691, 203 * 0.0164), tolerance: 0.03,
                "BT.709 red")
    var wide = m
    wide.sourcePrimaries = .bt2020
    assertClose(wide.displayNits(r: 1, g: 0, b: 0), (203, 0, 0), tolerance: 1e-12, "BT.2020 input is untouched")
  }

  func testDisplayLightHLG() {
    let m = SDRMapping(output: .hlg)
    let w = m.signal(r: 1, g: 1, b: 1)
    assertClose(w, (0.75, 0.75, 0.75), tolerance: 5e-4, "white → HLG 75 % (BT.2408)")
    // The HLG display shows the SDR display's light.
    for v in linearSweep(from: 0.05, to: 1, count: 20) {
      let s = m.signal(r: v, g: v, b: v)
      XCTAssertEqual(HLG.eotf(signal: s.0, peakNits: 1000), 203 * pow(v, 2.4), accuracy: 1e-9 * 203)
    }
  }

  func testSceneLightHLG() {
    let m = SDRMapping(light: .scene, output: .hlg)
    XCTAssertEqual(m.sceneScale, pow(0.203, 1 / 1.2), accuracy: 1e-15)
    let w = m.signal(r: 1, g: 1, b: 1)
    assertClose(w, (0.75, 0.75, 0.75), tolerance: 5e-4, "SDR 100 % → HLG 75 % (BT.2408)")
    XCTAssertEqual(m.greyNits(1), 203, accuracy: 1e-9, "… shown at 203 cd/m² on 1000 cd/m²")
    // Scene light is the inverse BT.709 OETF, scaled.
    for v in linearSweep(from: 0, to: 1, count: 11) {
      let s = m.sceneLight(r: v, g: v, b: v)
      XCTAssertEqual(s.1, BT709.inverseOETF(v) * m.sceneScale, accuracy: 1e-12)
      XCTAssertEqual(m.signal(r: v, g: v, b: v).0, HLG.oetf(s.0), accuracy: 1e-12)
    }
  }

  func testSceneLightPQ() {
    let m = SDRMapping(light: .scene, output: .pq)
    assertClose(m.signal(r: 1, g: 1, b: 1), (pqWhite, pqWhite, pqWhite), tolerance: 1e-9, "white → PQ(203)")
  }

  func testReferenceWhiteSetting() {
    let m = SDRMapping(referenceWhiteNits: 300)
    XCTAssertEqual(m.greyNits(1), 300, accuracy: 1e-9)
    let h = SDRMapping(light: .scene, output: .hlg, referenceWhiteNits: 300)
    XCTAssertEqual(h.greyNits(1), 300, accuracy: 1e-9)
  }

  /// Every light × SDR transfer × output: grey maps monotonically and stays in 0...1.
  func testMonotonicForEveryCombination() {
    for light in SDRMapping.Light.allCases {
      for transfer in SDRMapping.SDRTransfer.allCases {
        for output in SDRMapping.Output.allCases {
          let m = SDRMapping(light: light, sdrTransfer: transfer, output: output)
          var previous = -1.0
          for v in linearSweep(from: 0, to: 1, count: 1024) {
            let s = m.signal(r: v, g: v, b: v)
            XCTAssertGreaterThan(s.1, previous, "\(light) \(transfer) \(output) at \(v)")
            XCTAssertTrue((0...1).contains(s.0) && (0...1).contains(s.1) && (0...1).contains(s.2))
            previous = s.1
          }
        }
      }
    }
  }

  func testValidation() throws {
    try SDRMapping().validate()
    XCTAssertThrowsError(try SDRMapping(referenceWhiteNits: 10).validate())
    XCTAssertThrowsError(try SDRMapping(referenceWhiteNits: .nan).validate())
    XCTAssertThrowsError(try SDRMapping(hlgPeakNits: 100).validate())
  }
}
