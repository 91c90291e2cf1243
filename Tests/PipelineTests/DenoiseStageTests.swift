import Denoise
import Foundation
import Imaging
import Media
import Pipeline
import TestSupport
import XCTest

/// The denoise stage: estimates per shot, leaves clean frames alone, causal mode holds nothing back.
final class DenoiseStageTests: XCTestCase {
  /// A gradient with a few bars, shifted `shift` px, plus Gaussian noise of σ `sigma` (0 = clean).
  func frame(_ i: Int, shift: Int = 0, sigma: Float, seed: UInt64) -> Frame {
    let w = 128, h = 96
    let img = PlanarImage(width: w, height: h)
    var rng = SeededNoise(seed: seed)
    for c in 0..<3 {
      for y in 0..<h {
        for x in 0..<w {
          let bar: Float = ((x + shift) / 16) % 2 == 0 ? 0.1 : 0
          img[c, y, x] = 0.1 + 0.5 * Float(y) / Float(h) + bar + sigma * rng.gaussian()
        }
      }
    }
    return Frame(image: img, pts: Int64(i), index: i)
  }

  func run(_ stage: DenoiseStage, _ frames: [Frame]) throws -> [Frame] {
    var out: [Frame] = []
    for f in frames { out += try stage.push(f) }
    return out + (try stage.flush())
  }

  func testCausalHoldsNoFrameBackAndDenoisesAfterTheFirstFrame() throws {
    var p = DenoiseParams()
    p.enabled = true
    p.causal = true
    let stage = DenoiseStage(params: p)
    XCTAssertEqual(stage.lookAheadFrames, 0)
    var errors: [Float] = []
    for i in 0..<5 {
      let noisy = frame(i, sigma: 0.02, seed: UInt64(i + 1))
      let clean = frame(i, sigma: 0, seed: 0)
      let out = try stage.push(noisy)
      XCTAssertEqual(out.count, 1, "frame \(i) comes out at once")
      var e: Float = 0
      for k in 0..<clean.image.count { e += abs(out[0].image.data[k] - clean.image.data[k]) }
      errors.append(e / Float(clean.image.count))
    }
    XCTAssertEqual(errors[0], 0.02 * (2 / Float.pi).squareRoot(), accuracy: 0.002, "first frame untouched")
    XCTAssertLessThan(errors[4], 0.5 * errors[0], "\(errors)")
  }

  func testCleanFramesPassThroughAlmostUnchanged() throws {
    var p = DenoiseParams()
    p.enabled = true
    let stage = DenoiseStage(params: p)
    let frames = (0..<4).map { frame($0, shift: 2 * $0, sigma: 0, seed: 0) }
    let originals = frames.map { $0.image.copy() }
    let out = try run(stage, frames)
    XCTAssertEqual(out.map(\.index), [0, 1, 2, 3])
    for (o, f) in zip(originals, out) {
      var maxDiff: Float = 0
      for k in 0..<o.count { maxDiff = max(maxDiff, abs(o.data[k] - f.image.data[k])) }
      XCTAssertLessThan(maxDiff, 1e-3)
    }
  }

  func testNoiseBelowTheQuantisationLevelLeavesFramesBitIdenticalButIsReported() throws {
    var p = DenoiseParams()
    p.enabled = true
    for (sigma, untouched) in [(Float(0.0004), true), (Float(0.01), false)] {
      let stage = DenoiseStage(params: p)
      let frames = (0..<4).map { frame($0, sigma: sigma, seed: UInt64($0 + 7)) }
      let originals = frames.map { $0.image.copy() }
      let out = try run(stage, frames)
      let same = zip(originals, out).allSatisfy { o, f in (0..<o.count).allSatisfy { o.data[$0] == f.image.data[$0] } }
      XCTAssertEqual(same, untouched, "σ \(sigma)")
      XCTAssertEqual(stage.shotEstimates.count, 1, "the shot's estimate is reported either way")
    }
  }

  func testSceneCutEndsTheShotEstimateAndWindow() throws {
    var p = DenoiseParams()
    p.enabled = true
    p.radiusFrames = 2
    let stage = DenoiseStage(params: p)
    var frames = (0..<3).map { frame($0, sigma: 0.02, seed: UInt64(10 + $0)) }
    var cut = frame(3, shift: 8, sigma: 0.005, seed: 20)
    cut.isSceneCut = true
    frames += [cut] + (4..<6).map { frame($0, shift: 8, sigma: 0.005, seed: UInt64(20 + $0)) }
    let out = try run(stage, frames)
    XCTAssertEqual(out.map(\.index), Array(0..<6))
    XCTAssertTrue(out[3].isSceneCut, "the cut flag reaches later stages")
    XCTAssertEqual(stage.shotEstimates.count, 2)
    let first = stage.shotEstimates[0].sigma(channel: 1, level: 0.4)
    let second = stage.shotEstimates[1].sigma(channel: 1, level: 0.4)
    XCTAssertEqual(first, 0.02, accuracy: 0.004)
    XCTAssertEqual(second, 0.005, accuracy: 0.001)
  }

  /// A frame emitted before any estimate exists goes out as its own image: later stages change it in place,
  /// and the raw frame must stay as it was for its neighbours.
  func testFrameEmittedWithoutEstimateDoesNotShareItsImageWithTheWindow() throws {
    var p = DenoiseParams()
    p.enabled = true
    let stage = DenoiseStage(params: p)
    func white(_ i: Int) -> Frame {
      let img = PlanarImage(width: 128, height: 96)
      img.fill(1)
      return Frame(image: img, pts: Int64(i), index: i)
    }
    XCTAssertTrue(try stage.push(white(0)).isEmpty)
    let first = try stage.push(white(1))
    XCTAssertEqual(first.count, 1)
    first[0].image.fill(0.999)  // what an in-place stage after this one might do
    let second = try stage.push(frame(2, sigma: 0.02, seed: 7))
    XCTAssertEqual(second.map(\.index), [1])
    var maxDiff: Float = 0
    for k in 0..<second[0].image.count { maxDiff = max(maxDiff, abs(second[0].image.data[k] - 1)) }
    XCTAssertLessThan(maxDiff, 1e-6, "frame 1 averaged with the changed copy of frame 0")
  }

  /// In causal mode the next frame averages with this stage's own output, not with what later stages made
  /// of it in place.
  func testCausalNeighbourIsTheStagesOwnOutput() throws {
    var p = DenoiseParams()
    p.enabled = true
    p.causal = true
    let untouched = DenoiseStage(params: p), changed = DenoiseStage(params: p)
    var last: [PlanarImage] = []
    for stage in [untouched, changed] {
      var kept: PlanarImage?
      for i in 0..<4 {
        let f = try stage.push(frame(i, sigma: 0.02, seed: UInt64(50 + i)))
        kept = f[0].image.copy()
        if stage === changed { f[0].image.fill(0.4) }  // an in-place stage after this one
      }
      last.append(try XCTUnwrap(kept))
    }
    var maxDiff: Float = 0
    for k in 0..<last[0].count { maxDiff = max(maxDiff, abs(last[0].data[k] - last[1].data[k])) }
    XCTAssertEqual(maxDiff, 0, "frame 3 depends on what a later stage did to frame 2")
  }

  /// The stage recycles its buffers: an emitted image the caller still holds is never written again, and
  /// whether callers hold or drop their frames changes no output.
  func testRecycledBuffersNeverTouchHeldFramesNorChangeOutput() throws {
    for causal in [false, true] {
      var p = DenoiseParams()
      p.enabled = true
      p.causal = causal
      let holding = DenoiseStage(params: p), dropping = DenoiseStage(params: p)
      var held: [(image: PlanarImage, copy: PlanarImage)] = [], dropped: [PlanarImage] = []
      for i in 0..<10 {
        let input = frame(i, shift: i, sigma: 0.02, seed: UInt64(80 + i))
        var second = input
        second.image = input.image.copy()
        for f in try holding.push(input) { held.append((f.image, f.image.copy())) }
        for f in try dropping.push(second) { dropped.append(f.image.copy()) }
      }
      for f in try holding.flush() { held.append((f.image, f.image.copy())) }
      for f in try dropping.flush() { dropped.append(f.image.copy()) }
      XCTAssertEqual(held.count, 10)
      XCTAssertEqual(Set(held.map { ObjectIdentifier($0.image) }).count, held.count, "causal \(causal)")
      for (k, h) in held.enumerated() {
        XCTAssertTrue(
          (0..<h.image.count).allSatisfy { h.image.data[$0] == h.copy.data[$0] && h.copy.data[$0] == dropped[k].data[$0] },
          "frame \(k), causal \(causal)")
      }
    }
  }
}
