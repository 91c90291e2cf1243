import XCTest

/// `--detect-cuts` prints the shot starts, and a part cut at them re-exposes to the same frames as the whole.
final class CutDetectionTests: EndToEndCase {
  func testShotStartsAndSegmentsThatMatchTheWholeRun() throws {
    try ok("""
      ffmpeg -v error -f lavfi -i testsrc2=s=96x64:r=25:d=0.4 -f lavfi -i smptebars=s=96x64:r=25:d=0.4 \
      -f lavfi -i color=c=red:s=96x64:r=25:d=0.4 -filter_complex "[0][1][2]concat=n=3:v=1,format=yuv420p" \
      -c:v rawvideo shots.mkv
      """)
    let cuts = try ok("$RX --preset fast --detect-cuts -i shots.mkv").text.split(separator: "\n").filter { !$0.hasPrefix("#") }
    XCTAssertEqual(cuts, ["0\t0\t0.000000", "10\t400\t0.400000", "20\t800\t0.800000"])
    for preset in ["fast", "hdr10-pq"] {
      try ok("$RX --preset \(preset) --quiet -i shots.mkv -o whole.mkv")
      try ok("ffmpeg -v error -y -i shots.mkv -vf 'select=between(n\\,10\\,19)' -fps_mode passthrough -c:v rawvideo part.mkv")
      try ok("$RX --preset \(preset) --quiet -i part.mkv -o partout.mkv")
      let hashes = { (file: String) throws -> [String] in
        try self.ok("ffmpeg -v error -i \(file) -f framemd5 - | grep -v '^#' | cut -d, -f6").text.split(separator: "\n").map(String.init)
      }
      XCTAssertEqual(Array(try hashes("whole.mkv")[10..<20]), try hashes("partout.mkv"), preset)
    }
  }
}
