import XCTest

@testable import Inpaint

final class ShiftFieldTests: XCTestCase {
  /// 2 × 2 tiles over a 100 × 100 frame: the left tiles shift by 0, the right ones by 4 (and 1 down).
  let field = ShiftField(columns: 2, rows: 2, width: 100, height: 100, dx: [0, 4, 0, 4], dy: [0, 1, 0, 1])

  func testShiftIsBilinearBetweenTileCentresAndLinearBeyond() {
    XCTAssertEqual(field.shift(x: 25, y: 25).dx, 0)
    XCTAssertEqual(field.shift(x: 75, y: 25).dx, 4)
    XCTAssertEqual(field.shift(x: 50, y: 60).dx, 2, accuracy: 1e-6)
    XCTAssertEqual(field.shift(x: 62.5, y: 60).dy, 0.75, accuracy: 1e-6)
    XCTAssertEqual(field.shift(x: 0, y: 0).dx, -2, accuracy: 1e-6, "left of the first centre")
    XCTAssertEqual(field.shift(x: 100, y: 100).dx, 6, accuracy: 1e-6, "right of the last centre")
    XCTAssertEqual(field.shift(x: 100, y: 100).dy, 1.5, accuracy: 1e-6, "dy extended along x as well")
  }

  func testScaledAndInverted() {
    let full = field.scaled(2)
    XCTAssertEqual(full.width, 200)
    XCTAssertEqual(full.shift(x: 100, y: 120).dx, 4, accuracy: 1e-6, "the same place, twice the pixels")
    XCTAssertEqual(field.inverted.shift(x: 75, y: 25).dx, -4)
    XCTAssertEqual(field.mean.dx, 2)
    XCTAssertEqual(field.mean.dy, 0.5)
  }
}
