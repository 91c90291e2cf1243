import CShim
import Execution
import Foundation
import IO
import XCTest

@testable import Reexpose

/// Filters share no execution settings: four filters with different worker counts, on four threads at
/// once, give bit for bit what each gives alone.
final class ConcurrentFiltersTests: XCTestCase {
  /// One filter's job: preset, worker count when run side by side, content seed.
  struct Job {
    let preset: String
    let threads: Int?
    let seed: Int
    /// Worker count of the lone reference run: 1, except where the output depends on the worker count
    /// (the learned presets: the sgemm column split and FusionStage's SIMD tails follow the chunking),
    /// where it is the same count.
    let referenceThreads: Int?
    /// Frames sent (the diffusion preset is slow in debug builds).
    var frames = 5
    /// Preset overrides (`--set`).
    var overrides: [String] = []
  }

  static let width = 96, height = 64

  /// A limited-range BT.709 yuv420p frame: a tilted gradient per seed, chroma ramps, and a clipped disc
  /// (luma 235) that moves with the frame index, so masks, highlight fill and the networks have work.
  static func makeFrame(seed: Int, index: Int) -> LibavFrame {
    let f = LibavFrame()
    let p = f.pointer
    precondition(allocateTaggedYUV420P(p, width: width, height: height, pts: Int64(index * 40)) >= 0)
    let cx = 20 + 9 * seed + 6 * index, cy = 18 + 5 * seed
    let y = p.pointee.data.0!, ys = Int(p.pointee.linesize.0)
    for r in 0..<height {
      for c in 0..<width {
        let ramp = 16 + (c * (3 + seed) + r * (2 + seed) + 11 * index) % 210
        let d2 = (c - cx) * (c - cx) + (r - cy) * (r - cy)
        y[r * ys + c] = UInt8(d2 < 144 ? 235 : ramp)
      }
    }
    let u = p.pointee.data.1!, v = p.pointee.data.2!
    let us = Int(p.pointee.linesize.1), vs = Int(p.pointee.linesize.2)
    for r in 0..<(height / 2) {
      for c in 0..<(width / 2) {
        u[r * us + c] = UInt8(108 + (c * (seed + 1) + index) % 40)
        v[r * vs + c] = UInt8(100 + (r * (seed + 2) + 3 * index) % 50)
      }
    }
    return f
  }

  /// Every output frame packed tightly (`av_image_copy_to_buffer`), with its pts.
  static func run(_ job: Job, threads: Int?) throws -> [(pts: Int64, bytes: [UInt8])] {
    let filter = try ReexposeFilter(preset: job.preset, overrides: job.overrides, threads: threads)
    XCTAssertEqual(filter.context.workers, max(1, threads ?? ExecutionContext.availableCores))
    var out: [(Int64, [UInt8])] = []
    func collect() throws {
      while case let .frame(o) = try filter.receive() { out.append((o.pointer.pointee.pts, pack(o))) }
    }
    for i in 0..<job.frames {
      let f = makeFrame(seed: job.seed, index: i)
      try filter.send(UnsafePointer(f.pointer))
      try collect()
    }
    try filter.send(nil)
    try collect()
    return out
  }

  static func pack(_ frame: LibavFrame) -> [UInt8] {
    let p = frame.pointer
    let format = AVPixelFormat(rawValue: p.pointee.format)
    let w = p.pointee.width, h = p.pointee.height
    let size = Int(av_image_get_buffer_size(format, w, h, 1))
    precondition(size > 0)
    var bytes = [UInt8](repeating: 0, count: size)
    var data = p.pointee.data
    var lines = p.pointee.linesize
    let written = withUnsafePointer(to: &data) { dp in
      withUnsafePointer(to: &lines) { lp in
        dp.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { d in
          lp.withMemoryRebound(to: Int32.self, capacity: 8) { l in
            av_image_copy_to_buffer(&bytes, Int32(size), d, l, format, w, h, 1)
          }
        }
      }
    }
    precondition(written == Int32(size))
    return bytes
  }

  func testFourFiltersOnFourThreadsMatchEachAlone() throws {
    let jobs = [
      Job(preset: "fast", threads: 3, seed: 1, referenceThreads: 1),
      // Diffusion at full resolution: the disc spans two 64×64 tiles, which run side by side in
      // one-worker child contexts.
      Job(
        preset: "quality", threads: 2, seed: 2, referenceThreads: 2, frames: 2,
        overrides: ["diffusion.workingScale=1"]),
      Job(preset: "hlg-broadcast", threads: 2, seed: 3, referenceThreads: 1),
      Job(preset: "balanced", threads: 3, seed: 4, referenceThreads: 3),
    ]
    // Alone, one after the other.
    let alone = try jobs.map { try Self.run($0, threads: $0.referenceThreads) }
    // Side by side: four threads start together (each builds its own filter).
    let outcomes = Outcomes(count: jobs.count)
    let start = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
    for (k, job) in jobs.enumerated() {
      let thread = Thread {
        start.wait()
        outcomes.set(k, Result { try Self.run(job, threads: job.threads) })
        done.signal()
      }
      thread.stackSize = 8 << 20
      thread.start()
    }
    for _ in jobs { start.signal() }
    for _ in jobs { done.wait() }
    for (k, job) in jobs.enumerated() {
      guard case .success(let got) = outcomes.get(k) else {
        XCTFail("\(job.preset) side by side: \(String(describing: outcomes.get(k)))")
        continue
      }
      XCTAssertEqual(got.count, job.frames, job.preset)
      XCTAssertEqual(got.map(\.pts), alone[k].map(\.pts), job.preset)
      for (i, (a, b)) in zip(got, alone[k]).enumerated() {
        XCTAssertTrue(a.bytes == b.bytes, "\(job.preset) frame \(i): side by side (\(job.threads.map(String.init) ?? "all") workers) differs from alone (\(job.referenceThreads.map(String.init) ?? "all"))")
      }
    }
    // The four contents differ, so matching outputs are not a coincidence of identical inputs.
    XCTAssertNotEqual(alone[0].first?.bytes, alone[1].first?.bytes)
  }
}

/// Results handed back from the filter threads.
private final class Outcomes: @unchecked Sendable {
  typealias Frames = [(pts: Int64, bytes: [UInt8])]
  private let lock = NSLock()
  private var results: [Result<Frames, Error>?]

  init(count: Int) { results = Array(repeating: nil, count: count) }

  func set(_ k: Int, _ r: Result<Frames, Error>) {
    lock.lock()
    results[k] = r
    lock.unlock()
  }

  func get(_ k: Int) -> Result<Frames, Error>? {
    lock.lock()
    defer { lock.unlock() }
    return results[k]
  }
}
