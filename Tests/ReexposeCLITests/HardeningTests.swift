import XCTest

/// Hostile surroundings (issue 15): a closed or broken stderr, a full disk, damaged weights, FIFOs given
/// as files, presets nested past the parser's stack: each is a clean error with its exit code, never a
/// crash or a silent success.
final class HardeningTests: EndToEndCase {
  func testClosedOrBrokenStderrDoesNotStopTheVideo() throws {
    try makeClip("in.nut", frames: 3)
    // Untagged input makes a note on stderr; with stderr closed the note is lost, the frames are not.
    var r = try Shell.run("$RX --preset static -i in.nut -o out.mkv 2>&-", in: dir)
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertEqual(try frameCount("out.mkv"), 3)
    // A stderr pipe whose reader has gone: writes fail with EPIPE.
    r = try Shell.run("{ { sleep 0.5; $RX --preset static -i in.nut -o out2.mkv; echo \"rx=$?\" >&3; } 2>&1 | true; } 3>&1", in: dir)
    XCTAssertTrue(r.text.contains("rx=0"), r.text + r.stderr)
    XCTAssertEqual(try frameCount("out2.mkv"), 3)
    // An error with stderr closed keeps its exit code.
    r = try Shell.run("$RX --preset no-such-preset -i in.nut -o out3.mkv 2>&-", in: dir)
    XCTAssertEqual(r.status, 78)
  }

  func testFullDeviceIsAnIOError() throws {
    try makeClip("in.nut", frames: 2)
    for command in ["$RX --preset fast --print-preset > /dev/full", "$RX --preset hdr10-pq --x265-params > /dev/full",
                    "$RX --preset fast --quiet --stats /dev/full -i in.nut -o out.mkv"] {
      let r = try Shell.run(command, in: dir)
      XCTAssertEqual(r.status, 74, "\(command): \(r.stderr)")
      XCTAssertTrue(errorLine(r).contains("No space left on device"), "\(command): \(r.stderr)")
      XCTAssertEqual(r.stderr.split(separator: "\n").filter { $0.contains("error:") }.count, 1, r.stderr)
    }
    try ok("$RX --preset fast --quiet --stats stats.json -i in.nut -o out.mkv && grep -q '\"frames\": 2' stats.json")
  }

  func testNonFiniteWeightsAreRejectedAtLoad() throws {
    try makeClip("in.nut", frames: 2)
    // The shipped weights with their last float (part of the last tensor) set to NaN.
    let models = Shell.root.appendingPathComponent("Models/rehdr.safetensors").path
    try ok("cp \(models) nan.safetensors && printf '\\x00\\x00\\xc0\\x7f' | dd of=nan.safetensors bs=1 seek=$(( $(stat -c %s nan.safetensors) - 4 )) conv=notrunc status=none")
    let r = try Shell.run("$RX --preset balanced --quiet --set fusion.model=./nan.safetensors -i in.nut -o out.mkv", in: dir)
    XCTAssertEqual(r.status, 78, r.stderr)
    XCTAssertTrue(errorLine(r).contains("./nan.safetensors") && errorLine(r).contains("NaN"), r.stderr)
  }

  /// Every tensor range shifted by two bytes (two bytes added in front of the data so the file is not
  /// short): finite garbage that would blacken every frame; refused at load, naming the file.
  func testShiftedTensorRangesAreRejectedAtLoad() throws {
    try makeClip("in.nut", frames: 2)
    let models = Shell.root.appendingPathComponent("Models/rehdr.safetensors").path
    try ok("""
      python3 -c "import json,struct; b=open('\(models)','rb').read(); n=struct.unpack('<Q',b[:8])[0]; \
      h=json.loads(b[8:8+n]); [v.__setitem__('data_offsets',[o+2 for o in v['data_offsets']]) \
      for k,v in h.items() if k!='__metadata__']; j=json.dumps(h).encode(); \
      open('shifted.safetensors','wb').write(struct.pack('<Q',len(j))+j+b[8+n:]+bytes(2))"
      """)
    let r = try Shell.run("$RX --preset balanced --quiet --set fusion.model=./shifted.safetensors -i in.nut -o out.mkv", in: dir)
    XCTAssertEqual(r.status, 78, r.stderr)
    XCTAssertTrue(errorLine(r).contains("./shifted.safetensors") && errorLine(r).contains("belong to no tensor"), r.stderr)
  }

  func testFifosAreRefusedNotOpened() throws {
    try makeClip("in.nut", frames: 2)
    try ok("mkfifo pipe")
    // Each would block in open() if the FIFO were opened; `timeout` turns a hang into exit 124.
    var r = try Shell.run("timeout 20 $RX --preset balanced --quiet --set fusion.model=./pipe -i in.nut -o out.mkv", in: dir)
    XCTAssertEqual(r.status, 78, r.stderr)
    XCTAssertTrue(errorLine(r).contains("./pipe: not a regular file"), r.stderr)
    r = try Shell.run("timeout 20 $RX --preset balanced --quiet --events pipe -i in.nut -o out.mkv", in: dir)
    XCTAssertEqual(r.status, 66, r.stderr)
    XCTAssertTrue(errorLine(r).contains("pipe") && errorLine(r).contains("not a regular file"), r.stderr)
    r = try Shell.run("timeout 20 $RX --preset quality --quiet --reference pipe -i in.nut -o out.mkv", in: dir)
    XCTAssertEqual(r.status, 66, r.stderr)
    XCTAssertTrue(errorLine(r).contains("not a regular file"), r.stderr)
    r = try Shell.run("timeout 20 $RX --preset ./pipe --quiet -i in.nut -o out.mkv", in: dir)
    XCTAssertEqual(r.status, 78, r.stderr)
    XCTAssertTrue(errorLine(r).contains("not a regular file"), r.stderr)
  }

  func testModelDirectoryEmptyIsUnsetMissingIsAnError() throws {
    try makeClip("in.nut", frames: 2)
    try ok("REEXPOSE_MODEL_DIR= $RX --preset balanced --quiet -i in.nut -o out.mkv")
    let r = try Shell.run("REEXPOSE_MODEL_DIR=/nonexistent/models $RX --preset balanced --quiet -i in.nut -o out.mkv", in: dir)
    XCTAssertEqual(r.status, 78, r.stderr)
    XCTAssertTrue(errorLine(r).contains("REEXPOSE_MODEL_DIR=/nonexistent/models is not a directory"), r.stderr)
  }

  func testDeeplyNestedPresetIsAPresetError() throws {
    try makeClip("in.nut", frames: 1)
    let deep = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
    try "version: 2\ndescription: \(deep)\n".write(to: dir.appendingPathComponent("deep.yaml"), atomically: true, encoding: .utf8)
    var r = try Shell.run("$RX --preset ./deep.yaml -i in.nut -o out.mkv", in: dir)
    XCTAssertEqual(r.status, 78, r.stderr)
    XCTAssertTrue(errorLine(r).contains("deep.yaml:2:") && errorLine(r).contains("nested deeper than"), r.stderr)
    r = try Shell.run("$RX --preset fast --set 'output.peakNits=\(deep)' -i in.nut -o out.mkv", in: dir)
    XCTAssertEqual(r.status, 78, r.stderr)
    XCTAssertTrue(errorLine(r).contains("nested deeper than"), r.stderr)
    try String(repeating: "# padding\n", count: 120_000).write(
      to: dir.appendingPathComponent("big.yaml"), atomically: true, encoding: .utf8)
    r = try Shell.run("$RX --preset ./big.yaml -i in.nut -o out.mkv", in: dir)
    XCTAssertEqual(r.status, 78, r.stderr)
    XCTAssertTrue(errorLine(r).contains("1200000 bytes, over the 1 MiB limit for presets"), r.stderr)
  }
}
