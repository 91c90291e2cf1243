import XCTest

/// Bad input gets one clear error line, a non-zero exit, and every frame before the fault.
final class BadInputTests: EndToEndCase {
  func testTruncatedStreamKeepsEarlierFrames() throws {
    try makeClip("in.nut", frames: 10)
    try ok("head -c $(( $(stat -c %s in.nut) * 6 / 10 )) in.nut > cut.nut")
    let r = try Shell.run("$RX --preset fast --quiet < cut.nut > out.mkv", in: dir)
    XCTAssertNotEqual(r.status, 0, r.stderr)
    XCTAssertFalse(errorLine(r).isEmpty, r.stderr)
    let n = try frameCount("out.mkv")
    XCTAssertGreaterThanOrEqual(n, 4, "frames before the cut are written")
    XCTAssertLessThan(n, 10)
  }

  /// libav's Matroska demuxer ends a cut file with a clean EOF; the reader's short-stream warning, found only
  /// at that end, must still reach stderr.
  func testTruncatedMatroskaWarnsThatFramesAreMissing() throws {
    try ok("ffmpeg -v error -f lavfi -i testsrc2=s=64x48:r=25 -frames:v 20 -c:v rawvideo -pix_fmt yuv420p in.mkv")
    try ok("head -c $(( $(stat -c %s in.mkv) / 2 )) in.mkv > cut.mkv")
    let r = try Shell.run("$RX --preset static < cut.mkv > out.mkv", in: dir)
    XCTAssertTrue(r.stderr.contains("warning: input '-' ended after"), r.stderr)
    XCTAssertLessThan(try frameCount("out.mkv"), 20)
  }

  /// libav's y4m demuxer ends a stream cut inside a frame (or its FRAME line) with a clean EOF; the reader
  /// counts the bytes past the last whole frame instead. A cut exactly between frames is a complete stream.
  func testY4MCutAnywhereIsTruncated() throws {
    try ok("ffmpeg -v error -f lavfi -i testsrc2=s=64x48:r=25 -frames:v 6 -pix_fmt yuv420p in.y4m")
    let size = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("in.y4m").path)[.size] as! Int
    let frame = 64 * 48 * 3 / 2 + 6  // "FRAME\n" and the planes
    let header = size - 6 * frame
    for (cut, whole) in [(header + 3, 0), (header + 100, 0), (header + 2 * frame + 4, 2), (size - 1, 5)] {
      try ok("head -c \(cut) in.y4m > cut.y4m")
      let r = try Shell.run("$RX --preset static --quiet < cut.y4m > out.mkv", in: dir)
      XCTAssertEqual(r.status, 65, "cut at \(cut): \(r.stderr)")
      XCTAssertTrue(errorLine(r).contains("frame \(whole + 1) is partial"), r.stderr)
      if whole > 0 { XCTAssertEqual(try frameCount("out.mkv"), whole, "cut at \(cut)") }
    }
    try ok("head -c \(header + 4 * frame) in.y4m > cut.y4m")
    try ok("$RX --preset static --quiet < cut.y4m > out.mkv")
    XCTAssertEqual(try frameCount("out.mkv"), 4)
  }

  /// A closed stdin or a directory is an input that cannot be read (66), not bad data (65).
  func testClosedStdinAndDirectoryAreUnreadableInput() throws {
    var r = try Shell.run("$RX --preset static <&- > out.mkv", in: dir)
    XCTAssertEqual(r.status, 66, r.stderr)
    XCTAssertFalse(errorLine(r).isEmpty, r.stderr)
    r = try Shell.run("mkdir -p d && $RX --preset static -i d -o out.mkv", in: dir)
    XCTAssertEqual(r.status, 66, r.stderr)
  }

  func testGarbageBytes() throws {
    try ok("head -c 20000 /dev/urandom > junk.bin")
    let r = try Shell.run("$RX --quiet < junk.bin > out.mkv", in: dir)
    XCTAssertEqual(r.status, 65, r.stderr)
    XCTAssertFalse(errorLine(r).isEmpty, r.stderr)
  }

  func testWrongRawSizeWritesWholeFramesThenFails() throws {
    try ok("ffmpeg -v error -f lavfi -i testsrc2=s=64x48:r=25 -frames:v 5 -f rawvideo -pix_fmt yuv420p in.yuv")
    // 5 frames of 64×48 yuv420p are 23040 bytes; read as 64×44 (4224 a frame) that is 5 whole frames and a
    // partial sixth.
    let r = try Shell.run("$RX --quiet --size 64x44 -i in.yuv -o out.mkv", in: dir)
    XCTAssertEqual(r.status, 65, r.stderr)
    XCTAssertTrue(errorLine(r).lowercased().contains("trunc") || errorLine(r).lowercased().contains("partial"), r.stderr)
    XCTAssertEqual(try frameCount("out.mkv"), 5, "the whole frames before the partial one are written")
  }

  func testBadPresetNamesFileLineColumn() throws {
    try "version: 1\noutput:\n  peakNits: 50\n".write(to: dir.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
    let r = try Shell.run("$RX --preset bad.yaml < /dev/null > out.mkv", in: dir)
    XCTAssertEqual(r.status, 78, r.stderr)
    XCTAssertTrue(errorLine(r).contains("bad.yaml:3:"), r.stderr)
    XCTAssertTrue(errorLine(r).contains("peakNits"), r.stderr)
  }

  func testUnknownPresetAndBadOverride() throws {
    var r = try Shell.run("$RX --preset no-such-preset < /dev/null", in: dir)
    XCTAssertEqual(r.status, 78, r.stderr)
    r = try Shell.run("$RX --preset fast --set output.peakNits=abc < /dev/null", in: dir)
    XCTAssertEqual(r.status, 78, r.stderr)
    XCTAssertTrue(errorLine(r).contains("output.peakNits"), r.stderr)
  }

  func testUnsupportedPixelFormat() throws {
    try ok("ffmpeg -v error -f lavfi -i testsrc2=s=64x48:r=25 -frames:v 3 -c:v rawvideo -pix_fmt pal8 in.nut")
    let r = try Shell.run("$RX --quiet < in.nut > out.mkv", in: dir)
    XCTAssertEqual(r.status, 65, r.stderr)
    XCTAssertTrue(errorLine(r).contains("pal8"), r.stderr)
  }

  func testClosedStdoutExitsCleanly() throws {
    try makeClip("in.nut", frames: 50)
    let r = try Shell.run("$RX --preset static < in.nut | head -c 100 > /dev/null; echo \"rc=${PIPESTATUS[0]}\"", in: dir)
    XCTAssertTrue(r.text.contains("rc=0"), r.text + r.stderr)
    XCTAssertFalse(r.stderr.contains("error:"), r.stderr)
  }
}
