import CShim
import Foundation
import XCTest

import IO

/// MediaReader on real ffmpeg output: containers, raw frames, pipes and broken inputs.
final class ReaderTests: XCTestCase {
  override class func setUp() {
    super.setUp()
    rx_set_log_level(-8)  // AV_LOG_QUIET: the truncation tests make libav log on purpose
  }

  /// Reads everything; returns the frames' pts, passthrough packet count and the error that ended it.
  static func drain(_ reader: MediaReader) -> (pts: [Int64?], packets: Int, error: Error?) {
    var pts: [Int64?] = []
    var packets = 0
    do {
      while let item = try reader.next() {
        switch item {
        case .video(let f): pts.append(f.pts)
        case .packet: packets += 1
        }
      }
    } catch {
      return (pts, packets, error)
    }
    return (pts, packets, nil)
  }

  func testContainersDeliverAllFramesWithInfo() throws {
    let t = try ToolRunner()
    for (name, extra) in [("a.nut", [String]()), ("a.mkv", ["-strict", "-1"]), ("a.y4m", []), ("a.ts", ["-c:v", "mpeg2video"]), ("a.mp4", ["-c:v", "mpeg4"])] {
      let codec = name == "a.y4m" || extra.contains("-c:v") ? [] : ["-c:v", "rawvideo"]
      let file = try t.testClip(name, frames: 6, codec: codec, extra: extra + ["-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709"])
      let reader = try MediaReader(path: file)
      XCTAssertEqual(reader.info.width, 64, name)
      XCTAssertEqual(reader.info.height, 48, name)
      XCTAssertEqual(reader.info.pixelFormat, "yuv420p", name)
      XCTAssertEqual(Double(reader.info.frameRate.num) / Double(reader.info.frameRate.den), 25, accuracy: 0.01, name)
      let r = Self.drain(reader)
      XCTAssertNil(r.error, "\(name): \(String(describing: r.error))")
      XCTAssertEqual(r.pts.count, 6, name)
      XCTAssertEqual(r.pts.compactMap { $0 }.count, 6, name)
      XCTAssertEqual(r.pts, r.pts.sorted { ($0 ?? 0) < ($1 ?? 0) }, name)
      if name == "a.mkv" {
        XCTAssertTrue(reader.info.hasColorTags)
        XCTAssertEqual(reader.info.colorMatrix, "bt709")
      }
      XCTAssertEqual(try reader.next() == nil, true, "stays at EOF")
    }
  }

  func testRawFramesFromPipe() throws {
    let t = try ToolRunner()
    let raw = try t.testClip("a.yuv", frames: 4, codec: [], extra: ["-f", "rawvideo"])
    let data = try Data(contentsOf: URL(fileURLWithPath: raw))
    let pipe = Pipe()
    let writer = Thread {
      try? pipe.fileHandleForWriting.write(contentsOf: data)
      try? pipe.fileHandleForWriting.close()
    }
    writer.start()
    let reader = try MediaReader(
      path: "pipe:\(pipe.fileHandleForReading.fileDescriptor)",
      raw: RawVideoOptions(width: 64, height: 48, pixelFormat: "yuv420p", frameRate: AVRational(num: 30000, den: 1001)))
    XCTAssertNil(reader.info.estimatedFrameCount)
    XCTAssertEqual(reader.info.hasColorTags, false)
    let r = Self.drain(reader)
    XCTAssertNil(r.error)
    XCTAssertEqual(r.pts, [0, 1, 2, 3])
    XCTAssertEqual(reader.info.timeBase.num, 1001)
  }

  func testTruncatedRawDeliversCompleteFramesThenThrows() throws {
    let t = try ToolRunner()
    let raw = try t.testClip("a.yuv", frames: 4, codec: [], extra: ["-f", "rawvideo"])
    let data = try Data(contentsOf: URL(fileURLWithPath: raw))
    let cut = t.path("cut.yuv")
    try data.prefix(3 * 4608 + 1000).write(to: URL(fileURLWithPath: cut))
    let r = Self.drain(try MediaReader(path: cut, raw: RawVideoOptions(width: 64, height: 48, pixelFormat: "yuv420p")))
    XCTAssertEqual(r.pts.count, 3)
    guard case .truncated(_, let detail)? = r.error as? IOError else { return XCTFail("\(String(describing: r.error))") }
    XCTAssertTrue(detail.contains("frame 4 is partial: 1000 of 4608 bytes"), detail)
  }

  func testWrongRawSizeThrowsAfterWholeFrames() throws {
    let t = try ToolRunner()
    let raw = try t.testClip("a.yuv", frames: 5, codec: [], extra: ["-f", "rawvideo"])
    // 5 × 4608 bytes read as 64×50 frames (4800 bytes): 4 whole frames and a partial one.
    let r = Self.drain(try MediaReader(path: raw, raw: RawVideoOptions(width: 64, height: 50, pixelFormat: "yuv420p")))
    XCTAssertEqual(r.pts.count, 4)
    XCTAssertTrue("\(r.error!)".contains("check the raw size and pixel format"), "\(r.error!)")
  }

  func testTruncatedContainers() throws {
    let t = try ToolRunner()
    for name in ["a.nut", "a.mkv"] {
      let file = try t.testClip(name, frames: 8, extra: name == "a.mkv" ? ["-strict", "-1"] : [])
      let data = try Data(contentsOf: URL(fileURLWithPath: file))
      let cut = t.path("cut-" + name)
      try data.prefix(data.count * 6 / 10).write(to: URL(fileURLWithPath: cut))
      let reader = try MediaReader(path: cut)
      let r = Self.drain(reader)
      // The cut falls inside frame 5: frames 1–4 always come out first.
      XCTAssertEqual(r.pts.count, 4, name)
      if name == "a.nut" {
        // NUT hands over the partial packet: a truncation error naming the frame.
        guard case .truncated(_, let detail)? = r.error as? IOError else { return XCTFail("\(String(describing: r.error))") }
        XCTAssertTrue(detail.contains("frame 5 is partial"), detail)
      } else {
        // libav's Matroska demuxer only logs "File ended prematurely" and returns EOF: no error to throw,
        // but the frame count announced by the header gives a warning.
        XCTAssertNil(r.error)
        XCTAssertTrue(reader.warnings.contains { $0.contains("ended after 4 frames") }, "\(reader.warnings)")
      }
    }
  }

  func testGarbageThrowsClearError() throws {
    let t = try ToolRunner()
    let file = t.path("garbage.bin")
    var bytes = [UInt8](repeating: 0, count: 5000)
    var g = SystemRandomNumberGenerator()
    for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255, using: &g) }
    try Data(bytes).write(to: URL(fileURLWithPath: file))
    XCTAssertThrowsError(try MediaReader(path: file)) { e in
      // Random bytes either probe as nothing or as a format that then finds no video stream.
      switch e as? IOError {
      case .corrupt(_, let detail)?: XCTAssertTrue(detail.contains("not a recognised media format"), detail)
      case .noVideoStream?: break
      default: XCTFail("\(e)")
      }
    }
  }

  func testUnsupportedPixelFormats() throws {
    let t = try ToolRunner()
    let pal = try t.testClip("pal.nut", frames: 2, pixFmt: "pal8")
    XCTAssertThrowsError(try MediaReader(path: pal)) { e in
      XCTAssertEqual(e as? IOError, .unsupported("pixel format pal8 of input '\(pal)'"))
    }
    let raw = try t.testClip("a.yuv", frames: 1, codec: [], extra: ["-f", "rawvideo"])
    XCTAssertThrowsError(try MediaReader(path: raw, raw: RawVideoOptions(width: 64, height: 48, pixelFormat: "bayer_rggb8"))) { e in
      XCTAssertTrue("\(e)".contains("bayer_rggb8"), "\(e)")
    }
    XCTAssertThrowsError(try MediaReader(path: raw, raw: RawVideoOptions(width: 64, height: 48, pixelFormat: "nope"))) { e in
      XCTAssertEqual(e as? IOError, .invalidArgument("unknown pixel format 'nope'"))
    }
  }

  func testMissingFileThrowsLibavError() {
    XCTAssertThrowsError(try MediaReader(path: "/nonexistent/x.mkv")) { e in
      XCTAssertEqual("\(e)", "open input '/nonexistent/x.mkv' failed: No such file or directory")
    }
  }
}
