import Foundation
import Imaging
import XCTest

@testable import Inpaint

/// ``MotionFit`` against motions known exactly: a log-luminance texture moved by a quadratic field and offset by
/// an exposure change.
final class MotionFitTests: XCTestCase {
  let w = 96, h = 64

  /// A smooth texture (natural-log units).
  func texture(_ x: Double, _ y: Double) -> Float {
    Float(
      0.6 * sin(2 * .pi * x / 17) * cos(2 * .pi * y / 13) + 0.4 * sin(2 * .pi * (x + 2 * y) / 29)
        + 0.3 * cos(2 * .pi * (x - y) / 11))
  }

  /// The texture as seen before and after a motion `shift(u, v)` (content at p now was at p − shift before) and
  /// an exposure change of `offset`.
  func pair(offset: Float, shift: (Double, Double) -> (Double, Double)) -> (
    PlanarImage, PlanarImage
  ) {
    let before = PlanarImage(width: w, height: h, channels: 1)
    let after = PlanarImage(width: w, height: h, channels: 1)
    for y in 0..<h {
      for x in 0..<w {
        before[0, y, x] = texture(Double(x), Double(y))
        let u = (Double(x) + 0.5 - Double(w) / 2) / (Double(w) / 2)
        let v = (Double(y) + 0.5 - Double(h) / 2) / (Double(h) / 2)
        let s = shift(u, v)
        after[0, y, x] = texture(Double(x) - s.0, Double(y) - s.1) + offset
      }
    }
    return (before, after)
  }

  func fit(_ before: PlanarImage, _ after: PlanarImage, start: (Double, Double)) -> MotionFit? {
    let valid = [Bool](repeating: true, count: w * h)
    var m = MotionFit(width: w, height: h, dx: start.0, dy: start.1)
    return m.refine(previous: before, previousValid: valid, current: after, currentValid: valid, iterations: 20)
      ? m : nil
  }

  func testZoomWithAShiftAndAnExposureChangeIsRecovered() throws {
    // A 3 % zoom (1.44 pixels at the side edges) with a pan of (1.2, −0.7), at +0.4 natural-log exposure.
    let zoom = { (u: Double, v: Double) in (1.2 + 0.03 * 48 * u, -0.7 + 0.03 * 32 * v) }
    let (before, after) = pair(offset: 0.4, shift: zoom)
    let m = try XCTUnwrap(fit(before, after, start: (1, -1)))
    for (x, y) in [(10, 10), (48, 32), (85, 50), (5, 60)] {
      let u = (Double(x) + 0.5 - 48) / 48
      let v = (Double(y) + 0.5 - 32) / 32
      let want = zoom(u, v)
      let got = m.shift(x, y)
      XCTAssertEqual(got.dx, want.0, accuracy: 0.1, "dx at (\(x), \(y))")
      XCTAssertEqual(got.dy, want.1, accuracy: 0.1, "dy at (\(x), \(y))")
    }
  }

  func testWideAnglePanFasterAtTheEdgesIsRecovered() throws {
    // 2 pixels at the centre, 3.5 at the side edges.
    let pan = { (u: Double, _: Double) in (2 + 1.5 * u * u, 0.0) }
    let (before, after) = pair(offset: 0, shift: pan)
    let m = try XCTUnwrap(fit(before, after, start: (2, 0)))
    XCTAssertEqual(m.shift(48, 32).dx, 2, accuracy: 0.15)
    XCTAssertEqual(m.shift(2, 32).dx, 2 + 1.5 * pow(46.5 / 48, 2), accuracy: 0.25)
    let field = m.field(tiles: 4)
    XCTAssertEqual(Double(field.shift(x: 2.5, y: 32).dx), m.shift(2, 32).dx, accuracy: 0.3, "the tiled field")
  }

  func testFlatFrameHasNoFit() {
    let flat = PlanarImage(width: w, height: h, channels: 1)
    flat.fill(-1)
    XCTAssertNil(fit(flat, flat, start: (0, 0)), "no texture, no motion")
  }

  func testAStartFarOutsideTheFrameFailsWithoutTrapping() {
    let (before, after) = pair(offset: 0, shift: { _, _ in (1, 0) })
    XCTAssertNil(fit(before, after, start: (-1e30, 0)), "every pixel would be read beyond the copy")
    XCTAssertNil(fit(before, after, start: (.nan, 0)))
  }

  func testSolveMatchesAKnownSystem() throws {
    let x = try XCTUnwrap(MotionFit.solve([2, 1, 0, 1, 3, 1, 0, 1, 4], [3, 5, 5], size: 3))
    for (got, want) in zip(x, [1.0, 1, 1]) { XCTAssertEqual(got, want, accuracy: 1e-12) }
    XCTAssertNil(MotionFit.solve([1, 2, 2, 4], [1, 2], size: 2), "singular")
  }
}
