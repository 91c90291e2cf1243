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

  /// NUT has no tag for SubRip: the subtitle stream is dropped with a warning naming it, and the video and
  /// audio still come through (it used to fail the header as "output not writable", exit 73).
  func testNutOutputDropsSubtitlesItCannotCarry() throws {
    try "1\n00:00:00,000 --> 00:00:00,300\nHello\n\n".write(
      to: dir.appendingPathComponent("s.srt"), atomically: true, encoding: .utf8)
    try ok("ffmpeg -v error -f lavfi -i testsrc2=s=64x48:r=25 -f lavfi -i sine=d=0.4 -i s.srt -map 0 -map 1 -map 2 -frames:v 10 -c:v rawvideo -pix_fmt yuv420p -c:a pcm_s16le -c:s srt in.mkv")
    let r = try ok("$RX --preset static --format nut -i in.mkv -o out.nut")
    XCTAssertTrue(r.stderr.contains("cannot carry subtitle stream #2 (subrip)"), r.stderr)
    XCTAssertEqual(try frameCount("out.nut"), 10)
    let streams = try ok("ffprobe -v error -show_entries stream=codec_type -of csv=p=0 out.nut").text
    XCTAssertEqual(streams.split(separator: "\n").map(String.init), ["video", "audio"])
    try ok("$RX --preset static --quiet -i in.mkv -o out.mkv")
    XCTAssertTrue(try ok("ffprobe -v error -show_entries stream=codec_name -of csv=p=0 out.mkv").text.contains("subrip"))
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
