import CShim
import Dispatch
import Foundation
import Imaging
import Pipeline
import XCTest

import IO

/// 1080p conversion timings; run with RX_IO_BENCH=1 on a release build (skipped otherwise).
final class ConversionSpeedTests: XCTestCase {
  /// Fastest of `runs` timed calls, in ms (the machine is shared: the minimum is the least disturbed run).
  private func time(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
    try body()  // warm-up
    var best = Double.infinity
    for _ in 0..<runs {
      let start = DispatchTime.now().uptimeNanoseconds
      try body()
      best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    return best
  }

  func test_speed1080p() throws {
    try XCTSkipUnless(ProcessInfo.processInfo.environment["RX_IO_BENCH"] != nil, "set RX_IO_BENCH=1")
    if let n = ProcessInfo.processInfo.environment["RX_IO_WORKERS"].flatMap(Int.init) { Parallel.workers = n }
    defer { Parallel.workers = ProcessInfoLite.activeProcessorCount }
    let w = 1920, h = 1080, runs = 20
    let frame = FrameFactory.custom(AV_PIX_FMT_YUV420P, width: w, height: h) { p, x, y, _ in
      p == 0 ? 16 + (x + y) % 220 : 128 + (x - y) % 50
    }
    let input = InputConverter()
    let linear = PlanarImage(width: w, height: h)
    let signal = PlanarImage(width: w, height: h)
    let inMs = try time(runs) { try input.convert(frame.pointer, linear: linear, signal: signal) }
    let inNoSignal = try time(runs) { try input.convert(frame.pointer, linear: linear, signal: nil) }

    // swscale's float path for comparison: yuv420p → gbrpf32le (signal only, no linearisation).
    let dst = LibavFrame()
    dst.pointer.pointee.format = AV_PIX_FMT_GBRPF32LE.rawValue
    dst.pointer.pointee.width = Int32(w)
    dst.pointer.pointee.height = Int32(h)
    XCTAssertGreaterThanOrEqual(av_frame_get_buffer(dst.pointer, 0), 0)
    var swsMs: [String] = []
    for (name, flags) in [("point", SWS_POINT), ("bilinear", SWS_BILINEAR)] {
      let sws = sws_getContext(Int32(w), Int32(h), AV_PIX_FMT_YUV420P, Int32(w), Int32(h), AV_PIX_FMT_GBRPF32LE,
                               flags, nil, nil, nil)!
      defer { sws_freeContext(sws) }
      let ms = time(5) {
        let s = frame.pointer.pointee, d = dst.pointer.pointee
        var src: [UnsafePointer<UInt8>?] = [s.data.0, s.data.1, s.data.2, nil].map { $0.map { UnsafePointer($0) } }
        var srcStride: [Int32] = [s.linesize.0, s.linesize.1, s.linesize.2, 0]
        var dstP: [UnsafeMutablePointer<UInt8>?] = [d.data.0, d.data.1, d.data.2, nil]
        var dstStride: [Int32] = [d.linesize.0, d.linesize.1, d.linesize.2, 0]
        sws_scale(sws, &src, &srcStride, 0, Int32(h), &dstP, &dstStride)
      }
      swsMs.append("\(name) \(String(format: "%.2f", ms)) ms")
    }

    var results: [String] = []
    for (name, transfer, fmt) in [("pq 4:2:0", "pq", OutputParams.PixelFormat.yuv420p10le),
                                  ("hlg 4:2:0", "hlg", .yuv420p10le), ("pq 4:4:4", "pq", .yuv444p10le)] {
      var p = OutputParams()
      p.transfer = transfer
      p.pixelFormat = fmt
      let out = try OutputConverter(params: p)
      let ms = try time(runs) { _ = try out.convert(linear, pts: 0) }
      results.append("\(name) \(String(format: "%.2f", ms)) ms")
    }
    print("""
      IO 1080p (\(Parallel.workers) workers): input yuv420p → linear+signal \(String(format: "%.2f", inMs)) ms, \
      linear only \(String(format: "%.2f", inNoSignal)) ms; swscale yuv420p → gbrpf32le (no EOTF) \
      \(swsMs.joined(separator: ", ")); output \(results.joined(separator: ", "))
      """)
  }
}
