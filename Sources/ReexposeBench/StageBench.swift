import CShim
import Dispatch
import IO
import Imaging
import Pipeline
import Reexpose

/// In-process per-stage timings at 1080p (no pipes): where a frame's time goes.
///
/// `make bench` runs the whole-pipe comparison against ffmpeg (Examples/bench.sh); this complements it.
@main
enum StageBench {
  static func main() throws {
    let frames = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 30
    let width = 1920, height = 1080
    if try HighlightBench.run(frames: frames) { return }
    if try FusionBench.run(frames: frames) { return }
    if try DiffusionBench.run(frames: frames) { return }
    if try MaskDenoiseBench.run(frames: frames) { return }
    print("reexpose-bench: per-stage ms/frame at \(width)x\(height), \(frames) frames, \(Parallel.workers) workers")
    let clip = (0..<4).map { SyntheticFrame.make(width: width, height: height, shift: $0 * 8) }

    let runs: [(String, [String])] = [
      ("static", []), ("fast", []), ("hdr10-pq", []),
      ("fast", ["highlights.enabled=false"]), ("fast", ["highlights.enabled=false", "denoise.enabled=false"]),
      ("fast", ["highlights.enabled=false", "denoise.enabled=false", "expansion.enabled=false"]),
    ]
    for (name, overrides) in runs {
      let filter = try ReexposeFilter(preset: name, overrides: overrides)
      var times: [String: Double] = [:]
      var order: [String] = []
      func time(_ label: String, _ body: () throws -> Void) rethrows {
        let t0 = DispatchTime.now().uptimeNanoseconds
        try body()
        if times[label] == nil { order.append(label) }
        times[label, default: 0] += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
      }
      var out = 0
      for i in 0..<frames {
        let src = clip[i % clip.count]
        try time("send (convert + pipeline)") { try filter.send(UnsafePointer(src.pointer)) }
        try time("receive (output convert)") {
          while case .frame = try filter.receive() { out += 1 }
        }
      }
      try filter.drain()
      while case .frame = try filter.receive() { out += 1 }
      let total = order.reduce(0) { $0 + times[$1]! } / Double(frames)
      print("  \(name) \(overrides.joined(separator: " ")): \(String(format: "%.2f", total)) ms/frame (\(String(format: "%.1f", 1000 / total)) fps), \(out) frames")
      for label in order { print("    \(label.padding(toLength: 28, withPad: " ", startingAt: 0)) \(String(format: "%7.2f", times[label]! / Double(frames))) ms") }
    }
  }
}
