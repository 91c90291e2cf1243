import Color
import XCTest

/// Primaries, RGB → XYZ and the BT.709 → BT.2020 conversion.
final class PrimariesTests: XCTestCase {
  /// REFERENCE §1 / ITU-R BT.2087 matrix, to 1e-4.
  func testBT709ToBT2020Matrix() {
    let m = Primaries.conversion(from: .bt709, to: .bt2020)
    let expected: [[Double]] = [[0.6274, 0.3293, 0.0433], [0.0691, 0.9195, 0.0114], [0.0164, 0.0880, 0.8956]]
    for r in 0..<3 {
      for c in 0..<3 {
        XCTAssertEqual(m[r, c], expected[r][c], accuracy: 1e-4, "[\(r), \(c)]")
      }
    }
  }

  func testWhiteMapsToWhite() {
    for source in Primaries.allCases {
      for destination in Primaries.allCases {
        let w = Primaries.conversion(from: source, to: destination).apply((1, 1, 1))
        assertClose(w, (1, 1, 1), tolerance: 1e-12, "\(source) → \(destination)")
      }
      let y = source.toXYZ.apply((1, 1, 1))
      XCTAssertEqual(y.1, 1, accuracy: 1e-12, "white Y of \(source)")
    }
  }

  func testInverseRoundTrip() {
    let m = Primaries.conversion(from: .bt709, to: .bt2020)
    let back = Primaries.conversion(from: .bt2020, to: .bt709)
    let product = back * m
    for r in 0..<3 {
      for c in 0..<3 {
        XCTAssertEqual(product[r, c], r == c ? 1 : 0, accuracy: 1e-12)
        XCTAssertEqual((m.inverse * m)[r, c], r == c ? 1 : 0, accuracy: 1e-12)
      }
    }
    let v = (0.3, 0.7, 0.05)
    assertClose(back.apply(m.apply(v)), v, tolerance: 1e-12, "709 → 2020 → 709")
  }

  /// The Y row of RGB → XYZ equals the published luma weights (to their 4-digit rounding).
  func testLumaWeightsMatchXYZ() {
    for p in Primaries.allCases {
      let m = p.toXYZ
      let w = p.lumaWeights
      XCTAssertEqual(m[1, 0], w.0, accuracy: 1e-4, "\(p) Kr")
      XCTAssertEqual(m[1, 1], w.1, accuracy: 1e-4, "\(p) Kg")
      XCTAssertEqual(m[1, 2], w.2, accuracy: 1e-4, "\(p) Kb")
    }
  }

  func testConversionToSelfIsIdentity() {
    XCTAssertEqual(Primaries.conversion(from: .bt2020, to: .bt2020), .identity)
  }
}
