import Color
import Denoise
import Dispatch
import Imaging
import Masks
import Media
import Pipeline

/// Per-stage in-process timings of the mask, denoise and expansion stages at 1080p on synthetic frames
/// (a sky gradient clipping toward the horizon, a clipped disc, mid-tones, and a dark noisy band over the bottom
/// eighth of the frame: the under mask covers ≈ 13 %). Frames are built once; each iteration restores the
/// image from a master copy outside the timed region.
enum MaskDenoiseBench {
  /// Runs the stage timings; returns true when `--stages-only` asks to skip the whole-filter runs.
  static func run(frames: Int, width: Int = 1920, height: Int = 1080) throws -> Bool {
    print("mask/denoise/expansion stages: ms/frame at \(width)x\(height), \(frames) frames, \(Parallel.workers) workers")
    let clip = (0..<4).map { synthetic(width: width, height: height, shift: $0 * 8, darkAll: false) }
    let dark = (0..<4).map { synthetic(width: width, height: height, shift: $0 * 8, darkAll: true) }

    let only = CommandLine.arguments.first { $0.hasPrefix("--only=") }.map { String($0.dropFirst(7)) }
    func bench(_ label: String, _ source: [(signal: PlanarImage, linear: PlanarImage)], _ stages: [Stage]) throws {
      if let only, !label.contains(only) { return }
      let masks = try MaskStage(params: fastMasks())
      // Working images, restored from the source before each push (untimed).
      let work = source.map { _ in PlanarImage(width: width, height: height, channels: 3) }
      var times = [Double](repeating: 0, count: stages.count + 1)
      var mins = [Double](repeating: .infinity, count: stages.count + 1)
      var coverage = 0.0
      for i in 0..<(frames + 2) {
        let k = i % source.count
        work[k].assign(from: source[k].linear)
        var batch = [Frame(image: work[k], pts: Int64(i), index: i, signal: source[k].signal)]
        var t0 = DispatchTime.now().uptimeNanoseconds
        batch = try masks.push(batch[0])
        var t1 = DispatchTime.now().uptimeNanoseconds
        if i >= 2 { times[0] += Double(t1 - t0) / 1e6; mins[0] = min(mins[0], Double(t1 - t0) / 1e6) }
        if i == 2, let u = batch.first?.underMask {
          var n = 0
          for j in 0..<u.count where u.data[j] > 0 { n += 1 }
          coverage = Double(n) / Double(u.count)
        }
        for (s, stage) in stages.enumerated() {
          t0 = DispatchTime.now().uptimeNanoseconds
          var next: [Frame] = []
          for f in batch { next += try stage.push(f) }
          batch = next
          t1 = DispatchTime.now().uptimeNanoseconds
          if i >= 2 { times[s + 1] += Double(t1 - t0) / 1e6; mins[s + 1] = min(mins[s + 1], Double(t1 - t0) / 1e6) }
        }
      }
      for stage in stages { _ = try stage.flush() }
      var line = "  \(label.padding(toLength: 34, withPad: " ", startingAt: 0)) under>0 \(String(format: "%4.1f", 100 * coverage))%"
      line += "  masks \(String(format: "%6.2f", times[0] / Double(frames))) (min \(String(format: "%.2f", mins[0])))"
      for (s, stage) in stages.enumerated() {
        line += "  \(stage.name) \(String(format: "%6.2f", times[s + 1] / Double(frames))) (min \(String(format: "%.2f", mins[s + 1])))"
      }
      print(line + " ms")
    }

    var causal = DenoiseParams()
    causal.enabled = true
    causal.causal = true
    var windowed = DenoiseParams()
    windowed.enabled = true
    let expansion = ExpansionStage(params: ExpansionParams(), output: OutputParams())
    for _ in 0..<2 {
      try bench("expansion (recover)", clip, [expansion])
      try bench("denoise causal", clip, [DenoiseStage(params: causal)])
      try bench("denoise ±1", clip, [DenoiseStage(params: windowed)])
      try bench("denoise ±1, dark noisy frame", dark, [DenoiseStage(params: windowed)])
    }
    return CommandLine.arguments.contains("--stages-only")
  }

  static func fastMasks() -> MaskParams {
    var p = MaskParams()
    p.blurRadiusPixels = 2
    return p
  }

  /// Signal and linear image; `darkAll` makes the whole frame a dark noisy field (full under coverage).
  static func synthetic(width: Int, height: Int, shift: Int, darkAll: Bool) -> (signal: PlanarImage, linear: PlanarImage) {
    let sig = PlanarImage(width: width, height: height, channels: 3)
    let lin = PlanarImage(width: width, height: height, channels: 3)
    var seed: UInt32 = 12345 &+ UInt32(shift)
    for y in 0..<height {
      for x in 0..<width {
        seed = seed &* 1_664_525 &+ 1_013_904_223
        var v: Float
        if darkAll || y > height * 7 / 8 {
          v = Float(2 + Int(seed >> 29)) / 219  // dark noisy band
        } else if y < height / 2 {
          v = min(1, Float(104 + (y * 200) / (height / 2)) / 219)
        } else {
          v = Float(24 + ((x + shift) % 256) * 150 / 256) / 219
        }
        let dx = x - width * 2 / 3 - shift, dy = y - height / 4
        if !darkAll && dx * dx + dy * dy < (height / 10) * (height / 10) { v = 1 }
        for c in 0..<3 {
          sig[c, y, x] = v
          lin[c, y, x] = Float(SRGB.eotf(Double(v)))
        }
      }
    }
    return (sig, lin)
  }
}
