import CShim
import Dispatch
import Foundation
import IO
import Imaging
import Inpaint
import Media
import Pipeline
import Reexpose

/// `reexpose-bench N --highlights [--clip=PATH.mp4]`: in-process timings of the highlight stage alone (wall
/// and CPU, with the reconstructor's per-phase breakdown) and of the whole `fast` preset, on frames decoded
/// from the demo clip (`Examples/make-sdr-clip.sh PATH 1920x1080 2`; made in a temporary folder when no
/// `--clip` is given and ffmpeg is on the PATH) or, failing that, on the synthetic frames.
///
/// The highlight stage gets what it gets inside the `fast` preset: linear frames from the ``InputConverter``
/// and over masks from the preset's ``MaskStage``. Each iteration restores the frame from a master copy
/// outside the timed region.
enum HighlightBench {
  /// Runs the highlight timings when `--highlights` is on the command line; returns whether it ran.
  static func run(frames: Int) throws -> Bool {
    let args = CommandLine.arguments
    guard args.contains("--highlights") else { return false }
    let width = 1920, height = 1080
    let clipArg = args.first { $0.hasPrefix("--clip=") }.map { String($0.dropFirst(7)) }
    var sources = decodeDemo(clip: clipArg, width: width, height: height)
    let origin = sources.isEmpty ? "synthetic frames" : "demo clip"
    if sources.isEmpty {
      sources = (0..<4).map { SyntheticFrame.make(width: width, height: height, shift: $0 * 8) }
    }
    print("highlights: ms/frame at \(width)x\(height), \(frames) frames of the \(origin), \(Parallel.workers) workers")

    let preset = try ReexposeFilter(preset: "fast").preset
    let input = InputConverter(params: preset.params.input)
    let masks = try MaskStage(params: preset.params.masks)
    var masters: [Frame] = []
    for (i, src) in sources.enumerated() {
      let linear = PlanarImage(width: width, height: height), signal = PlanarImage(width: width, height: height)
      try input.convert(UnsafePointer(src.pointer), linear: linear, signal: signal)
      masters += try masks.push(Frame(image: linear, pts: Int64(i), index: i, signal: signal))
    }
    let clip = preset.params.highlights.clipLinear
    for (i, m) in masters.enumerated() {
      var any = 0, all = 0
      for p in 0..<m.image.planeSize {
        let n = (0..<3).reduce(0) { $0 + (m.image.plane($1)[p] >= clip ? 1 : 0) }
        if n > 0 { any += 1 }
        if n == 3 { all += 1 }
      }
      let px = Double(m.image.planeSize)
      print(String(format: "  frame %d: %.1f %% pixels with a clipped channel, %.1f %% fully clipped", i, 100 * Double(any) / px, 100 * Double(all) / px))
    }

    // `--dump=PREFIX`: the reconstructed linear frames as raw float32 [3, H, W] files PREFIX-N.f32 (to compare
    // the results of two builds).
    if let prefix = args.first(where: { $0.hasPrefix("--dump=") }).map({ String($0.dropFirst(7)) }) {
      let stage = try HighlightStage(params: preset.params.highlights)
      for (i, m) in masters.enumerated() {
        var f = m
        f.image = m.image.copy()
        _ = try stage.push(f)
        let data = Data(bytes: f.image.data, count: f.image.count * MemoryLayout<Float>.size)
        try data.write(to: URL(fileURLWithPath: "\(prefix)-\(i).f32"))
        let src = Data(bytes: m.image.data, count: m.image.count * MemoryLayout<Float>.size)
        try src.write(to: URL(fileURLWithPath: "\(prefix)-\(i).in.f32"))
        if let o = m.overMask {
          try Data(bytes: o.data, count: o.count * MemoryLayout<Float>.size).write(to: URL(fileURLWithPath: "\(prefix)-\(i).mask.f32"))
        }
      }
    }

    for round in 0..<2 {
      let stage = try HighlightStage(params: preset.params.highlights)
      stage.reconstructor.profiling = true
      let work = masters.map { PlanarImage(width: $0.width, height: $0.height) }
      var wall = 0.0, cpu = 0.0
      for i in 0..<(frames + 2) {
        let k = i % masters.count
        work[k].assign(from: masters[k].image)
        var f = masters[k]
        f.image = work[k]
        if i == 2 { stage.reconstructor.resetProfile() }
        let c0 = cpuSeconds(), t0 = DispatchTime.now().uptimeNanoseconds
        _ = try stage.push(f)
        let t1 = DispatchTime.now().uptimeNanoseconds, c1 = cpuSeconds()
        if i >= 2 {
          wall += Double(t1 - t0) / 1e6
          cpu += (c1 - c0) * 1000
        }
      }
      let n = Double(frames)
      var line = String(format: "  round %d highlights alone: %6.2f ms/frame wall, %6.2f ms CPU", round, wall / n, cpu / n)
      line += "   [" + stage.reconstructor.profile.map { String(format: "%@ %.2f", $0.0, $0.1 / n) }.joined(separator: ", ") + "]"
      print(line)
    }

    for (label, overrides) in [("fast", [String]()), ("fast highlights off", ["highlights.enabled=false"])] {
      let filter = try ReexposeFilter(preset: "fast", overrides: overrides)
      var out = 0
      var wall = 0.0, cpu = 0.0
      for i in 0..<(frames + 2) {
        let c0 = cpuSeconds(), t0 = DispatchTime.now().uptimeNanoseconds
        try filter.send(UnsafePointer(sources[i % sources.count].pointer))
        while case .frame = try filter.receive() { out += 1 }
        let t1 = DispatchTime.now().uptimeNanoseconds, c1 = cpuSeconds()
        if i >= 2 {
          wall += Double(t1 - t0) / 1e6
          cpu += (c1 - c0) * 1000
        }
      }
      try filter.drain()
      while case .frame = try filter.receive() { out += 1 }
      let n = Double(frames)
      print(String(format: "  %@: %6.2f ms/frame wall (%.1f fps), %6.2f ms CPU, %d frames", label, wall / n, 1000 * n / wall, cpu / n, out))
    }
    return true
  }

  /// Process CPU time (user + system) in seconds.
  static func cpuSeconds() -> Double {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
  }

  /// Four yuv420p frames (0, 12, 24, 36) of the demo clip; empty when ffmpeg or the script is unavailable.
  static func decodeDemo(clip: String?, width: Int, height: Int) -> [LibavFrame] {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reexpose-bench-\(getpid())")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    var mp4 = clip
    if mp4 == nil {
      let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Examples/make-sdr-clip.sh").standardized.path
      let out = dir.appendingPathComponent("demo.mp4").path
      guard shell(["bash", script, out, "\(width)x\(height)", "2"]) else { return [] }
      mp4 = out
    }
    let raw = dir.appendingPathComponent("frames.yuv").path
    guard
      shell([
        "ffmpeg", "-v", "error", "-y", "-i", mp4!, "-vf", "select='not(mod(n\\,12))',scale=\(width):\(height)",
        "-fps_mode", "passthrough", "-frames:v", "4", "-f", "rawvideo", "-pix_fmt", "yuv420p", raw,
      ]), let data = FileManager.default.contents(atPath: raw)
    else { return [] }
    let frameBytes = width * height * 3 / 2
    return (0..<(data.count / frameBytes)).map { i in
      let frame = SyntheticFrame.blankBT709(width: width, height: height)
      let f = frame.pointer
      data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
        let base = bytes.baseAddress! + i * frameBytes
        let planes: [(UnsafeMutablePointer<UInt8>, Int, Int, Int, Int)] = [
          (f.pointee.data.0!, Int(f.pointee.linesize.0), width, height, 0),
          (f.pointee.data.1!, Int(f.pointee.linesize.1), width / 2, height / 2, width * height),
          (f.pointee.data.2!, Int(f.pointee.linesize.2), width / 2, height / 2, width * height * 5 / 4),
        ]
        for (dst, stride, w, h, offset) in planes {
          for y in 0..<h { (dst + y * stride).update(from: (base + offset + y * w).assumingMemoryBound(to: UInt8.self), count: w) }
        }
      }
      return frame
    }
  }

  /// Runs a command (looked up on the PATH), output discarded; true when it exits 0.
  static func shell(_ argv: [String]) -> Bool {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = argv
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    do { try p.run() } catch { return false }
    p.waitUntilExit()
    return p.terminationStatus == 0
  }
}
