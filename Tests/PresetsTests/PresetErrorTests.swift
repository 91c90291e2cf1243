import XCTest

@testable import Presets

/// Every error kind points at the exact `file:line:column` of the node responsible.
final class PresetErrorTests: XCTestCase {
  /// Loads `yaml` from a temp file and returns the thrown error's description with the path replaced by `F`.
  private func error(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
    let path = try TemporaryPreset.write(yaml)
    do {
      _ = try PresetLoader.load(path: path)
      XCTFail("expected an error", file: file, line: line)
      return ""
    } catch let error as PresetError {
      let text = "\(error)"
      XCTAssertTrue(text.hasPrefix(path), "\(text) does not start with the file", file: file, line: line)
      XCTAssertFalse(text.contains("\n"), "not one line: \(text)", file: file, line: line)
      return "F" + text.dropFirst(path.count)
    }
  }

  func testSyntaxErrorUsesYamlMark() throws {
    let text = try error("version: 1\noutput:\n  peakNits: 1000\n   transfer: pq\n")
    XCTAssertTrue(text.hasPrefix("F:4:12: error: mapping values are not allowed"), text)
  }

  func testSyntaxErrorUnclosedFlowSequence() throws {
    let text = try error("version: 1\noutput: {peakNits: 1000\n")
    XCTAssertTrue(text.hasPrefix("F:3:1: error: "), text)
  }

  func testUnknownKeyPointsAtKeyAndSuggests() throws {
    XCTAssertEqual(
      try error("version: 1\noutput:\n  transfer: pq\n  peakNit: 1000\n"),
      "F:4:3: error: unknown key 'output.peakNit', did you mean 'output.peakNits'?")
  }

  func testUnknownKeyWrongSectionSuggestsRightOne() throws {
    XCTAssertEqual(
      try error("version: 1\nmasks:\n  peakNits: 1000\n"),
      "F:3:3: error: unknown key 'masks.peakNits', did you mean 'output.peakNits'?")
  }

  func testUnknownSectionIsAnError() throws {
    XCTAssertEqual(
      try error("version: 1\ndescription: x\nouptut:\n  peakNits: 1000\n"),
      "F:3:1: error: unknown key 'ouptut', did you mean 'output'?")
  }

  func testUnknownKeyFarFromAnythingHasNoSuggestion() throws {
    XCTAssertEqual(
      try error("version: 1\nhighlights:\n  zzzzzzzzzzzzzz: 3\n"),
      "F:3:3: error: unknown key 'highlights.zzzzzzzzzzzzzz'")
  }

  func testWrongTypeNumber() throws {
    XCTAssertEqual(
      try error("version: 1\noutput:\n  peakNits: abc\n"),
      "F:3:13: error: output.peakNits: expected a number, got 'abc'")
  }

  func testWrongTypeQuotedNumberIsAString() throws {
    XCTAssertEqual(
      try error("version: 1\noutput:\n  peakNits: \"1000\"\n"),
      "F:3:13: error: output.peakNits: expected a number, got '\"1000\"'")
  }

  func testWrongTypeInteger() throws {
    XCTAssertEqual(
      try error("version: 1\nwindow:\n  lookAheadFrames: 1.5\n"),
      "F:3:20: error: window.maxLookAheadFrames: expected an integer, got '1.5'")
  }

  func testWrongTypeBool() throws {
    XCTAssertEqual(
      try error("version: 1\nshadows: {enabled: maybe}\n"),
      "F:2:20: error: denoise.enabled: expected true or false, got 'maybe'")
  }

  func testWrongTypeChoiceSuggestsNearestName() throws {
    XCTAssertEqual(
      try error("version: 1\noutput:\n  primaries: bt2021\n"),
      "F:3:14: error: output.primaries: expected one of bt709, bt2020, p3-d65, got 'bt2021', did you mean 'bt2020'?")
  }

  func testWrongTypeSectionNotAMapping() throws {
    XCTAssertEqual(
      try error("version: 1\noutput: 1000\n"),
      "F:2:9: error: output: expected a mapping of output keys, got '1000'")
  }

  func testWrongTypeListValue() throws {
    XCTAssertEqual(
      try error("version: 1\noutput:\n  peakNits: [1, 2]\n"),
      "F:3:13: error: output.peakNits: expected a number, got a list")
  }

  func testOutOfRangeFromValidatePointsAtValue() throws {
    XCTAssertEqual(
      try error("version: 1\ndescription: \"x\"\noutput:\n  transfer: pq\n  peakNits: 50\n"),
      "F:5:13: error: output.peakNits: must be in 203.0...10000.0, got 50.0")
  }

  func testOutOfRangeCrossFieldOnDefaultKeyPointsAtSection() throws {
    // overHighSignal keeps its default 0.97; raising overLowSignal above it is reported on the section.
    XCTAssertEqual(
      try error("version: 1\nmasks:\n  overLowSignal: 0.99\n"),
      "F:2:1: error: masks.overHighSignal: must be greater than overLowSignal (0.99)")
  }

  func testOutOfRangeCrossFieldOnWrittenKeyPointsAtThatKey() throws {
    XCTAssertEqual(
      try error("version: 1\noutput:\n  transfer: linear\n  pixelFormat: yuv420p10le\n"),
      "F:4:16: error: output.pixelFormat: linear output needs gbrpf32le, got yuv420p10le")
  }

  func testMissingVersion() throws {
    XCTAssertEqual(
      try error("description: x\noutput:\n  peakNits: 1000\n"),
      "F:1:1: error: missing 'version:' (this reexpose reads version 3)")
  }

  func testEmptyFileIsMissingVersion() throws {
    XCTAssertEqual(try error("# nothing\n"), "F:1:1: error: missing 'version:' (this reexpose reads version 3)")
  }

  func testUnsupportedVersion() throws {
    XCTAssertEqual(
      try error("description: x\nversion: 4\n"),
      "F:2:10: error: unsupported preset version '4' (this reexpose reads version 3)")
  }

  func testDuplicateKey() throws {
    XCTAssertEqual(
      try error("version: 1\noutput:\n  peakNits: 1000\n  peakNits: 4000\n"),
      "F:4:3: error: duplicate key 'output.peakNits' (first set on line 3)")
  }

  func testUnreadableFile() {
    XCTAssertThrowsError(try PresetLoader.load(path: "/nonexistent/x.yaml")) { error in
      XCTAssertEqual("\(error)", "/nonexistent/x.yaml: error: no such file")
    }
  }

  func testLocalizedDescriptionIsTheOneLine() throws {
    let path = try TemporaryPreset.write("version: 1\noutput:\n  peakNits: abc\n")
    XCTAssertThrowsError(try PresetLoader.load(path: path)) { error in
      XCTAssertEqual(error.localizedDescription, "\(error)")
    }
  }
}
