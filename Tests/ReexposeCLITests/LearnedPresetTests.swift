import XCTest

/// The learned presets end to end: frames and timestamps kept, `--events`, and weights-file errors.
final class LearnedPresetTests: EndToEndCase {
  func testBalancedKeepsEveryFrameAndTimestamp() throws {
    try makeClip("in.nut", frames: 6)
    try ok("$RX --preset balanced --quiet -i in.nut -o out.mkv")
    XCTAssertEqual(try framePTS("out.mkv"), try framePTS("in.nut"))
  }

  func testQualityKeepsEveryFrameAndTakesAReferenceStill() throws {
    try ok("ffmpeg -v error -y -f lavfi -i \"color=c=white:s=64x48:r=25,drawbox=x=0:y=24:w=64:h=24:c=0x304060:t=fill\" -frames:v 5 -c:v rawvideo -pix_fmt yuv420p in.nut")
    try ok("$RX --preset quality --quiet -i in.nut -o plain.mkv")
    XCTAssertEqual(try framePTS("plain.mkv"), try framePTS("in.nut"))
    try ok("ffmpeg -v error -y -f lavfi -i color=c=0xffe0a0:s=96x64 -frames:v 1 -pix_fmt gbrpf32le still.exr")
    try ok("$RX --preset quality --quiet --reference still.exr -i in.nut -o ref.mkv")
    XCTAssertEqual(try framePTS("ref.mkv").count, 5)
    // Radiance RGBE (flat scanlines), which ffmpeg 5.1 cannot decode.
    try ok("""
      python3 -c "open('still.hdr','wb').write(b'#?RADIANCE\\nFORMAT=32-bit_rle_rgbe\\n\\n-Y 64 +X 96\\n' + bytes([255, 224, 160, 128]) * 96 * 64)"
      """)
    try ok("$RX --preset quality --quiet --reference still.hdr -i in.nut -o hdr.mkv")
    XCTAssertEqual(try framePTS("hdr.mkv").count, 5)
    var r = try Shell.run("$RX --preset quality --quiet --reference missing.exr -i in.nut -o x.mkv", in: dir)
    XCTAssertEqual(r.status, 66, r.stderr)
    XCTAssertTrue(errorLine(r).contains("missing.exr"), r.stderr)
    r = try Shell.run("$RX --preset balanced --quiet --reference still.exr -i in.nut -o x.mkv", in: dir)
    XCTAssertEqual(r.status, 65, r.stderr)
    XCTAssertTrue(errorLine(r).contains("quality"), r.stderr)
  }

  func testEventsFileGuidesBalancedAndItsErrorsNameFileAndLine() throws {
    try makeClip("in.nut", frames: 4)
    var events = "# t x y p\n64 48\n"
    for i in 0..<300 { events += "\(Double(i) * 0.0005) \(i % 64) \((i / 64) % 48) \(i % 2 == 0 ? 1 : -1)\n" }
    try events.write(to: dir.appendingPathComponent("ev.txt"), atomically: true, encoding: .utf8)
    try ok("$RX --preset balanced --quiet --events ev.txt -i in.nut -o with.mkv")
    try ok("$RX --preset balanced --quiet -i in.nut -o without.mkv")
    XCTAssertEqual(try framePTS("with.mkv").count, 4)
    try ok("cmp -s with.mkv without.mkv; test $? -eq 1")

    try "64 48\n0.01 70 3 1\n".write(to: dir.appendingPathComponent("bad.txt"), atomically: true, encoding: .utf8)
    var r = try Shell.run("$RX --preset balanced --quiet --events bad.txt -i in.nut -o bad.mkv", in: dir)
    XCTAssertEqual(r.status, 65, r.stderr)
    XCTAssertTrue(errorLine(r).contains("bad.txt:2: pixel (70, 3) is outside the 64x48 sensor"), r.stderr)
    XCTAssertEqual(try frameCount("bad.mkv"), 1, "the frame before the bad event is written")

    r = try Shell.run("$RX --preset balanced --quiet --events missing.txt -i in.nut -o out.mkv", in: dir)
    XCTAssertEqual(r.status, 66, r.stderr)
    XCTAssertTrue(errorLine(r).contains("missing.txt"), r.stderr)

    r = try Shell.run("$RX --preset fast --quiet --events ev.txt -i in.nut -o out.mkv", in: dir)
    XCTAssertEqual(r.status, 65, r.stderr)
    XCTAssertTrue(errorLine(r).contains("fusion"), r.stderr)
  }

  func testMissingOrCorruptWeightsNameTheFile() throws {
    try makeClip("in.nut", frames: 2)
    var r = try Shell.run("$RX --preset balanced --set fusion.model=/nonexistent/w.safetensors -i in.nut -o out.mkv", in: dir)
    XCTAssertEqual(r.status, 78, r.stderr)
    XCTAssertTrue(errorLine(r).contains("cannot load model /nonexistent/w.safetensors"), r.stderr)
    try ok("head -c 5000 /dev/urandom > junk.safetensors")
    r = try Shell.run("$RX --preset balanced --set fusion.model=./junk.safetensors -i in.nut -o out.mkv", in: dir)
    XCTAssertEqual(r.status, 78, r.stderr)
    XCTAssertTrue(errorLine(r).contains("./junk.safetensors"), r.stderr)
    r = try Shell.run("REEXPOSE_MODEL_DIR=/nonexistent $RX --preset balanced --set fusion.model=nope.safetensors -i in.nut -o out.mkv", in: dir)
    XCTAssertEqual(r.status, 78, r.stderr)
    XCTAssertTrue(errorLine(r).contains("nope.safetensors: REEXPOSE_MODEL_DIR=/nonexistent is not a directory"), r.stderr)
  }
}
