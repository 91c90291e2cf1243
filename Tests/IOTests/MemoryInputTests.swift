import CShim
import Foundation
import XCTest

import IO

/// MediaReader over in-memory bytes (`MemoryInput`, the stream-reader fuzz target's way in): the same items as
/// reading the file, seeking containers included, and the demuxer restriction.
final class MemoryInputTests: XCTestCase {
  override class func setUp() {
    super.setUp()
    rx_set_log_level(-8)  // AV_LOG_QUIET
  }

  private func bytes(_ file: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
  }

  func testMemoryReadsTheSameFramesAsTheFile() throws {
    let t = try ToolRunner()
    // MP4 seeks (to its index at the end); NUT with audio hands packets through.
    let clips = [
      try t.testClip("a.mkv", frames: 4, extra: ["-strict", "-1"]),
      try t.testClip("a.mp4", frames: 4, codec: ["-c:v", "mpeg4"]),
      try t.testClip("a.nut", frames: 4, audio: true),
    ]
    for file in clips {
      let fromFile = ReaderTests.drain(try MediaReader(path: file))
      let reader = try MediaReader(path: "memory", memory: MemoryInput(bytes: try bytes(file)))
      XCTAssertEqual(reader.info.width, 64, file)
      XCTAssertEqual(reader.info.height, 48, file)
      let fromMemory = ReaderTests.drain(reader)
      XCTAssertNil(fromMemory.error, "\(file): \(String(describing: fromMemory.error))")
      XCTAssertEqual(fromMemory.pts, fromFile.pts, file)
      XCTAssertEqual(fromMemory.packets, fromFile.packets, file)
      XCTAssertEqual(fromMemory.pts.count, 4, file)
    }
  }

  func testRawFramesFromMemory() throws {
    let t = try ToolRunner()
    let raw = try bytes(try t.testClip("a.yuv", frames: 3, codec: [], extra: ["-f", "rawvideo"]))
    let options = RawVideoOptions(width: 64, height: 48, pixelFormat: "yuv420p")
    let whole = ReaderTests.drain(try MediaReader(path: "raw", raw: options, memory: MemoryInput(bytes: raw)))
    XCTAssertNil(whole.error)
    XCTAssertEqual(whole.pts.count, 3)
    let cut = ReaderTests.drain(
      try MediaReader(path: "raw", raw: options, memory: MemoryInput(bytes: Array(raw.dropLast(100)))))
    XCTAssertEqual(cut.pts.count, 2)
    guard case .truncated? = cut.error as? IOError else { return XCTFail("\(String(describing: cut.error))") }
  }

  func testFormatsRestrictTheDemuxers() throws {
    let t = try ToolRunner()
    let mkv = try bytes(try t.testClip("a.mkv", frames: 2, extra: ["-strict", "-1"]))
    let allowed = try MediaReader(path: "m", memory: MemoryInput(bytes: mkv, formats: ["matroska", "nut"]))
    XCTAssertEqual(allowed.info.containerFormat, "matroska,webm")
    XCTAssertThrowsError(try MediaReader(path: "m", memory: MemoryInput(bytes: mkv, formats: ["nut"]))) { e in
      XCTAssertNotNil(e as? IOError, "\(e)")
    }
  }

  func testEmptyAndGarbageBytesThrow() {
    for bytes in [[UInt8](), [UInt8](repeating: 0x47, count: 10), Array("not media".utf8)] {
      XCTAssertThrowsError(try MediaReader(path: "m", memory: MemoryInput(bytes: bytes))) { e in
        XCTAssertNotNil(e as? IOError, "\(e)")
      }
    }
  }

  func testAnInputFeedsOneReader() throws {
    let t = try ToolRunner()
    let input = MemoryInput(bytes: try bytes(try t.testClip("a.nut", frames: 1)))
    _ = try MediaReader(path: "m", memory: input)
    XCTAssertThrowsError(try MediaReader(path: "m", memory: input)) { e in
      XCTAssertEqual(e as? IOError, .invalidArgument("a MemoryInput feeds only one reader"))
    }
  }
}
