import Imaging
import Media
import XCTest

@testable import Pipeline

/// A stage that holds `delay` frames and tags what passed through it.
final class DelayStage: Stage {
  let name: String
  let lookAheadFrames: Int
  var held: [Frame] = []
  init(name: String, delay: Int) {
    self.name = name
    lookAheadFrames = delay
  }
  func push(_ frame: Frame) throws -> [Frame] {
    var f = frame
    f.image[0, 0, 0] += 1
    held.append(f)
    return held.count > lookAheadFrames ? [held.removeFirst()] : []
  }
  func flush() throws -> [Frame] {
    defer { held = [] }
    return held
  }
}

final class StageChainTests: XCTestCase {
  func frame(_ i: Int) -> Frame {
    Frame(image: PlanarImage(width: 2, height: 2), pts: Int64(1000 + i), index: i)
  }

  func testEveryFrameComesOutOnceInOrderThroughDelays() throws {
    let chain = StageChain([DelayStage(name: "a", delay: 2), DelayStage(name: "b", delay: 0), DelayStage(name: "c", delay: 1)])
    XCTAssertEqual(chain.lookAheadFrames, 3)
    var out: [Frame] = []
    for i in 0..<7 {
      out += try chain.push(frame(i))
      XCTAssertEqual(out.count, max(0, i + 1 - 3), "look-ahead bounds what is held")
    }
    out += try chain.flush()
    XCTAssertEqual(out.map(\.index), Array(0..<7))
    XCTAssertEqual(out.map { $0.pts! }, (0..<7).map { Int64(1000 + $0) })
    XCTAssertTrue(out.allSatisfy { $0.image[0, 0, 0] == 3 }, "each stage saw each frame once")
    XCTAssertEqual(try chain.flush().count, 0)
  }

  func testFlushOfShortStream() throws {
    let chain = StageChain([DelayStage(name: "a", delay: 4), DelayStage(name: "b", delay: 4)])
    var out = try chain.push(frame(0))
    out += try chain.flush()
    XCTAssertEqual(out.map(\.index), [0])
  }
}
