import Color
import Pipeline
import XCTest

@testable import Presets

/// The shipped presets in `Presets/`: each loads, validates, says what it promises, and round-trips.
final class PresetFileTests: XCTestCase {
  private let shipped = ["balanced", "fast", "hdr10-pq", "hlg-broadcast", "linear-exr", "quality", "static"]
  private let repository = PresetCatalog(directories: [PresetCatalog.repositoryPresetsDirectory])

  func testEveryShippedPresetLoadsAndValidates() throws {
    for name in shipped {
      let preset = try repository.load(name)
      XCTAssertEqual(preset.name, name)
      XCTAssertFalse(preset.description.isEmpty, name)
      XCTAssertNoThrow(try preset.params.validate(), name)
    }
  }

  func testListShowsEveryShippedPresetWithDescription() {
    let entries = repository.list()
    XCTAssertEqual(entries.map(\.name), shipped)
    for entry in entries {
      XCTAssertTrue(entry.isValid, entry.description)
      XCTAssertFalse(entry.description.isEmpty)
    }
  }

  func testRenderThenLoadRoundTripsEveryPreset() throws {
    for name in shipped {
      let preset = try repository.load(name)
      let text = preset.rendered()
      let back = try PresetLoader.load(yaml: text, file: "\(name)-rendered.yaml", name: name)
      XCTAssertEqual(back, preset, name)
      XCTAssertEqual(back.params, preset.params, name)
    }
  }

  func testRenderThenLoadRoundTripsOddDescriptionAndFloats() throws {
    var params = PipelineParams()
    params.masks.temporalWeight = 0.1 + 0.2
    params.denoise.noiseSigmaLinear = 0.000_123_4
    params.output.masteringMinNits = 1e-7
    params.fusion.model = "dir \"x\"\\w\u{1}\u{7F}: #.safetensors"  // text keys share the description's quoting
    let description = "quote \" backslash \\ colon: # hash\ttab é"
    let text = PresetLoader.render(params, name: "odd", description: description)
    let back = try PresetLoader.load(yaml: text, file: "odd.yaml", name: "odd")
    XCTAssertEqual(back.params, params)
    XCTAssertEqual(back.description, description)
  }

  /// Found by Tests/Fuzz (PresetLoader): a description holding NEL (YAML escapes `\x85`, `\N`) was rendered raw
  /// inside quotes and loaded back as a space; one holding a C1 control (`\x80`) did not load back at all.
  func testRenderThenLoadRoundTripsLineBreaksAndControls() throws {
    for description in ["\u{85}", "a\u{2028}b\u{2029}c", "\u{80}\u{9F}\u{FFFE}\u{FFFF}", "bom \u{FEFF}", "\r\n", "\u{10FFFF}é"] {
      let text = PresetLoader.render(PipelineParams(), name: "odd", description: description)
      let back = try PresetLoader.load(yaml: text, file: "odd.yaml", name: "odd")
      XCTAssertEqual(back.description.unicodeScalars.map(\.value), description.unicodeScalars.map(\.value))
    }
    let loaded = try PresetLoader.load(yaml: "version: 3\ndescription: \"\\x85 \\N \\L \\P\"\n", file: "F", name: "f")
    XCTAssertEqual(loaded.description, "\u{85} \u{85} \u{2028} \u{2029}")
    let back = try PresetLoader.load(yaml: loaded.rendered(), file: "F2", name: "f")
    XCTAssertEqual(back, loaded)
  }

  func testHlgBroadcastIsHLGBT2020LimitedAt1000() throws {
    let p = try repository.load("hlg-broadcast").params
    XCTAssertEqual(p.output.transfer, "hlg")
    XCTAssertEqual(p.output.primaries, .bt2020)
    XCTAssertEqual(p.output.pixelFormat, .yuv420p10le)
    XCTAssertFalse(p.output.fullRange)
    XCTAssertEqual(p.output.peakNits, 1000)
    XCTAssertTrue(p.denoise.enabled && !p.denoise.causal && p.highlights.enabled && p.expansion.enabled)
    XCTAssertEqual(p.expansion.style, .recover)
  }

  func testHdr10PQIsPQWithP3D65Mastering() throws {
    let p = try repository.load("hdr10-pq").params
    XCTAssertEqual(p.output.transfer, "pq")
    XCTAssertEqual(p.output.primaries, .bt2020)
    XCTAssertEqual(p.output.pixelFormat, .yuv420p10le)
    XCTAssertEqual(p.output.peakNits, 1000)
    XCTAssertEqual(p.output.masteringPrimaries, .p3d65)
    XCTAssertTrue(p.hasRestoration)
  }

  func testLinearEXRIsLinearFloatBT709WithExpansion() throws {
    let p = try repository.load("linear-exr").params
    XCTAssertEqual(p.output.transfer, "linear")
    XCTAssertEqual(p.output.primaries, .bt709)
    XCTAssertEqual(p.output.pixelFormat, .gbrpf32le)
    XCTAssertTrue(p.expansion.enabled)
    XCTAssertEqual(p.output.peakNits, 1000)
    XCTAssertTrue(p.highlights.enabled && p.denoise.enabled)
    XCTAssertEqual(p.expansion.style, .recover)
  }

  func testFastMatchesHDR10OutputWithCheaperRestoration() throws {
    let fast = try repository.load("fast").params
    let hdr10 = try repository.load("hdr10-pq").params
    XCTAssertEqual(fast.output, hdr10.output)
    XCTAssertLessThanOrEqual(fast.window.maxLookAheadFrames, 1)
    XCTAssertLessThan(fast.highlights.jacobiSweepsPerLevel, hdr10.highlights.jacobiSweepsPerLevel)
    XCTAssertTrue(fast.hasRestoration)
    XCTAssertTrue(fast.denoise.enabled && fast.denoise.causal, "no look-ahead: the causal denoise")
    XCTAssertEqual(fast.expansion, hdr10.expansion)
  }

  func testStaticIsColourConversionOnly() throws {
    let p = try repository.load("static").params
    XCTAssertFalse(p.hasRestoration)
    XCTAssertEqual(p.output.transfer, "pq")
    XCTAssertEqual(p.output.primaries, .bt2020)
    XCTAssertEqual(p.output.referenceWhiteNits, 203)
  }

  func testBalancedIsFastCorrectedByTheResidualFusion() throws {
    let balanced = try repository.load("balanced").params
    let fast = try repository.load("fast").params
    XCTAssertTrue(balanced.fusion.enabled)
    XCTAssertTrue(balanced.fusion.residual)
    XCTAssertEqual(balanced.expansion, fast.expansion)
    XCTAssertEqual(balanced.denoise, fast.denoise)
    XCTAssertEqual(balanced.fusion.model, "rehdr-residual.safetensors")
    XCTAssertEqual(balanced.highlights, fast.highlights)
    XCTAssertEqual(balanced.masks, fast.masks)
    XCTAssertEqual(balanced.output, fast.output)
  }

  /// The diffusion weights are trained on this path's own frames (`make train-diffusion` runs `quality` with
  /// diffusion off), so its fill must stay `hdr10-pq`'s and nothing may run after the inpainting.
  func testQualityInpaintsTheFullClassicalFillThenBalancedsResidualNetworkCorrectsIt() throws {
    let quality = try repository.load("quality").params
    let hdr10 = try repository.load("hdr10-pq").params
    XCTAssertTrue(quality.diffusion.enabled)
    XCTAssertGreaterThan(quality.diffusion.rebuiltRampLinear, 0)
    XCTAssertTrue(quality.diffusion.keepFillHue)
    // The diffusion sets the rebuilt level (no `recoverGain`), the surround-weighted lift is hdr10-pq's.
    XCTAssertEqual(quality.expansion.recoverGain, 1)
    XCTAssertEqual(quality.expansion.clippedLiftLinear, hdr10.expansion.clippedLiftLinear)
    XCTAssertEqual(quality.expansion.liftSurroundSigmaPerHeightPercent, hdr10.expansion.liftSurroundSigmaPerHeightPercent)
    let balanced = try repository.load("balanced").params
    XCTAssertTrue(quality.fusion.residual)
    XCTAssertEqual(quality.fusion, balanced.fusion)
    XCTAssertEqual(quality.denoise, hdr10.denoise)
    XCTAssertEqual(quality.masks, hdr10.masks)
    XCTAssertEqual(quality.diffusion.model, "diffusion.safetensors")
    XCTAssertEqual(quality.highlights, hdr10.highlights)
    XCTAssertEqual(quality.output, hdr10.output)
  }
}
