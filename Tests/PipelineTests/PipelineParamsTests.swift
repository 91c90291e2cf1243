import Imaging
import Parameters
import XCTest

@testable import Pipeline

final class PipelineParamsTests: XCTestCase {
  func testDefaultsValidate() throws {
    XCTAssertNoThrow(try PipelineParams().validate())
  }

  func testErrorsCarryDottedKeys() {
    var p = PipelineParams()
    p.output.peakNits = 50
    XCTAssertThrowsError(try p.validate()) { XCTAssertEqual(($0 as? ParameterError)?.key, "output.peakNits") }
    p = PipelineParams()
    p.output.transfer = "srgb"
    XCTAssertThrowsError(try p.validate()) { XCTAssertEqual(($0 as? ParameterError)?.key, "output.transfer") }
    p = PipelineParams()
    p.masks.overHighSignal = 0.9
    XCTAssertThrowsError(try p.validate()) { XCTAssertEqual(($0 as? ParameterError)?.key, "masks.overHighSignal") }
    p = PipelineParams()
    p.output.transfer = "linear"
    XCTAssertThrowsError(try p.validate()) { XCTAssertEqual(($0 as? ParameterError)?.key, "output.pixelFormat") }
    p.output.pixelFormat = .gbrpf32le
    XCTAssertNoThrow(try p.validate())
  }

  func testWindowBoundsDenoiseLookAhead() {
    var p = PipelineParams()
    p.denoise.enabled = true
    p.window.maxLookAheadFrames = 0
    XCTAssertThrowsError(try p.validate()) { XCTAssertEqual(($0 as? ParameterError)?.key, "denoise.radiusFrames") }
    p.denoise.causal = true
    XCTAssertNoThrow(try p.validate(), "the causal variant looks ahead 0 frames")
  }
}
