import XCTest

/// The commands that print information and exit.
final class InfoCommandTests: EndToEndCase {
  func testHelpShowsExamplesAndExitCodes() throws {
    let r = try ok("$RX --help")
    XCTAssertTrue(r.text.contains("EXAMPLES"))
    XCTAssertTrue(r.text.contains("EXIT CODES"))
  }

  func testListPresetsAndCurves() throws {
    let p = try ok("$RX --list-presets").text
    for name in ["hlg-broadcast", "hdr10-pq", "linear-exr", "fast", "static"] { XCTAssertTrue(p.contains(name), p) }
    let c = try ok("$RX --list-curves").text
    for name in ["pq", "hlg", "srgb", "log-gamma", "linear"] { XCTAssertTrue(c.contains(name), c) }
  }

  func testPrintPresetRoundTrips() throws {
    let first = try ok("$RX --preset hlg-broadcast --set output.peakNits=2000 --print-preset").text
    try first.write(to: dir.appendingPathComponent("eff.yaml"), atomically: true, encoding: .utf8)
    let second = try ok("$RX --preset eff.yaml --print-preset").text
    XCTAssertTrue(first.contains("peakNits: 2000"), first)
    XCTAssertEqual(first.replacingOccurrences(of: "hlg-broadcast", with: "eff"), second)
  }

  func testX265ParamsForHDR10() throws {
    let r = try ok("$RX --preset hdr10-pq --x265-params").text.trimmingCharacters(in: .whitespacesAndNewlines)
    XCTAssertEqual(r, "master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,50):max-cll=1000,400")
  }

  func testProgressOnlyWhenStderrIsATerminal() throws {
    try makeClip("in.nut", frames: 10)
    // `script` gives the command a terminal; stdout (video) still goes to a file.
    let tty = try ok("script -qec \"$RX --preset static -i in.nut -o tty.mkv\" /dev/null")
    XCTAssertTrue(tty.text.contains("reexpose: frame "), tty.text)
    XCTAssertTrue(tty.text.contains(" fps"), tty.text)
    let pipe = try ok("$RX --preset static -i in.nut -o pipe.mkv")
    XCTAssertFalse(pipe.stderr.contains("reexpose: frame "), pipe.stderr)
    XCTAssertTrue(pipe.stderr.contains("10 frames in"), "summary at the end: \(pipe.stderr)")
    let quiet = try ok("script -qec \"$RX --quiet --preset static -i in.nut -o q.mkv\" /dev/null")
    XCTAssertFalse(quiet.text.contains("reexpose:"), quiet.text)
  }
}
