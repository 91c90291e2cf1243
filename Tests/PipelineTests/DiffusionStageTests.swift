import Diffusion
import Foundation
import Imaging
import Media
import Parameters
import Pipeline
import TestSupport
import XCTest

/// The diffusion stage inside the pipeline, with the shipped weights (`Models/diffusion.safetensors`).
final class DiffusionStageTests: XCTestCase {
  let models = ModelLocator(directories: [ModelLocator.repositoryModelsDirectory])

  func params(_ edit: (inout PipelineParams) -> Void = { _ in }) -> PipelineParams {
    var p = PipelineParams()
    p.diffusion.enabled = true
    p.window.maxLookAheadFrames = 0
    p.denoise.radiusFrames = 0
    p.diffusion.workingScale = 0.5
    p.diffusion.tileSizePixels = 32
    edit(&p)
    return p
  }

  /// 96×64: a gradient sky with a blown disc; `noise` adds a per-frame ±noise/2 to every unclipped code (a
  /// static shot with sensor noise), drawn from `seed`.
  func frame(_ i: Int, noise: Float = 0, seed: UInt64 = 1) -> Frame {
    let w = 96, h = 64
    var state = seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(i)
    func rand() -> Float {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Float(state >> 40) / Float(1 << 24) - 0.5
    }
    let signal = PlanarImage(width: w, height: h, channels: 3)
    for y in 0..<h {
      for x in 0..<w {
        let dx = x - 48, dy = y - 30
        let blown = dx * dx + dy * dy < 150
        for c in 0..<3 {
          // Clipping removes sensor noise: blown pixels stay at 1.
          signal[c, y, x] = blown ? 1 : min(max([0.55, 0.7, 0.9][c] + 0.1 * Float(y) / Float(h) + noise * rand(), 0), 1)
        }
      }
    }
    let linear = PlanarImage(width: w, height: h, channels: 3)
    for k in 0..<linear.count { linear.data[k] = powf(signal.data[k], 2.4) }
    return Frame(image: linear, pts: Int64(i), index: i, signal: signal)
  }

  func run(_ pipeline: ReexposePipeline, frames: [Frame]) throws -> [Frame] {
    var out: [Frame] = []
    for f in frames { out += try pipeline.push(f) }
    return out + (try pipeline.flush())
  }

  func testChainOrderContractAndMaskFreeFramesUntouched() throws {
    let pipeline = try ReexposePipeline(params: params { $0.expansion.enabled = false; $0.denoise.enabled = false }, models: models)
    XCTAssertEqual(pipeline.stageNames, ["masks", "highlights", "diffusion"])
    let out = try run(pipeline, frames: (0..<4).map { frame($0) })
    XCTAssertEqual(out.map(\.index), [0, 1, 2, 3])
    XCTAssertEqual(out.map(\.pts), [0, 1, 2, 3])
    // No clipping anywhere: the stage leaves the frame as the highlight stage left it.
    let dark = PlanarImage(width: 96, height: 64, channels: 3)
    dark.fill(0.2)
    let stage = try DiffusionStage(params: params().diffusion, locator: models)
    var f = Frame(image: dark.copy(), pts: 0, index: 0)
    f.overMask = PlanarImage(width: 96, height: 64, channels: 1)
    let same = try stage.push(f)[0].image
    XCTAssertEqual(Approx.maxAbsDifference(same, dark), 0)
  }

  func testNeedsMasksAndHighlightsAndNamesMissingWeights() throws {
    let stage = try DiffusionStage(params: params().diffusion, locator: models)
    XCTAssertThrowsError(try stage.push(Frame(image: PlanarImage(width: 8, height: 8), pts: 0, index: 3))) { error in
      XCTAssertEqual(
        error as? PipelineError,
        .stageFailed(stage: "diffusion", frameIndex: 3, reason: "no over-exposure mask (the mask stage must run first)"))
    }
    XCTAssertThrowsError(try params { $0.highlights.enabled = false }.validate()) {
      XCTAssertEqual(($0 as? ParameterError)?.key, "highlights.enabled")
    }
    XCTAssertThrowsError(try ReexposePipeline(params: params { $0.diffusion.model = "/nonexistent/d.safetensors" })) { error in
      XCTAssertEqual(error as? PipelineError, .modelUnavailable(file: "/nonexistent/d.safetensors", reason: "no such file"))
    }
    // The REHDR weights are no diffusion weights: the error names the file.
    let wrong = ModelLocator.repositoryModelsDirectory + "/rehdr.safetensors"
    XCTAssertThrowsError(try ReexposePipeline(params: params { $0.diffusion.model = wrong })) { error in
      guard case .modelUnavailable(let file, _)? = error as? PipelineError else { return XCTFail("\(error)") }
      XCTAssertEqual(file, wrong)
    }
    XCTAssertThrowsError(try ReexposePipeline(params: params { $0.diffusion.steps = 0 })) { error in
      XCTAssertEqual((error as? ParameterError)?.key, "diffusion.steps")
    }
  }

  func testReferenceOnlyWithDiffusion() throws {
    let still = PlanarImage(width: 40, height: 20, channels: 3)
    still.fill(2)
    let with = try ReexposePipeline(params: params(), models: models)
    XCTAssertNoThrow(try with.setReference(still))
    let without = try ReexposePipeline(params: PipelineParams())
    XCTAssertThrowsError(try without.setReference(still)) { error in
      XCTAssertTrue("\(error)".contains("quality"), "\(error)")
    }
  }

  /// A static shot with sensor noise (clipped pixels stay clipped): the stage as it runs, with its noise
  /// keyed by tile position, moves the inpainted region less from frame to frame than inpainting every
  /// frame on its own with fresh noise (a new seed per frame). Feeding the network its own previous
  /// output (`conditionOnPrevious`) is measured too and printed: it drifts after a cut, the reason it is
  /// off by default.
  func testStaticNoisyClipHasLowerTemporalErrorThanFrameByFrame() throws {
    // Masks and PDE fill once per frame (the stages before diffusion), shared by every variant.
    var p = params()
    p.window.sceneCutThreshold = 1
    let masks = try MaskStage(params: p.masks), fill = try HighlightStage(params: p.highlights)
    let prepared = try (0..<8).map { try fill.push(try masks.push(frame($0, noise: 0.03))[0])[0] }
    func copy(_ f: Frame) -> Frame {
      var c = Frame(image: f.image.copy(), pts: f.pts, index: f.index)
      c.overMask = f.overMask
      c.underMask = f.underMask
      return c
    }
    func temporalError(_ run: (Frame) throws -> Frame) throws -> Double {
      let out = try prepared.map { try run(copy($0)) }
      var total = 0.0, n = 0
      for t in 1..<out.count {
        let a = out[t - 1].image, b = out[t].image, m = out[t].overMask!
        for y in 0..<a.height {
          for x in 0..<a.width where m[0, y, x] > 0.5 {
            for c in 0..<3 { total += Double(abs(log2(max(b[c, y, x], 1e-4) / max(a[c, y, x], 1e-4)))); n += 1 }
          }
        }
      }
      XCTAssertGreaterThan(n, 100, "the blown disc is masked")
      return total / Double(max(n, 1))
    }
    let stage = try DiffusionStage(params: p.diffusion, locator: models)
    let shipped = try temporalError { try stage.push($0)[0] }
    let frameByFrame = try temporalError { f in
      var q = p.diffusion
      q.seed = f.index + 1
      return try DiffusionStage(params: q, locator: models).push(f)[0]
    }
    var fb = p.diffusion
    fb.conditionOnPrevious = true
    let fedBackStage = try DiffusionStage(params: fb, locator: models)
    let fedBack = try temporalError { try fedBackStage.push($0)[0] }
    print("diffusion temporal error (mean |Δlog2| in the blown disc): as shipped \(shipped), frame by frame "
      + "\(frameByFrame), network conditioned on its own previous output \(fedBack)")
    XCTAssertLessThan(shipped, 0.5 * frameByFrame)
  }
}
