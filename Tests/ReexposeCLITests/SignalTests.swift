import XCTest

/// SIGTERM and SIGINT stop a running job cleanly: every frame the filter held is written, the container is
/// closed (readable), one line says so, and the exit code is 128 + the signal.
final class SignalTests: EndToEndCase {
  /// Starts reexpose on a live-paced 25 fps stream through a FIFO, sends `signal` after `afterSeconds`, and
  /// returns its exit status, stderr and the frame count of its output.
  func stop(with signal: String, preset: String) throws -> (status: Int, stderr: String, frames: Int) {
    try ok("mkfifo in.fifo")
    let script = """
      ffmpeg -v error -re -f lavfi -i testsrc2=s=160x90:r=25 -t 30 -c:v rawvideo -pix_fmt yuv420p -f nut -y in.fifo &
      up=$!
      $RX --preset \(preset) < in.fifo > out.mkv 2> err.txt &
      rx=$!
      sleep 2
      kill -\(signal) $rx
      wait $rx
      echo "status=$?"
      kill $up 2>/dev/null
      wait $up 2>/dev/null
      true
      """
    let r = try Shell.run(script, in: dir)
    let status = Int(r.text.components(separatedBy: "status=").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? -1
    let stderr = (try? String(contentsOf: dir.appendingPathComponent("err.txt"), encoding: .utf8)) ?? ""
    return (status, stderr, try frameCount("out.mkv"))
  }

  func testSigtermDrainsClosesAndExits143() throws {
    let r = try stop(with: "TERM", preset: "hdr10-pq")
    XCTAssertEqual(r.status, 143, r.stderr)
    let line = r.stderr.split(separator: "\n").last.map(String.init) ?? ""
    XCTAssertTrue(line.contains("interrupted by SIGTERM: wrote \(r.frames) frames"), r.stderr)
    XCTAssertGreaterThan(r.frames, 5, "frames before the signal are written, the file is readable")
    XCTAssertLessThan(r.frames, 750, "it stopped early")
  }

  func testSigintExits130() throws {
    let r = try stop(with: "INT", preset: "fast")
    XCTAssertEqual(r.status, 130, r.stderr)
    XCTAssertTrue(r.stderr.contains("interrupted by SIGINT"), r.stderr)
    XCTAssertGreaterThan(r.frames, 5)
  }
}
