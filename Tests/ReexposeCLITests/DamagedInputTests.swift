import Foundation
import XCTest

/// Damage a stream can be read past is never silent: it is counted, warned about with its position and
/// written to `--stats`; `--strict` turns it into exit 65 with every frame before it written.
final class DamagedInputTests: EndToEndCase {
  /// Zeroes the start code of the middle occurrence of `marker` (hex) in `file`, writing `out`: the demuxer
  /// then resynchronises at the next one and the frames in between vanish.
  private func clobberMiddle(_ file: String, marker: String, to out: String) throws {
    try ok("""
      python3 -c "import sys; b=bytearray(open('\(file)','rb').read()); k=bytes.fromhex('\(marker)'); \
      i=[j for j in range(len(b)) if b.startswith(k, j)]; m=i[len(i)//2]; b[m:m+12]=bytes(12); \
      open('\(out)','wb').write(b)"
      """)
  }

  func testDamagedMatroskaClusterAndNutSyncPointAreCountedAndLocated() throws {
    try makeClip("in.mkv", frames: 20)
    try makeClip("in.nut", frames: 20)
    try clobberMiddle("in.mkv", marker: "1F43B675", to: "bad.mkv")  // EBML Cluster ID
    try clobberMiddle("in.nut", marker: "4E4BE4ADEECA4569", to: "bad.nut")  // NUT syncpoint startcode
    for file in ["bad.mkv", "bad.nut"] {
      let r = try Shell.run("$RX --preset static --stats stats.json < \(file) > out.mkv", in: dir)
      XCTAssertEqual(r.status, 0, r.stderr)
      let written = try frameCount("out.mkv")
      XCTAssertLessThan(written, 20, file)
      XCTAssertTrue(r.stderr.contains("missing after frame") && r.stderr.contains("(t = "), "\(file): \(r.stderr)")
      let stats = try String(contentsOf: dir.appendingPathComponent("stats.json"), encoding: .utf8)
      XCTAssertTrue(stats.contains("\"missingFrames\": \(20 - written)"), "\(file): every lost frame counted: \(stats)")
    }
  }

  func testStrictStopsAtTheFirstLostFrameWithEverythingBeforeWritten() throws {
    try makeClip("in.mkv", frames: 20)
    try clobberMiddle("in.mkv", marker: "1F43B675", to: "bad.mkv")
    var r = try Shell.run("$RX --preset static < bad.mkv > all.mkv", in: dir)
    let firstGap = try ok("ffprobe -v error -show_entries frame=pts -of csv=p=0 all.mkv").text
      .split(separator: "\n").compactMap { Int($0) }.enumerated().first { $0.offset * 40 != $0.element }?.offset
    r = try Shell.run("$RX --preset static --strict < bad.mkv > out.mkv", in: dir)
    XCTAssertEqual(r.status, 65, r.stderr)
    XCTAssertTrue(errorLine(r).contains("missing") && errorLine(r).contains("--strict"), r.stderr)
    XCTAssertEqual(try frameCount("out.mkv"), firstGap, "the frames before the gap, none after")
  }

  func testStrictMakesAShortStreamAnError() throws {
    try ok("ffmpeg -v error -f lavfi -i testsrc2=s=64x48:r=25 -frames:v 20 -c:v rawvideo -pix_fmt yuv420p in.mkv")
    try ok("head -c $(( $(stat -c %s in.mkv) / 2 )) in.mkv > cut.mkv")
    let r = try Shell.run("$RX --preset static --strict < cut.mkv > out.mkv", in: dir)
    XCTAssertEqual(r.status, 65, r.stderr)
    XCTAssertTrue(errorLine(r).contains("announced"), r.stderr)
    XCTAssertGreaterThan(try frameCount("out.mkv"), 5)
  }

  /// A damaged H.264 stream: frames the decoder conceals are kept and counted as corrupt, frames it drops
  /// (which of the two depends on its threads' timing) are counted as missing by their timestamps; either
  /// way the damage is reported, and `--strict` refuses it.
  func testConcealedDecodeErrorsAreCounted() throws {
    try ok("ffmpeg -v error -f lavfi -i testsrc2=s=160x120:r=25 -frames:v 40 -c:v libx264 -g 10 -bf 2 in.mkv")
    try ok("""
      python3 -c "b=bytearray(open('in.mkv','rb').read()); n=len(b); \
      [b.__setitem__(slice(n*k//10, n*k//10+40), bytes(40)) for k in (3,5,7)]; open('bad.mkv','wb').write(b)"
      """)
    let input = try frameCount("bad.mkv")
    var r = try Shell.run("$RX --preset static --stats stats.json < bad.mkv > out.mkv", in: dir)
    XCTAssertEqual(r.status, 0, r.stderr)
    let stats = try String(contentsOf: dir.appendingPathComponent("stats.json"), encoding: .utf8)
    let json = try JSONSerialization.jsonObject(with: Data(stats.utf8)) as! [String: Any]
    let damage = (json["inputDamage"] as! [String: Int]).values.reduce(0, +)
    XCTAssertGreaterThan(damage, 0, stats)
    // ffprobe's own decode may drop a different few frames: the counts agree within the damage found.
    XCTAssertLessThanOrEqual(abs(try frameCount("out.mkv") - input), damage, stats)
    XCTAssertTrue(r.stderr.contains("input damage read past"), r.stderr)
    r = try Shell.run("$RX --preset static --strict < bad.mkv > strict.mkv", in: dir)
    XCTAssertEqual(r.status, 65, r.stderr)
    XCTAssertLessThan(try frameCount("strict.mkv"), input)
  }

  /// Matroska written to a pipe has no frame count and nothing after its last block: a stream cut inside a
  /// block is found by the bytes read past the last whole packet.
  func testPipedMatroskaCutInsideABlockIsFound() throws {
    try ok("ffmpeg -v error -f lavfi -i testsrc2=s=64x48:r=25 -f lavfi -i sine=d=1 -frames:v 20 -c:v rawvideo -pix_fmt yuv420p -c:a pcm_s16le -f matroska - > live.mkv")
    try ok("head -c $(( $(stat -c %s live.mkv) / 2 )) live.mkv > cut.mkv")
    var r = try Shell.run("$RX --preset static < cut.mkv > out.mkv", in: dir)
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stderr.contains("bytes into a block after frame") && r.stderr.contains("truncated stream?"), r.stderr)
    r = try Shell.run("$RX --preset static --strict < cut.mkv > out.mkv", in: dir)
    XCTAssertEqual(r.status, 65, r.stderr)
    r = try Shell.run("$RX --preset static --strict < live.mkv > out.mkv", in: dir)
    XCTAssertEqual(r.status, 0, "the whole live stream is complete: \(r.stderr)")
    XCTAssertEqual(try frameCount("out.mkv"), 20)
  }

  func testCleanStreamsReportNoDamage() throws {
    try makeClip("in.mkv", frames: 12)
    let r = try Shell.run("$RX --preset static --strict --stats stats.json < in.mkv > out.mkv", in: dir)
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertFalse(r.stderr.contains("damage"), r.stderr)
    let stats = try String(contentsOf: dir.appendingPathComponent("stats.json"), encoding: .utf8)
    XCTAssertTrue(stats.contains("\"missingFrames\": 0, \"corruptFrames\": 0, \"undecodablePackets\": 0"), stats)
  }
}
