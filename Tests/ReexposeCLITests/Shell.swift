import Foundation
import XCTest

/// Runs bash command lines for end-to-end tests and finds the `reexpose` binary.
enum Shell {
  struct Result {
    let status: Int32
    let stdout: Data
    let stderr: String
    var text: String { String(decoding: stdout, as: UTF8.self) }
  }

  /// Repository root (this file is Tests/ReexposeCLITests/Shell.swift).
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// `$REEXPOSE_BIN`, else the release build, else the debug build.
  static let binary: String? = {
    if let env = ProcessInfo.processInfo.environment["REEXPOSE_BIN"], FileManager.default.isExecutableFile(atPath: env) {
      return env
    }
    for c in [".build/release/reexpose", ".build/debug/reexpose"] {
      let p = root.appendingPathComponent(c).path
      if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return nil
  }()

  /// Runs `command` with bash (`pipefail` on); `$RX` is the reexpose binary.
  static func run(_ command: String, in dir: URL) throws -> Result {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/bash")
    p.arguments = ["-c", "set -o pipefail; " + command]
    p.currentDirectoryURL = dir
    var env = ProcessInfo.processInfo.environment
    env["RX"] = binary ?? "reexpose-not-built"
    p.environment = env
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = FileHandle.nullDevice
    try p.run()
    // Read both pipes concurrently so a full pipe cannot block the child.
    var errData = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
      errData = err.fileHandleForReading.readDataToEndOfFile()
      group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    p.waitUntilExit()
    return Result(status: p.terminationStatus, stdout: outData, stderr: String(decoding: errData, as: UTF8.self))
  }

  /// A fresh temporary directory.
  static func tempDir() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reexpose-e2e-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }
}

/// Base class: skips nothing silently — a missing binary fails the suite with a clear message.
class EndToEndCase: XCTestCase {
  var dir: URL!

  override func setUpWithError() throws {
    guard Shell.binary != nil else {
      XCTFail("reexpose binary not found: run `make build` or set REEXPOSE_BIN")
      throw XCTSkip("no binary")
    }
    dir = try Shell.tempDir()
  }

  override func tearDownWithError() throws {
    if let dir { try? FileManager.default.removeItem(at: dir) }
  }

  /// Runs and asserts success, returning the result.
  @discardableResult
  func ok(_ command: String, file: StaticString = #filePath, line: UInt = #line) throws -> Shell.Result {
    let r = try Shell.run(command, in: dir)
    XCTAssertEqual(r.status, 0, "command failed: \(command)\n\(r.stderr)", file: file, line: line)
    return r
  }

  /// The first stderr line that says `error:` (the one-line error every failure prints), or "".
  func errorLine(_ r: Shell.Result) -> String {
    r.stderr.split(separator: "\n").first { $0.contains("error:") }.map(String.init) ?? ""
  }

  /// Makes a small SDR clip (64×48, `frames` frames at 25 fps, timestamps 0, 1, 2 … in 1/25).
  func makeClip(_ name: String, frames: Int = 10, extra: String = "", audio: Bool = false) throws {
    let a = audio ? "-f lavfi -i sine=frequency=440:sample_rate=48000:d=\(Double(frames) / 25)" : ""
    let codec = audio ? "-c:a pcm_s16le" : ""
    try ok("ffmpeg -v error -y -f lavfi -i testsrc2=s=64x48:r=25 \(a) -frames:v \(frames) \(codec) \(extra) -c:v rawvideo -pix_fmt yuv420p \(name)")
  }

  /// ffprobe's per-frame presentation times of the first video stream, in whole milliseconds
  /// (Matroska stores milliseconds, so times are compared at that precision).
  func framePTS(_ file: String) throws -> [Int] {
    let r = try ok("ffprobe -v error -select_streams v:0 -show_entries frame=pts_time -of csv=p=0 \(file)")
    return r.text.split(separator: "\n").compactMap { line in
      Double(line.trimmingCharacters(in: .whitespaces)).map { Int(($0 * 1000).rounded()) }
    }
  }

  /// Number of video frames ffprobe decodes from `file`.
  func frameCount(_ file: String) throws -> Int {
    let r = try ok("ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 \(file)")
    return Int(r.text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",").first ?? "") ?? -1
  }
}
