import XCTest

/// Frame count and timestamps through a real ffmpeg → reexpose → ffprobe chain, in every output format.
final class FrameConservationTests: EndToEndCase {
  func testMatroskaKeepsEveryFrameAndTimestamp() throws {
    try makeClip("in.nut", frames: 12)
    try ok("cat in.nut | $RX --preset fast --quiet > out.mkv")
    let want = try framePTS("in.nut")
    XCTAssertEqual(want.count, 12)
    XCTAssertEqual(try framePTS("out.mkv"), want)
    XCTAssertEqual(want, (0..<12).map { $0 * 40 })
  }

  func testNutAndY4MAndRawKeepEveryFrame() throws {
    try makeClip("in.nut", frames: 9)
    try ok("$RX --preset static --quiet --format nut -i in.nut -o out.nut")
    XCTAssertEqual(try framePTS("out.nut"), try framePTS("in.nut"))
    try ok("$RX --preset static --quiet --format y4m -i in.nut -o out.y4m")
    XCTAssertEqual(try frameCount("out.y4m"), 9)
    try ok("$RX --preset static --quiet --format raw -i in.nut -o out.raw")
    let size = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("out.raw").path)[.size] as! Int
    XCTAssertEqual(size, 9 * 64 * 48 * 3, "9 yuv420p10le frames of 64×48 (1.5 samples × 2 bytes per pixel)")
  }

  func testLookAheadPresetsFlushEveryFrameAtEOF() throws {
    try makeClip("in.nut", frames: 5)
    for preset in ["hdr10-pq", "hlg-broadcast", "linear-exr", "fast", "static"] {
      try ok("$RX --preset \(preset) --quiet -i in.nut -o \(preset).mkv")
      XCTAssertEqual(try framePTS("\(preset).mkv").count, 5, preset)
    }
  }

  func testRawInputWithSizeAndRate() throws {
    try ok("ffmpeg -v error -f lavfi -i testsrc2=s=64x48:r=25 -frames:v 7 -f rawvideo -pix_fmt yuv420p in.yuv")
    try ok("$RX --quiet --size 64x48 --pix-fmt yuv420p --rate 25 -i in.yuv -o out.mkv")
    XCTAssertEqual(try framePTS("out.mkv").count, 7)
  }

  func testMPEGTSAndMP4Inputs() throws {
    try ok("ffmpeg -v error -f lavfi -i testsrc2=s=64x48:r=25 -frames:v 6 -c:v libx264 -pix_fmt yuv420p in.mp4")
    try ok("ffmpeg -v error -i in.mp4 -c copy -f mpegts - | $RX --preset static --quiet > ts.mkv")
    XCTAssertEqual(try framePTS("ts.mkv").count, 6)
    try ok("$RX --preset static --quiet -i in.mp4 > mp4.mkv")
    XCTAssertEqual(try framePTS("mp4.mkv").count, 6)
  }
}
