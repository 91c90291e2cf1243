import Foundation
import Imaging
import Media
import Parameters
import XCTest

@testable import Pipeline

final class ReexposePipelineTests: XCTestCase {
  func frame(_ w: Int, _ h: Int, value: Float, pts: Int64) -> Frame {
    let img = PlanarImage(width: w, height: h)
    img.fill(value)
    let signal = PlanarImage(width: w, height: h)
    signal.fill(min(1, powf(value, 1 / 2.4)))
    return Frame(image: img, pts: pts, index: -1, signal: signal)
  }

  func testStaticRunsNoStageAndPassesFramesThrough() throws {
    var p = PipelineParams()
    p.highlights.enabled = false
    p.denoise.enabled = false
    p.expansion.enabled = false
    let pipe = try ReexposePipeline(params: p)
    XCTAssertEqual(pipe.stageNames, [])
    XCTAssertEqual(pipe.lookAheadFrames, 0)
    let out = try pipe.push(frame(4, 4, value: 0.5, pts: 9))
    XCTAssertEqual(out.count, 1)
    XCTAssertEqual(out[0].image[1, 2, 3], 0.5)
  }

  func testDefaultChainOrderAndFrameNumbering() throws {
    let pipe = try ReexposePipeline(params: PipelineParams())
    XCTAssertEqual(pipe.stageNames.first, "masks")
    XCTAssertEqual(pipe.stageNames.last, "expansion")
    var out: [Frame] = []
    for i in 0..<5 { out += try pipe.push(frame(8, 6, value: 0.2 * Float(i), pts: Int64(100 + i))) }
    out += try pipe.flush()
    XCTAssertEqual(out.map(\.index), [0, 1, 2, 3, 4])
    XCTAssertEqual(out.map { $0.pts! }, [100, 101, 102, 103, 104])
    XCTAssertTrue(out.allSatisfy { $0.overMask != nil && $0.underMask != nil })
  }

  func testSizeChangeIsRejectedWithBothSizes() throws {
    var p = PipelineParams()
    p.denoise.enabled = true  // looks ahead one frame, so the first frame is still held at the fault
    let pipe = try ReexposePipeline(params: p)
    XCTAssertEqual(try pipe.push(frame(8, 6, value: 0.3, pts: 0)).count, 0)
    XCTAssertThrowsError(try pipe.push(frame(6, 6, value: 0.3, pts: 1))) { error in
      XCTAssertEqual(error as? PipelineError, .geometryChanged(frameIndex: 1, expected: "8x6", got: "6x6"))
    }
    XCTAssertEqual(try pipe.flush().count, 1, "the frame before the fault still drains")
  }

  func testSceneCutIsMarkedOnAHardCut() throws {
    var p = PipelineParams()
    p.denoise.enabled = false
    let pipe = try ReexposePipeline(params: p)
    var out: [Frame] = []
    out += try pipe.push(frame(8, 8, value: 0.05, pts: 0))
    out += try pipe.push(frame(8, 8, value: 0.05, pts: 1))
    out += try pipe.push(frame(8, 8, value: 0.9, pts: 2))
    out += try pipe.flush()
    XCTAssertEqual(out.map(\.isSceneCut), [false, false, true])
  }

  func testInvalidParamsThrowDottedKey() {
    var p = PipelineParams()
    p.window.maxLookAheadFrames = 99
    XCTAssertThrowsError(try ReexposePipeline(params: p)) { XCTAssertEqual(($0 as? ParameterError)?.key, "window.maxLookAheadFrames") }
  }
}
