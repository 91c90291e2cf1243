import Foundation
import VectorMath
import XCTest

final class SIMDMathTests: XCTestCase {
  func testLogExpPowMatchFoundation() {
    var maxLog: Float = 0, maxExp: Float = 0, maxPow: Float = 0
    for i in 0..<2000 {
      let x = Float(i) * 0.013 + 1e-4
      let v = SIMD8<Float>(repeating: x)
      maxLog = max(maxLog, abs(SIMDMath.log(v)[0] - Foundation.log(x)))
      let e = Float(i) * 0.02 - 20
      maxExp = max(maxExp, abs(SIMDMath.exp(SIMD8(repeating: e))[0] / Foundation.exp(e) - 1))
      maxPow = max(maxPow, abs(SIMDMath.pow(v, 2.4)[0] / Foundation.pow(x, 2.4) - 1))
    }
    XCTAssertLessThan(maxLog, 1e-6)
    XCTAssertLessThan(maxExp, 1e-6)
    XCTAssertLessThan(maxPow, 1e-5)
    XCTAssertEqual(SIMDMath.pow(SIMD8(repeating: 0), 2)[0], 0)
  }
}
