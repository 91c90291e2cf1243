import Pipeline
import XCTest

@testable import Presets

/// `--set key=value` overrides: parsing, precedence and errors.
final class PresetOverrideTests: XCTestCase {
  private func hdr10() throws -> Preset {
    try PresetCatalog(directories: [PresetCatalog.repositoryPresetsDirectory]).load("hdr10-pq")
  }

  private func overrideError(_ overrides: [String]) throws -> String {
    var preset = try hdr10()
    do {
      try preset.apply(overrides: overrides)
      XCTFail("expected an error for \(overrides)")
      return ""
    } catch let error as PresetError {
      return "\(error)"
    }
  }

  func testOverridesSetEachType() throws {
    var preset = try hdr10()
    try preset.apply(overrides: [
      "output.peakNits=4000", "window.maxLookAheadFrames=2", "denoise.enabled=true", "output.primaries=p3-d65",
      "output.transfer=hlg", "masks.temporalWeight=0.5", "description=custom",
    ])
    XCTAssertEqual(preset.params.output.peakNits, 4000)
    XCTAssertEqual(preset.params.window.maxLookAheadFrames, 2)
    XCTAssertTrue(preset.params.denoise.enabled)
    XCTAssertEqual(preset.params.output.primaries, .p3d65)
    XCTAssertEqual(preset.params.output.transfer, "hlg")
    XCTAssertEqual(preset.params.masks.temporalWeight, 0.5)
    XCTAssertEqual(preset.description, "custom")
  }

  func testOverridesLaterWinsAndYamlScalarSyntax() throws {
    var preset = try hdr10()
    try preset.apply(overrides: ["output.peakNits=2000", "output.peakNits=4_000", "expansion.enabled=off"])
    XCTAssertEqual(preset.params.output.peakNits, 4000)
    XCTAssertFalse(preset.params.expansion.enabled)
  }

  func testOverrideOutOfRange() throws {
    XCTAssertEqual(
      try overrideError(["output.peakNits=50"]), "--set output.peakNits=50: must be in 203.0...10000.0, got 50.0")
  }

  func testOverrideCrossFieldErrorPointsAtTheConflictingFileLine() throws {
    // pixelFormat was written in the file, so the conflict is reported there.
    let text = try overrideError(["output.transfer=linear"])
    let lines = try String(contentsOfFile: PresetCatalog.repositoryPresetsDirectory + "/hdr10-pq.yaml", encoding: .utf8)
      .components(separatedBy: "\n")
    let line = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("  pixelFormat:") }) + 1
    XCTAssertTrue(
      text.hasSuffix("hdr10-pq.yaml:\(line):16: error: output.pixelFormat: linear output needs gbrpf32le, got yuv420p10le"),
      text)
  }

  func testOverrideWrongType() throws {
    XCTAssertEqual(
      try overrideError(["output.peakNits=abc"]), "--set output.peakNits=abc: expected a number, got 'abc'")
  }

  func testOverrideQuotedNumberIsAString() throws {
    XCTAssertEqual(
      try overrideError(["output.peakNits=\"4000\""]),
      "--set output.peakNits=\"4000\": expected a number, got '\"4000\"'")
  }

  func testOverrideUnknownKeySuggests() throws {
    XCTAssertEqual(
      try overrideError(["peakNits=4000"]), "--set peakNits=4000: unknown key 'peakNits', did you mean 'output.peakNits'?")
    XCTAssertEqual(
      try overrideError(["output.peaknits=4000"]),
      "--set output.peaknits=4000: unknown key 'output.peaknits', did you mean 'output.peakNits'?")
  }

  func testOverrideMalformed() throws {
    XCTAssertEqual(
      try overrideError(["output.peakNits"]), "--set output.peakNits: expected key=value, e.g. output.peakNits=4000")
    XCTAssertEqual(try overrideError(["=4000"]), "--set =4000: expected key=value, e.g. output.peakNits=4000")
  }

  func testOverrideFailureLeavesPresetUnchanged() throws {
    var preset = try hdr10()
    let before = preset
    XCTAssertThrowsError(try preset.apply(overrides: ["output.peakNits=4000", "output.peakNits=abc"]))
    XCTAssertEqual(preset, before)
    XCTAssertEqual(preset.params.output.peakNits, 1000)
  }

  func testOverridesValidateOnceAtEnd() throws {
    // A later valid override can repair what an earlier one broke; validation runs once, at the end.
    var preset = try hdr10()
    try preset.apply(overrides: ["output.transfer=linear", "output.pixelFormat=gbrpf32le"])
    XCTAssertEqual(preset.params.output.transfer, "linear")
  }

  func testSchemaSetPublicEntryPoint() throws {
    var params = PipelineParams()
    let key = try XCTUnwrap(PresetSchema.key("output.peakNits"))
    try key.set("4000", in: &params, at: .override("output.peakNits=4000"))
    XCTAssertEqual(params.output.peakNits, 4000)
    XCTAssertEqual(key.value(in: params), "4000.0")
  }
}
