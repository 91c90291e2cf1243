import Foundation
import XCTest

/// Runs the real ffmpeg/ffprobe binaries for test fixtures, in a per-test temporary directory.
final class ToolRunner {
  let dir: URL

  init() throws {
    dir = FileManager.default.temporaryDirectory.appendingPathComponent("rx-io-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: dir) }

  /// Path of `name` inside the temporary directory.
  func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

  /// Runs a program; returns exit status, stdout and stderr.
  @discardableResult
  static func run(_ exe: String, _ args: [String]) throws -> (status: Int32, out: Data, err: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = args
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = FileHandle.nullDevice
    try p.run()
    final class Box: @unchecked Sendable { var data = Data() }
    let errBox = Box()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
      errBox.data = err.fileHandleForReading.readDataToEndOfFile()
      group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    p.waitUntilExit()
    return (p.terminationStatus, outData, String(decoding: errBox.data, as: UTF8.self))
  }

  /// Runs ffmpeg quietly and fails the test on a non-zero exit.
  func ffmpeg(_ args: [String], file: StaticString = #filePath, line: UInt = #line) throws {
    let r = try Self.run("/usr/bin/ffmpeg", ["-nostdin", "-hide_banner", "-v", "error", "-y"] + args)
    XCTAssertEqual(r.status, 0, "ffmpeg failed: \(r.err)", file: file, line: line)
  }

  /// ffprobe's JSON output as a dictionary.
  func probe(_ args: [String]) throws -> [String: Any] {
    let r = try Self.run("/usr/bin/ffprobe", ["-v", "error", "-of", "json"] + args)
    guard r.status == 0 else { throw NSError(domain: "ffprobe", code: Int(r.status), userInfo: ["err": r.err]) }
    return try JSONSerialization.jsonObject(with: r.out) as? [String: Any] ?? [:]
  }

  /// Frames of the first video stream as ffprobe reports them.
  func probeFrames(_ file: String, extra: [String] = []) throws -> [[String: Any]] {
    let j = try probe(extra + ["-select_streams", "v:0", "-show_frames", file])
    return j["frames"] as? [[String: Any]] ?? []
  }

  /// Streams as ffprobe reports them.
  func probeStreams(_ file: String, extra: [String] = []) throws -> [[String: Any]] {
    let j = try probe(extra + ["-show_streams", file])
    return j["streams"] as? [[String: Any]] ?? []
  }

  /// A small test clip: `frames` frames of testsrc2 at 64×48, 25 fps.
  func testClip(
    _ name: String, frames: Int = 5, pixFmt: String = "yuv420p", codec: [String] = ["-c:v", "rawvideo"],
    extra: [String] = [], audio: Bool = false
  ) throws -> String {
    var args = ["-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25"]
    if audio { args += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"] }
    args += ["-frames:v", "\(frames)", "-pix_fmt", pixFmt] + codec + extra
    if audio { args += ["-c:a", "pcm_s16le", "-shortest"] }
    let out = path(name)
    try ffmpeg(args + [out])
    return out
  }
}
