import Imaging
import TestSupport
import XCTest

final class MorphologyTests: XCTestCase {
  func testErodeAndDilateMatchReference() {
    let src = ReferenceKernels.random(width: 29, height: 18, channels: 2, seed: 4)
    for r in [1, 2, 4, 12] {
      for op in [Morphology.Operation.erode, .dilate] {
        let out = PlanarImage(width: 29, height: 18, channels: 2)
        Morphology.apply(op, src, radius: r, into: out)
        let ref = ReferenceKernels.extremum(src, radius: r, isMax: op == .dilate)
        XCTAssertEqual(Approx.maxAbsDifference(out, ref), 0, "r \(r) \(op)")
      }
    }
  }

  func testClosingFillsOnePixelHoleOpeningRemovesSpeck() {
    let img = PlanarImage(width: 16, height: 16, channels: 1)
    img.fill(1)
    img[0, 8, 8] = 0
    let out = PlanarImage(width: 16, height: 16, channels: 1)
    Morphology.close(img, radius: 1, into: out)
    XCTAssertEqual(out[0, 8, 8], 1)
    let speck = PlanarImage(width: 16, height: 16, channels: 1)
    speck[0, 5, 5] = 1
    Morphology.open(speck, radius: 1, into: out)
    XCTAssertEqual((0..<out.count).map { out.data[$0] }.max(), 0)
  }
}
