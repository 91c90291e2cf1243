import CShim
import Denoise
import Foundation
import IO
import Pipeline
import Reexpose

/// One run of the filter over a stream: MediaReader → ReexposeFilter (send/receive) → MediaWriter.
///
/// On any fault it stops reading, drains the filter and writes every frame decoded before the fault, then
/// reports one error line; the return value is the exit code (``ErrorStatus``; 0 for success).
final class PipeJob {
  let filter: ReexposeFilter
  let input: String
  let output: String
  let format: ContainerFormat
  let raw: RawVideoOptions?
  /// Event recording for the fusion stage (`--events`).
  let events: String?
  let console: Console
  /// `--verbose`: per-shot measurements (noise) after the summary.
  var verbose = false
  /// `--strict`: damaged input stops the job (exit 65) instead of being counted and warned about.
  var strict = false
  /// What the reader found damaged but read past (for `--stats`).
  var damage = InputDamage()
  /// `--vf` / `--post-vf`: libavfilter graphs before and after the filter.
  var vf: String?
  var postVF: String?
  private var graphs: JobGraphs?
  /// Source timestamps waiting for their woven frame (`input.deinterlace: fields`).
  private var sourcePTS: [Int64] = []
  var framesWritten = 0
  var seconds = 0.0
  var outputClosed = false

  init(filter: ReexposeFilter, input: String, output: String, format: ContainerFormat, raw: RawVideoOptions?, events: String? = nil,
       console: Console) {
    self.events = events
    self.filter = filter
    self.input = input
    self.output = output
    self.format = format
    self.raw = raw
    self.console = console
  }

  /// Runs the job; returns the exit code.
  func run() -> Int32 {
    let reader: MediaReader
    switch console.openReader(input, raw: raw) {
    case .success(let r): reader = r
    case .failure(let code): return code.rawValue
    }
    reader.strict = strict
    reader.takeWarnings().forEach { console.note("warning: \($0)") }
    let g: JobGraphs
    do {
      g = try JobGraphs(reader: reader, output: filter.params.output, input: filter.params.input, vf: vf, postVF: postVF)
    } catch {
      console.error(error)
      // A graph that cannot be built is a bad --vf/--post-vf argument.
      if case IOError.invalidArgument = error { return ErrorStatus.usage.exitCode }
      return ErrorStatus.classify(error, during: .openInput).exitCode
    }
    graphs = g
    g.notes.forEach { console.note("warning: \($0)") }
    if let events {
      do {
        // Frames reach the filter in the graph's time base (bwdif at field rate changes it).
        try filter.attachEvents(EventFile(path: events), timeBase: (Int(g.timeBase.num), Int(g.timeBase.den)))
      } catch {
        console.error(error)
        return ErrorStatus.classify(error, during: .attachEvents).exitCode
      }
    }
    let writer: MediaWriter
    do {
      writer = try MediaWriter(
        path: output, format: format, params: filter.params.output, width: g.width, height: g.height,
        timeBase: g.timeBase, frameRate: g.frameRate, passthrough: reader.passthroughStreams,
        contentLightCeilingNits: filter.params.contentLightCeilingNits, source: g.source)
    } catch {
      console.error(error)
      return ErrorStatus.classify(error, during: .openOutput).exitCode
    }
    let progress = Progress(
      enabled: !console.quiet, total: reader.info.estimatedFrameCount, exact: reader.info.frameCountIsExact)
    var fault: (Error, ErrorStatus)?

    // Read and filter until EOF, the first fault or a stop signal.
    do {
      while StopSignals.pending == 0, let item = try nextItem(reader) {
        switch item {
        case let .video(frame):
          try send(frame)
          try drainReady(to: writer)
          progress.update(frames: reader.framesRead)
        case let .packet(streamIndex, packet):
          try writer.write(packet: packet, inputStreamIndex: streamIndex)
        }
      }
    } catch JobError.input(let error) {
      fault = (error, ErrorStatus.classify(error, during: .readInput))
    } catch {
      fault = (error, ErrorStatus.classify(error, during: .process))
    }
    // Drain: every frame sent before a fault is still written.
    if !outputClosed {
      do {
        if let pre = graphs?.pre {
          try pre.flush()
          try sendPulled(from: pre)
        }
        try filter.drain()
        try drainReady(to: writer)
        if let post = graphs?.post {
          try post.flush()
          try writePost(post, to: writer)
        }
        try writer.finish()
      } catch {
        if fault == nil { fault = (error, ErrorStatus.classify(error, during: .process)) }
      }
    }
    // The reader of stdout going away is not a failure, wherever the write noticed it.
    if let (error, _) = fault, case IOError.outputClosed = error { outputClosed = true }
    progress.finish()
    seconds = progress.elapsedSeconds
    damage = reader.damage
    (reader.takeWarnings() + filter.takeWarnings() + writer.warnings).forEach { console.note("warning: \($0)") }
    if outputClosed {
      console.note("output closed by its reader after \(framesWritten) frames")
      return 0
    }
    if let (error, failure) = fault {
      console.error(error)
      console.note("wrote \(framesWritten) frames before the error")
      return failure.exitCode
    }
    let stop = StopSignals.pending
    if stop != 0 {
      console.error("interrupted by \(StopSignals.name(stop)): wrote \(framesWritten) frames and closed the output")
      return 128 + stop
    }
    summarize()
    return 0
  }

  enum JobError: Error { case input(Error) }

  /// The reader's next item; its warnings (damage found on the way) are printed as they come, not at the end,
  /// so a live stream's operator sees them when they happen.
  func nextItem(_ reader: MediaReader) throws -> ReaderItem? {
    defer { reader.takeWarnings().forEach { console.note("warning: \($0)") } }
    do { return try reader.next() } catch { throw JobError.input(error) }
  }

  /// Sends a decoded frame to the filter, through the `--vf`/deinterlacing graph when there is one.
  func send(_ frame: LibavFrame) throws {
    guard let pre = graphs?.pre else { return try filter.send(UnsafePointer(frame.pointer)) }
    if graphs?.restoresTimestamps == true { sourcePTS.append(frame.pointer.pointee.pts) }
    try pre.push(frame)
    try sendPulled(from: pre)
  }

  private func sendPulled(from pre: VideoFilterGraph) throws {
    while let f = try pre.pull() { try filter.send(UnsafePointer(f.pointer)) }
  }

  func drainReady(to writer: MediaWriter) throws {
    while case let .frame(out) = try filter.receive() {
      if let post = graphs?.post {
        try post.push(out)
        try writePost(post, to: writer)
      } else {
        try write(out, to: writer)
      }
    }
    for w in filter.takeWarnings() { console.note("warning: \(w)") }
  }

  private func writePost(_ post: VideoFilterGraph, to writer: MediaWriter) throws {
    while let f = try post.pull() {
      if graphs?.restoresTimestamps == true, !sourcePTS.isEmpty {
        f.pointer.pointee.pts = sourcePTS.removeFirst()
        f.pointer.pointee.pkt_duration = 0
      }
      try write(f, to: writer)
    }
  }

  private func write(_ frame: LibavFrame, to writer: MediaWriter) throws {
    do {
      try writer.write(video: frame)
    } catch IOError.outputClosed {
      outputClosed = true
      throw IOError.outputClosed(path: output)
    }
    framesWritten += 1
  }

  func summarize() {
    let cl = filter.contentLight
    let fps = Double(framesWritten) / max(seconds, 1e-9)
    console.note(String(format: "%d frames in %.2f s (%.1f fps); measured MaxCLL %.0f cd/m², MaxFALL %.0f cd/m²",
                        framesWritten, seconds, fps, cl.maxCLL, cl.maxFALL))
    if !damage.isEmpty { console.note("input damage read past: \(damage.summary) (--strict makes it an error)") }
    if verbose {
      for (i, noise) in filter.noiseEstimates.enumerated() { console.note("shot \(i + 1) noise (linear, R/G/B): \(noise)") }
    }
  }

  /// The per-shot noise estimates as a JSON array: shot and read variance terms and σ at the report levels.
  func noiseJSON() -> String {
    let shots = filter.noiseEstimates.map { n -> String in
      func triple(_ v: SIMD3<Float>) -> String { "[\(v[0]), \(v[1]), \(v[2])]" }
      let sigmas = NoiseLevelFunction.reportLevels.map { x in
        "\"\(x)\": " + triple(SIMD3((0..<3).map { n.sigma(channel: $0, level: x) }))
      }.joined(separator: ", ")
      return "{\"shot\": \(triple(n.shot)), \"read\": \(triple(n.read)), \"sigma\": {\(sigmas)}}"
    }
    return "[" + shots.joined(separator: ", ") + "]"
  }

  /// Writes the `--stats` JSON summary; false (with a one-line error) when it cannot be written.
  func writeStats(to path: String, console: Console) -> Bool {
    let cl = filter.contentLight
    let o = filter.params.output
    let json = """
      {"preset": "\(filter.preset.name)", "frames": \(framesWritten), "seconds": \(seconds), \
      "fps": \(Double(framesWritten) / max(seconds, 1e-9)), "maxCLL": \(cl.maxCLL), "maxFALL": \(cl.maxFALL), \
      "transfer": "\(o.transfer)", "peakNits": \(o.peakNits), "referenceWhiteNits": \(o.referenceWhiteNits), \
      "inputDamage": {"missingFrames": \(damage.missingFrames), "corruptFrames": \(damage.corruptFrames), \
      "undecodablePackets": \(damage.undecodablePackets)}, "noise": \(noiseJSON())}

      """
    if let failure = Console.writeFile(path, json) {
      console.error("cannot write --stats file \(path): \(failure)")
      return false
    }
    return true
  }
}
