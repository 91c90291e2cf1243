import CShim
import IO
import XCTest

/// The libavfilter wrapper: geometry known before the first frame, format fallback, flush, errors.
final class VideoFilterGraphTests: XCTestCase {
  private let input = VideoFilterGraph.Input(
    width: 64, height: 48, pixelFormat: AV_PIX_FMT_YUV420P, timeBase: AVRational(num: 1, den: 25),
    frameRate: AVRational(num: 25, den: 1), sampleAspectRatio: AVRational(num: 0, den: 1))

  private func frame(pts: Int64) -> LibavFrame {
    let f = LibavFrame()
    f.pointer.pointee.width = 64
    f.pointer.pointee.height = 48
    f.pointer.pointee.format = AV_PIX_FMT_YUV420P.rawValue
    f.pointer.pointee.pts = pts
    XCTAssertGreaterThanOrEqual(av_frame_get_buffer(f.pointer, 0), 0)
    return f
  }

  func testGeometryIsKnownBeforeTheFirstFrameAndFramesFlow() throws {
    let g = try VideoFilterGraph("scale=32:24,setsar=2/1", input: input)
    XCTAssertEqual([g.outputWidth, g.outputHeight], [32, 24])
    XCTAssertEqual([g.outputSampleAspectRatio.num, g.outputSampleAspectRatio.den], [2, 1])
    for i in 0..<3 { try g.push(frame(pts: Int64(i))) }
    try g.flush()
    var pts: [Int64] = []
    while let f = try g.pull() { pts.append(f.pointer.pointee.pts); XCTAssertEqual(f.width, 32) }
    XCTAssertEqual(pts, [0, 1, 2])
  }

  func testAFormatTheNextStepRejectsIsConverted() throws {
    let g = try VideoFilterGraph("format=pal8", input: input, convertibleTo: { $0 != AV_PIX_FMT_PAL8 })
    XCTAssertEqual(g.outputPixelFormat, AV_PIX_FMT_YUV444P16LE)
    XCTAssertEqual(g.description, "format=pal8", "messages show the graph as written")
  }

  func testBadGraphsNameThemselves() {
    for text in ["nosuchfilter", "scale=w=abc", "split[a][b]"] {
      XCTAssertThrowsError(try VideoFilterGraph(text, input: input), text) { e in
        XCTAssertTrue("\(e)".contains("filter graph '\(text)'"), "\(e)")
      }
    }
  }
}
