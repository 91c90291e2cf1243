import CShim
import IO
import Imaging
import Pipeline
import Presets
import XCTest

@testable import Reexpose

/// The Swift filter API the CLI and the C API share: send/receive contract, drain, errors.
final class ReexposeFilterTests: XCTestCase {
  /// A yuv420p frame of constant luma `y` (limited range, neutral chroma).
  func makeFrame(width: Int = 32, height: Int = 16, y: UInt8, pts: Int64) -> UnsafeMutablePointer<AVFrame> {
    let frame = av_frame_alloc()!
    XCTAssertGreaterThanOrEqual(allocateTaggedYUV420P(frame, width: width, height: height, pts: pts), 0)
    let planes = [frame.pointee.data.0!, frame.pointee.data.1!, frame.pointee.data.2!]
    let strides = [Int(frame.pointee.linesize.0), Int(frame.pointee.linesize.1), Int(frame.pointee.linesize.2)]
    for p in 0..<3 {
      let rows = p == 0 ? height : height / 2
      let value: UInt8 = p == 0 ? y : 128
      for r in 0..<rows { (planes[p] + r * strides[p]).update(repeating: value, count: strides[p]) }
    }
    return frame
  }

  func free(_ frame: UnsafeMutablePointer<AVFrame>) {
    var f: UnsafeMutablePointer<AVFrame>? = frame
    av_frame_free(&f)
  }

  func run(_ filter: ReexposeFilter, frames: Int, size: (Int, Int) = (32, 16)) throws -> [LibavFrame] {
    var out: [LibavFrame] = []
    for i in 0..<frames {
      let f = makeFrame(width: size.0, height: size.1, y: UInt8(16 + i * 20), pts: Int64(10 * i))
      defer { free(f) }
      try filter.send(UnsafePointer(f))
      while case let .frame(o) = try filter.receive() { out.append(o) }
    }
    try filter.send(nil)
    while case let .frame(o) = try filter.receive() { out.append(o) }
    if case .endOfStream = try filter.receive() {} else { XCTFail("expected end of stream after drain") }
    return out
  }

  func testEveryPresetKeepsCountOrderAndTimestamps() throws {
    for name in ["fast", "static", "hdr10-pq", "hlg-broadcast", "linear-exr"] {
      let filter = try ReexposeFilter(preset: name)
      let out = try run(filter, frames: 6)
      XCTAssertEqual(out.map { $0.pointer.pointee.pts }, [0, 10, 20, 30, 40, 50], name)
    }
  }

  func testReceiveBeforeSendIsAgain() throws {
    let filter = try ReexposeFilter(preset: "fast")
    if case .again = try filter.receive() {} else { XCTFail("expected .again") }
  }

  func testSendAfterDrainIsAStateError() throws {
    let filter = try ReexposeFilter(preset: "fast")
    try filter.send(nil)
    let f = makeFrame(y: 100, pts: 0)
    defer { free(f) }
    XCTAssertThrowsError(try filter.send(UnsafePointer(f))) { error in
      guard case FilterError.state = error else { return XCTFail("\(error)") }
    }
  }

  func testGeometryChangeIsRejectedAndEarlierFramesDrain() throws {
    let filter = try ReexposeFilter(preset: "fast")
    let a = makeFrame(width: 32, height: 16, y: 100, pts: 0)
    let b = makeFrame(width: 16, height: 16, y: 100, pts: 1)
    defer { free(a); free(b) }
    try filter.send(UnsafePointer(a))
    XCTAssertThrowsError(try filter.send(UnsafePointer(b))) { error in
      XCTAssertTrue("\(error)".contains("32x16"), "\(error)")
    }
    try filter.send(nil)
    var n = 0
    while case .frame = try filter.receive() { n += 1 }
    XCTAssertEqual(n, 1)
  }

  func testOverridesAndPresetErrors() throws {
    let filter = try ReexposeFilter(preset: "hdr10-pq", overrides: ["output.peakNits=4000"])
    XCTAssertEqual(filter.params.output.peakNits, 4000)
    XCTAssertTrue(filter.x265Params.contains("L(40000000,50)"), filter.x265Params)
    XCTAssertThrowsError(try ReexposeFilter(preset: "no-such-preset")) { error in
      guard case FilterError.preset = error else { return XCTFail("\(error)") }
    }
  }

  func testStaticPlacesSDRWhiteAtReferenceWhite() throws {
    // Limited-range Y = 235 is SDR white: static maps it to 203 cd/m² (BT.2408) → PQ ≈ 0.5806.
    let filter = try ReexposeFilter(preset: "static")
    let f = makeFrame(y: 235, pts: 0)
    defer { free(f) }
    try filter.send(UnsafePointer(f))
    try filter.send(nil)
    guard case let .frame(out) = try filter.receive() else { return XCTFail("no frame") }
    let y10 = UnsafeRawPointer(out.pointer.pointee.data.0!).load(as: UInt16.self)
    let expected = 64 + 0.5806 * 876
    XCTAssertEqual(Double(y10), expected, accuracy: 1.5)
    XCTAssertEqual(filter.contentLight.maxCLL, 203, accuracy: 2)
  }

  func testFastKeepsAnEvidenceFreeWhiteFrameAndTheKneeStyleExpandsIt() throws {
    let filter = try ReexposeFilter(preset: "fast")
    let out = try run(filter, frames: 1)
    XCTAssertEqual(out.count, 1)
    func maxCLL(_ overrides: [String]) throws -> Double {
      let white = try ReexposeFilter(preset: "fast", overrides: overrides)
      let f = makeFrame(y: 235, pts: 0)
      defer { free(f) }
      try white.send(UnsafePointer(f))
      try white.send(nil)
      while case .frame = try white.receive() {}
      return white.contentLight.maxCLL
    }
    // A frame that is clipped white everywhere shows nothing about how bright it was: `recover` keeps it at
    // reference white; the knee style drives clipped white to the 1000 cd/m² peak.
    XCTAssertEqual(try maxCLL([]), 203, accuracy: 2)
    XCTAssertGreaterThan(try maxCLL(["expansion.style=knee"]), 900)
  }

  func testPlanarRoundTrip() throws {
    let filter = try ReexposeFilter(preset: "static")
    let signal = PlanarImage(width: 4, height: 2)
    signal.fill(1)
    try filter.send(signal: signal, pts: 7)
    try filter.drain()
    let (image, pts) = try XCTUnwrap(try filter.receiveSignal())
    XCTAssertEqual(pts, 7)
    XCTAssertEqual(image[0, 0, 0], 0.5806, accuracy: 0.002)
    XCTAssertNil(try filter.receiveSignal())
  }
}
