import Diffusion
import Imaging
import Parameters
import XCTest

/// `DiffusionParams` defaults and validation.
final class ParamsTests: XCTestCase {
  func testDefaults() throws {
    let p = DiffusionParams()
    XCTAssertEqual(p.steps, 2)
    XCTAssertEqual(p.eta, 0)
    XCTAssertEqual(p.strength, 1)
    XCTAssertEqual(p.workingScale, 0.25)
    XCTAssertEqual(p.tileSizePixels, 64)
    XCTAssertEqual(p.seed, 0)
    XCTAssertEqual(p.maskThreshold, 0.05)
    XCTAssertEqual(p, DiffusionParams.default)
    XCTAssertNoThrow(try p.validate())
  }

  func testEachFieldIsValidatedWithItsName() {
    let cases: [(String, (inout DiffusionParams) -> Void)] = [
      ("steps", { $0.steps = 0 }), ("steps", { $0.steps = 51 }),
      ("eta", { $0.eta = -0.1 }), ("eta", { $0.eta = 1.5 }), ("eta", { $0.eta = .nan }),
      ("strength", { $0.strength = 1.01 }), ("strength", { $0.strength = -1 }),
      ("workingScale", { $0.workingScale = 0.01 }), ("workingScale", { $0.workingScale = 2 }),
      ("tileSizePixels", { $0.tileSizePixels = 8 }), ("tileSizePixels", { $0.tileSizePixels = 66 }),
      ("tileSizePixels", { $0.tileSizePixels = 512 }),
      ("maskThreshold", { $0.maskThreshold = 1.1 }), ("maskThreshold", { $0.maskThreshold = -0.1 }),
    ]
    for (key, edit) in cases {
      var p = DiffusionParams()
      edit(&p)
      XCTAssertThrowsError(try p.validate(), key) { error in
        XCTAssertEqual((error as? ParameterError)?.key, key, "\(error)")
      }
    }
  }

  func testInitRejectsBadParams() {
    var p = DiffusionParams()
    p.steps = 0
    XCTAssertThrowsError(try DiffusionInpainter(contentsOf: DiffusionFixtures.weightsPath, params: p)) { error in
      XCTAssertEqual((error as? ParameterError)?.key, "steps")
    }
  }
}
