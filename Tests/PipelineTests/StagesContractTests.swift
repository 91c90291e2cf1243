import Denoise
import Imaging
import Inpaint
import Masks
import Media
import Parameters
import Pipeline
import TestSupport
import XCTest

/// Push/flush contract of the classical stages: N frames in → N out, in order, indexes preserved.
final class StagesContractTests: XCTestCase {
  func frame(_ i: Int, w: Int = 24, h: Int = 16, level: Float) -> Frame {
    let img = PlanarImage(width: w, height: h, channels: 3)
    img.fill(level)
    for y in 0..<10 { for x in 0..<12 { for c in 0..<3 { img[c, y, x] = 1 } } }
    let sig = PlanarImage(width: w, height: h, channels: 3)
    sig.fill(level.squareRoot())
    var f = Frame(image: img, pts: Int64(i * 10), index: i, signal: sig)
    f.isSceneCut = i == 4
    return f
  }

  func run(_ stage: Stage, frames n: Int) throws -> [Frame] {
    var out: [Frame] = []
    for i in 0..<n {
      let got = try stage.push(frame(i, level: i < 4 ? 0.01 : 0.3))
      XCTAssertLessThanOrEqual(i + 1 - (out.count + got.count), stage.lookAheadFrames, "held too many")
      out += got
    }
    out += try stage.flush()
    XCTAssertEqual(try stage.flush().count, 0)
    return out
  }

  func testEachStageAndChainEmitEveryFrameOnceInOrder() throws {
    var denoise = DenoiseParams()
    denoise.enabled = true
    denoise.radiusFrames = 2
    let stages: [Stage] = [
      try MaskStage(), try HighlightStage(), DenoiseStage(params: denoise),
      StageChain([DenoiseStage(params: denoise), try MaskStage(), try HighlightStage()]),
    ]
    for stage in stages {
      for n in [1, 2, 7] {
        let out = try run(stage, frames: n)
        XCTAssertEqual(out.map(\.index), Array(0..<n), "\(stage.name) n=\(n)")
        XCTAssertEqual(out.map(\.pts), (0..<n).map { Int64($0 * 10) })
      }
    }
  }

  func testLookAheadValues() throws {
    var p = DenoiseParams()
    p.radiusFrames = 3
    XCTAssertEqual(DenoiseStage(params: p).lookAheadFrames, 3)
    p.causal = true
    XCTAssertEqual(DenoiseStage(params: p).lookAheadFrames, 0)
    XCTAssertEqual(try MaskStage().lookAheadFrames, 0)
    XCTAssertEqual(try HighlightStage().lookAheadFrames, 0)
  }

  /// Params with `stage` enabled (and what it requires, minus what it excludes), look-ahead raised where the
  /// stage has a knob for it.
  func params(enabling stage: StageDescriptor) -> PipelineParams {
    var p = PipelineParams()
    p.window.maxLookAheadFrames = 8
    func set(_ key: String, _ value: ParameterValue) {
      PipelineParams.parameters.first { $0.key == key }?.set(value, in: &p)
    }
    set(stage.name + ".enabled", .bool(true))
    // A stage without an `enabled` key runs when a knob moves off its default: try each at its upper bound.
    for parameter in stage.section.parameters where !stage.isEnabled(p) {
      switch parameter.kind {
      case .int(let range): parameter.set(.int(range.upperBound), in: &p)
      case .float(let range): parameter.set(.float(range.upperBound), in: &p)
      default: continue
      }
    }
    for need in stage.requires { set(need.section + ".enabled", .bool(true)) }
    for clash in stage.excludes { set(clash.section + ".enabled", .bool(false)) }
    if let key = stage.lookAheadKey { set(key, .int(2)) }
    return p
  }

  /// Every registered stage, built by its descriptor as the pipeline builds it, keeps the contract: N frames
  /// in → N out, in order, pts kept, never more held than the look-ahead its descriptor declares.
  func testEveryRegisteredStageKeepsTheContractAndItsDeclaredLookAhead() throws {
    for descriptor in StageRegistry.all {
      let p = params(enabling: descriptor)
      XCTAssertTrue(descriptor.isEnabled(p), descriptor.name)
      try p.validate()
      let pipeline = try ReexposePipeline(params: p)
      let index = try XCTUnwrap(pipeline.stages.firstIndex { $0.name == descriptor.name }, descriptor.name)
      let stage = pipeline.stages[index]
      XCTAssertEqual(stage.lookAheadFrames, descriptor.lookAheadFrames(p), descriptor.name)
      if descriptor.lookAheadKey != nil { XCTAssertGreaterThan(stage.lookAheadFrames, 0, descriptor.name) }
      // Frames as the stages before it leave them.
      let before = StageChain(Array(pipeline.stages[..<index]))
      for n in [1, 2, 7] {
        var inputs: [Frame] = []
        for i in 0..<n { inputs += try before.push(frame(i, w: 48, h: 32, level: i < 4 ? 0.01 : 0.3)) }
        inputs += try before.flush()
        var out: [Frame] = []
        for (i, f) in inputs.enumerated() {
          let got = try stage.push(f)
          XCTAssertLessThanOrEqual(i + 1 - (out.count + got.count), stage.lookAheadFrames, "\(stage.name) held too many")
          out += got
        }
        out += try stage.flush()
        XCTAssertEqual(try stage.flush().count, 0, stage.name)
        XCTAssertEqual(out.map(\.index), Array(0..<n), "\(stage.name) n=\(n)")
        XCTAssertEqual(out.map(\.pts), (0..<n).map { Int64($0 * 10) }, stage.name)
      }
    }
  }

  func testMaskStageSetsMasksEvenWithoutSignal() throws {
    var f = frame(0, level: 0.5)
    f.signal = nil
    let out = try MaskStage().push(f)
    XCTAssertNotNil(out[0].overMask)
    XCTAssertNotNil(out[0].underMask)
    XCTAssertGreaterThan(out[0].overMask![0, 1, 1], 0.5)
  }

  func testInvalidParamsThrowPrefixedKeys() {
    var m = MaskParams()
    m.temporalWeight = 2
    XCTAssertThrowsError(try MaskStage(params: m)) { XCTAssertEqual(($0 as? ParameterError)?.key, "masks.temporalWeight") }
    var h = HighlightParams()
    h.clipLinear = 2
    XCTAssertThrowsError(try HighlightStage(params: h)) {
      XCTAssertEqual(($0 as? ParameterError)?.key, "highlights.clipLinear")
    }
    var s = PipelineParams()
    s.denoise.strength = -1
    XCTAssertThrowsError(try ReexposePipeline(params: s)) {
      XCTAssertEqual(($0 as? ParameterError)?.key, "denoise.strength")
    }
  }

  func testSceneCutDetectorFiresOnLargeChangeOnly() {
    let d = SceneCutDetector(threshold: 0.12)
    var a = frame(0, level: 0.1), b = frame(1, level: 0.1), c = frame(2, level: 0.8)
    d.mark(&a)
    d.mark(&b)
    d.mark(&c)
    XCTAssertFalse(a.isSceneCut)
    XCTAssertFalse(b.isSceneCut)
    XCTAssertTrue(c.isSceneCut)
    XCTAssertEqual(d.score(c.signal!), 0, accuracy: 1e-7)
    let off = SceneCutDetector(threshold: 1)
    off.mark(&a)
    off.mark(&c)
    XCTAssertFalse(c.isSceneCut)
  }
}
