import Foundation
import XCTest

/// The commands that print information and exit.
final class InfoCommandTests: EndToEndCase {
  func testHelpShowsExamplesAndExitCodes() throws {
    let r = try ok("$RX --help")
    XCTAssertTrue(r.text.contains("EXAMPLES"))
    XCTAssertTrue(r.text.contains("EXIT CODES"))
  }

  /// At 80 columns no line wraps, so every example can be copied as printed.
  func testHelpFitsEightyColumns() throws {
    let r = try ok("COLUMNS=80 $RX --help")
    let start = r.text.range(of: "EXAMPLES")!.lowerBound, end = r.text.range(of: "USAGE:")!.lowerBound
    for line in r.text[start..<end].split(separator: "\n") { XCTAssertLessThan(line.count, 80, String(line)) }
    // Each example command line either ends the command or continues it with a backslash.
    XCTAssertTrue(r.text.contains("-c:v rawvideo -c:a copy \\\n"), r.text)
    XCTAssertTrue(r.text.contains("-strict -1"), "10-bit sources need it in Matroska")
  }

  /// The version comes from one declaration, which the Makefile reads too.
  func testVersion() throws {
    let v = try ok("$RX --version").text.trimmingCharacters(in: .whitespacesAndNewlines)
    let make = try ok("make -s --no-print-directory -C \(Shell.root.path) -f Makefile -pn 2>/dev/null | sed -n 's/^VERSION := //p' | head -1")
      .text.trimmingCharacters(in: .whitespacesAndNewlines)
    XCTAssertFalse(make.isEmpty)
    XCTAssertEqual(v, "reexpose \(make) (preset format 3)")
  }

  /// One `error:` per line, and a near miss of a preset name gets a suggestion.
  func testOneErrorTagAndPresetSuggestions() throws {
    try "version: 3\noutput:\n  peakNits: 50\n".write(to: dir.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
    for command in ["--preset bad.yaml", "--preset hlg-broadcst", "--preset fast --set output.peakNits=abc"] {
      let r = try Shell.run("$RX \(command) < /dev/null > /dev/null", in: dir)
      XCTAssertEqual(r.status, 78, r.stderr)
      XCTAssertEqual(errorLine(r).components(separatedBy: "error:").count, 2, r.stderr)
    }
    let r = try Shell.run("$RX --preset hlg-broadcst < /dev/null", in: dir)
    XCTAssertTrue(errorLine(r).contains("did you mean 'hlg-broadcast'?"), r.stderr)
  }

  /// Video is never written to a terminal; and an empty pipe says what the upstream command likely lacks.
  func testRefusesATerminalAndExplainsAnEmptyPipe() throws {
    try makeClip("in.nut", frames: 2)
    var r = try Shell.run("script -qec '$RX --preset static -i in.nut' /dev/null", in: dir)
    XCTAssertEqual(r.status, 64, r.text)
    XCTAssertTrue(r.text.contains("stdout is a terminal"), r.text)
    r = try Shell.run("ffmpeg -v quiet -f lavfi -i testsrc2=s=64x48 -frames:v 2 -c:v rawvideo -pix_fmt yuv422p10le -f matroska - | $RX > out.mkv", in: dir)
    XCTAssertEqual(r.status, 65, r.stderr)
    XCTAssertTrue(errorLine(r).contains("is empty") && errorLine(r).contains("-strict -1"), r.stderr)
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
    XCTAssertEqual(
      r, "repeat-headers=1:aud=1:hdr10=1:hdr10-opt=1:"
        + "master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,50):max-cll=1000,400")
  }

  /// `static` peaks at SDR white and declares it; a measuring pass then a second run declare the measured
  /// levels, in the header and in --x265-params; x265 takes the parameters.
  func testTrueLightLevelsInOneAndTwoPasses() throws {
    XCTAssertTrue(try ok("$RX --preset static --x265-params").text.contains("max-cll=203,203"))
    XCTAssertEqual(try ok("$RX --preset hlg-broadcast --x265-params").text, "repeat-headers=1:aud=1\n")
    try ok("ffmpeg -v error -f lavfi -i \"color=c=0xc0c0c0:s=64x48:r=25,drawbox=x=0:y=0:w=16:h=16:c=white:t=fill\" -frames:v 4 -c:v rawvideo -pix_fmt yuv420p in.nut")
    try ok("$RX --preset hdr10-pq --measure --stats m.json -i in.nut")
    let stats = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("m.json"))) as! [String: Any]
    let cll = Int(((stats["maxCLL"] as! NSNumber).doubleValue).rounded(.up))
    let fall = Int(((stats["maxFALL"] as! NSNumber).doubleValue).rounded(.up))
    XCTAssertLessThan(cll, 1000)
    let x265 = try ok("$RX --preset hdr10-pq --x265-params --stats m.json").text
    XCTAssertTrue(x265.contains("max-cll=\(cll),\(fall)"), x265)
    try ok("$RX --preset hdr10-pq --quiet --measured m.json -i in.nut -o out.mkv")
    let side = try ok("ffprobe -v error -show_entries stream_side_data=max_content,max_average -of csv=p=0 out.mkv").text
    XCTAssertTrue(side.contains("\(cll),\(fall)"), side)
    try ok("$RX --preset hdr10-pq --quiet --measured m.json -i in.nut | ffmpeg -v error -i - -c:v libx265 -x265-params \"$($RX --preset hdr10-pq --x265-params --stats m.json):log-level=error\" out.hevc")
    let r = try Shell.run("$RX --preset hdr10-pq --measured nope.json -i in.nut -o x.mkv", in: dir)
    XCTAssertEqual(r.status, 66, r.stderr)
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
