import Foundation
import Fusion
import Imaging
import Media
import Parameters
import Pipeline
import TestSupport
import XCTest

/// The fusion stage with the random-init fixture weights of `Tests/Fixtures/rehdr/` (what the stage does
/// with any weights: contract, recurrence, scene-cut reset, peak cap, errors).
final class FusionStageTests: XCTestCase {
  static let fixtureWeights = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/rehdr/weights.safetensors").path

  func params(_ edit: (inout FusionParams) -> Void = { _ in }) -> FusionParams {
    var p = FusionParams()
    p.enabled = true
    p.model = Self.fixtureWeights
    p.workingHeightPixels = 64
    edit(&p)
    return p
  }

  func stage(_ p: FusionParams? = nil, peakNits: Float = 1000) throws -> FusionStage {
    var out = OutputParams()
    out.peakNits = peakNits
    return try FusionStage(params: p ?? params(), output: out)
  }

  /// A 96×64 frame: a gradient with a blown disc whose position depends on `shift`.
  func frame(_ i: Int, shift: Int = 0, cut: Bool = false) -> Frame {
    let w = 96, h = 64
    let img = PlanarImage(width: w, height: h, channels: 3)
    for y in 0..<h {
      for x in 0..<w {
        let dx = x - 40 - shift, dy = y - 30
        let blown = dx * dx + dy * dy < 100
        img[0, y, x] = blown ? 1 : 0.05 + 0.5 * Float(x) / Float(w)
        img[1, y, x] = blown ? 1 : 0.1 + 0.3 * Float(y) / Float(h)
        img[2, y, x] = blown ? 1 : 0.2
      }
    }
    var f = Frame(image: img, pts: Int64(100 * i), index: i)
    f.isSceneCut = cut
    return f
  }

  func testWorkingSizeKeepsAspectInMultiplesOf8() {
    let p = FusionParams()
    XCTAssertTrue(p.workingSize(width: 1920, height: 1080) == (480, 272))
    XCTAssertTrue(p.workingSize(width: 1280, height: 720) == (480, 272))
    XCTAssertTrue(p.workingSize(width: 720, height: 576) == (344, 272))
    XCTAssertTrue(p.workingSize(width: 100, height: 60) == (96, 56))
    XCTAssertTrue(p.workingSize(width: 7, height: 5) == (8, 8))
  }

  func testContractEveryFrameOnceInOrderAndStateCarries() throws {
    let s = try stage()
    var out: [Frame] = []
    for i in 0..<5 { out += try s.push(frame(i, shift: i)) }
    out += try s.flush()
    XCTAssertEqual(out.map(\.index), Array(0..<5))
    XCTAssertEqual(out.map(\.pts), (0..<5).map { Int64(100 * $0) })
    XCTAssertEqual(s.lookAheadFrames, 0)
    XCTAssertEqual(s.state.steps, 0, "flush resets the recurrent state")
  }

  func testSceneCutResetsStateLikeAFreshStream() throws {
    let a = try stage()
    _ = try a.push(frame(0, shift: 0))
    _ = try a.push(frame(1, shift: 3))
    let afterCut = try a.push(frame(2, shift: 6, cut: true))[0].image
    let carried = try stage()
    _ = try carried.push(frame(0, shift: 0))
    _ = try carried.push(frame(1, shift: 3))
    let noCut = try carried.push(frame(2, shift: 6))[0].image
    let fresh = try stage().push(frame(2, shift: 6))[0].image
    XCTAssertEqual(Approx.maxAbsDifference(afterCut, fresh), 0, "a cut starts from zero state")
    XCTAssertGreaterThan(Approx.maxAbsDifference(noCut, fresh), 1e-4, "without a cut the state carries")
  }

  func testNoChannelExceedsThePeakAndRebuiltHighlightsKeepHue() throws {
    let s = try stage(peakNits: 203 * 1.5)
    let f = frame(0)
    for c in 0..<3 { f.image[c, 30, 40] = [2, 1, 0.5][c] }
    let out = try s.push(f)[0].image
    var top: Float = 0
    for i in 0..<out.count { top = max(top, out.data[i]) }
    XCTAssertLessThanOrEqual(top, 1.5 * (1 + 1e-5))
    let r = out[0, 30, 40], g = out[1, 30, 40], b = out[2, 30, 40]
    XCTAssertEqual(g / r, 0.5, accuracy: 1e-5)
    XCTAssertEqual(b / r, 0.25, accuracy: 1e-5)
  }

  func testFillWeightKeepsTheRebuiltLevelWhereMasked() throws {
    var f = frame(0)
    for c in 0..<3 { f.image[c, 30, 40] = [3, 1.5, 0.75][c] }
    let mask = PlanarImage(width: 96, height: 64, channels: 1)
    mask.fill(1)
    f.overMask = mask
    let keep = try stage(params { $0.fillWeight = 1 }).push(f)[0].image
    for c in 0..<3 { XCTAssertEqual(keep[c, 30, 40], [3, 1.5, 0.75][c], accuracy: 1e-4, "w = 1: the rebuilt level stays") }
    // w = 0.5: the geometric mean of the network's level and the rebuilt one.
    let s0 = try stage(), s1 = try stage(params { $0.fillWeight = 0.5 })
    var g = frame(0)
    for c in 0..<3 { g.image[c, 30, 40] = [3, 1.5, 0.75][c] }
    g.overMask = mask
    let net = try s0.push(g)[0].image[0, 30, 40]
    var h = frame(0)
    for c in 0..<3 { h.image[c, 30, 40] = [3, 1.5, 0.75][c] }
    h.overMask = mask
    let half = try s1.push(h)[0].image[0, 30, 40]
    XCTAssertEqual(half, (net * 3).squareRoot(), accuracy: 1e-3 * half)
  }

  /// Residual mode multiplies the frame as it arrives: a pixel rebuilt above SDR white keeps its level as the
  /// base (the normal mode keeps only its hue), so out = F · 2^gain with the same gain as an unclipped pixel.
  func testResidualMultipliesTheFrameAsItIsAndStillCapsAtThePeak() throws {
    func run(_ residual: Bool, peakNits: Float = 10000) throws -> PlanarImage {
      let f = frame(0)
      for c in 0..<3 { f.image[c, 30, 40] = [2, 1, 0.5][c] }
      return try stage(params { $0.residual = residual }, peakNits: peakNits).push(f)[0].image
    }
    let res = try run(true), normal = try run(false)
    // The same network and input (clamped frames are equal), so the gain at (30, 40) is the same; the
    // residual output there is the normal one times the pixel's own level (2). A high peak: no cap here.
    XCTAssertEqual(res[0, 30, 40] / normal[0, 30, 40], 2, accuracy: 1e-4)
    XCTAssertEqual(res[1, 30, 40] / res[0, 30, 40], 0.5, accuracy: 1e-5)
    // Unclipped pixels are treated alike in both modes.
    XCTAssertEqual(res[0, 5, 5], normal[0, 5, 5], accuracy: 1e-6)
    let capped = try run(true, peakNits: 203 * 1.5)
    var top: Float = 0
    for i in 0..<capped.count { top = max(top, capped.data[i]) }
    XCTAssertLessThanOrEqual(top, 1.5 * (1 + 1e-5))
  }

  func testResidualFusionMayRunAfterExpansionAndOnlyThen() throws {
    var p = PipelineParams()
    p.fusion.enabled = true
    p.expansion.enabled = true
    XCTAssertThrowsError(try p.validate()) { error in
      XCTAssertEqual((error as? ParameterError)?.key, "expansion.enabled")
    }
    p.fusion.residual = true
    XCTAssertNoThrow(try p.validate())
  }

  func testEventsWrongBinCountFailsWithFrameAndRightOnesChangeTheOutput() throws {
    var f = frame(0)
    f.events = PlanarImage(width: 96, height: 64, channels: 4)
    XCTAssertThrowsError(try stage().push(f)) { error in
      XCTAssertEqual(
        error as? PipelineError, .stageFailed(stage: "fusion", frameIndex: 0, reason: "event grid has 4 bins, expected 5"))
    }
    var g = frame(0)
    let grid = PlanarImage(width: 48, height: 32, channels: 5)
    for i in 0..<grid.count { grid.data[i] = Float((i * 31) % 7) - 3 }
    g.events = grid
    let with = try stage().push(g)[0].image
    let without = try stage().push(frame(0))[0].image
    XCTAssertGreaterThan(Approx.maxAbsDifference(with, without), 1e-5)
  }

  func testMissingAndCorruptWeightsNameTheFile() throws {
    XCTAssertThrowsError(try stage(params { $0.model = "/nonexistent/rehdr.safetensors" })) { error in
      XCTAssertEqual(error as? PipelineError, .modelUnavailable(file: "/nonexistent/rehdr.safetensors", reason: "no such file"))
    }
    XCTAssertThrowsError(try FusionStage(params: params { $0.model = "no-such-model.safetensors" }, output: OutputParams(),
      locator: ModelLocator(directories: ["/tmp/rx-none"]))) { error in
      XCTAssertTrue("\(error)".contains("no-such-model.safetensors"), "\(error)")
      XCTAssertTrue("\(error)".contains("/tmp/rx-none"), "\(error)")
    }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rx-fusion-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.fixtureWeights))
    let truncated = dir.appendingPathComponent("truncated.safetensors")
    try bytes.prefix(bytes.count / 2).write(to: truncated)
    let garbage = dir.appendingPathComponent("garbage.safetensors")
    try Data("not a safetensors file at all".utf8).write(to: garbage)
    for bad in [truncated, garbage] {
      XCTAssertThrowsError(try stage(params { $0.model = bad.path })) { error in
        guard case .modelUnavailable(let file, _)? = error as? PipelineError else { return XCTFail("\(error)") }
        XCTAssertEqual(file, bad.path)
        XCTAssertTrue("\(error)".hasPrefix("cannot load model \(bad.path): "), "\(error)")
      }
    }
    // Found by name through the locator.
    let named = try FusionStage(
      params: params { $0.model = "weights.safetensors" }, output: OutputParams(),
      locator: ModelLocator(directories: ["/tmp/rx-none", (Self.fixtureWeights as NSString).deletingLastPathComponent]))
    XCTAssertEqual(named.modelPath, Self.fixtureWeights)
  }

  func testParamsValidationAndExclusiveWithExpansion() throws {
    var p = PipelineParams()
    p.fusion.enabled = true
    XCTAssertThrowsError(try p.validate()) { XCTAssertEqual(($0 as? ParameterError)?.key, "expansion.enabled") }
    p.expansion.enabled = false
    XCTAssertNoThrow(try p.validate())
    p.fusion.workingHeightPixels = 32
    XCTAssertThrowsError(try p.validate()) { XCTAssertEqual(($0 as? ParameterError)?.key, "fusion.workingHeightPixels") }
    p.fusion.workingHeightPixels = 272
    p.fusion.model = ""
    XCTAssertThrowsError(try p.validate()) { XCTAssertEqual(($0 as? ParameterError)?.key, "fusion.model") }
  }

  func testPipelineRunsFusionInPlaceOfExpansion() throws {
    var p = PipelineParams()
    p.expansion.enabled = false
    p.fusion = params()
    let pipeline = try ReexposePipeline(params: p)
    XCTAssertEqual(pipeline.stageNames, ["masks", "highlights", "fusion"])
    var out: [Frame] = []
    for i in 0..<3 {
      var f = frame(i)
      f.signal = f.image.copy()
      out += try pipeline.push(f)
    }
    out += try pipeline.flush()
    XCTAssertEqual(out.count, 3)
  }
}
