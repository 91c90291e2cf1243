import Imaging
import TestSupport
import XCTest

final class AreaResizeTests: XCTestCase {
  /// Plain 2-D reference: the mean of the source over the destination pixel's footprint, in Double.
  func reference(_ src: PlanarImage, width dw: Int, height dh: Int) -> PlanarImage {
    let out = PlanarImage(width: dw, height: dh, channels: src.channels)
    let sx = Double(src.width) / Double(dw), sy = Double(src.height) / Double(dh)
    for c in 0..<src.channels {
      for y in 0..<dh {
        for x in 0..<dw {
          var acc = 0.0
          for j in 0..<src.height {
            let cy = min(Double(y + 1) * sy, Double(j + 1)) - max(Double(y) * sy, Double(j))
            if cy <= 0 { continue }
            for i in 0..<src.width {
              let cx = min(Double(x + 1) * sx, Double(i + 1)) - max(Double(x) * sx, Double(i))
              if cx > 0 { acc += Double(src.row(c, j)[i]) * cx * cy }
            }
          }
          out.row(c, y)[x] = Float(acc / (sx * sy))
        }
      }
    }
    return out
  }

  func ramp(width: Int, height: Int, channels: Int = 3) -> PlanarImage {
    let img = PlanarImage(width: width, height: height, channels: channels)
    for i in 0..<img.count { img.data[i] = Float((i * 7919) % 997) / 997 }
    return img
  }

  func testWholeFactorIsBlockMean() {
    let src = ramp(width: 16, height: 12)
    let out = AreaResize.resize(src, width: 4, height: 3)
    for c in 0..<3 {
      for y in 0..<3 {
        for x in 0..<4 {
          var s: Float = 0
          for j in 0..<4 { for i in 0..<4 { s += src.row(c, 4 * y + j)[4 * x + i] } }
          XCTAssertEqual(out.row(c, y)[x], s / 16, accuracy: 1e-5)
        }
      }
    }
  }

  func testFractionalFactorMatchesReference() {
    let src = ramp(width: 37, height: 23)
    for (w, h) in [(8, 6), (36, 23), (11, 7), (37, 5)] {
      let out = AreaResize.resize(src, width: w, height: h)
      XCTAssertLessThanOrEqual(Approx.maxAbsDifference(out, reference(src, width: w, height: h)), 1e-5, "\(w)x\(h)")
    }
  }

  func testConstantStaysConstantAndSameSizeIsIdentity() {
    let src = PlanarImage(width: 1920, height: 1080, channels: 1)
    src.fill(0.75)
    let out = AreaResize.resize(src, width: 480, height: 272)
    for i in 0..<out.count { XCTAssertEqual(out.data[i], 0.75, accuracy: 1e-5) }
    let r = ramp(width: 9, height: 5)
    XCTAssertEqual(Approx.maxAbsDifference(AreaResize.resize(r, width: 9, height: 5), r), 0)
  }
}
