import Foundation
import IO
import Pipeline
import Presets
import Reexpose

/// `--detect-cuts`: the frames where the filter's scene-cut detector starts a new shot, as text on stdout,
/// one `frame<TAB>pts<TAB>seconds` line each (frame 0 first), so a programme can be split at them and each
/// part re-exposed alone (the filter's state resets at cuts).
enum CutDetection {
  /// Reads `input` to its end; returns the exit code.
  static func run(input: String, raw: RawVideoOptions?, params: PipelineParams, console: Console) -> Int32 {
    let reader: MediaReader
    switch console.openReader(input, raw: raw) {
    case .success(let r): reader = r
    case .failure(let code): return code.rawValue
    }
    let converter = InputConverter(params: params.input)
    let detector = SceneCutDetector(params: params.window)
    let tb = reader.info.timeBase
    var index = 0
    var lines = "# shot starts: frame\tpts\tseconds (time base \(tb.num)/\(tb.den))\n"
    do {
      while let item = try reader.next() {
        guard case let .video(decoded) = item else { continue }
        var frame = try converter.makeFrame(decoded, index: index)
        detector.mark(&frame)
        if index == 0 || frame.isSceneCut {
          let pts = decoded.pts ?? Int64(index)
          let seconds = Double(pts) * Double(tb.num) / Double(max(tb.den, 1))
          lines += "\(index)\t\(pts)\t\(String(format: "%.6f", seconds))\n"
        }
        index += 1
        if lines.utf8.count > 1 << 16 {
          try console.stdout(lines)
          lines = ""
        }
      }
      try console.stdout(lines)
    } catch {
      try? console.stdout(lines)
      console.error(error)
      return ErrorStatus.classify(error, during: .readInput).exitCode
    }
    reader.takeWarnings().forEach { console.note("warning: \($0)") }
    return 0
  }
}
