import Presets
import XCTest

/// Nesting and size limits checked before the YAML parser runs (issue 15).
final class PresetLimitsTests: XCTestCase {
  func nested(_ n: Int, _ open: String = "[", _ close: String = "]") -> String {
    String(repeating: open, count: n) + String(repeating: close, count: n)
  }

  func testFlowNestingIsCountedAndLocated() {
    XCTAssertNil(PresetLimits.tooDeep("a: " + nested(31)))
    let at = PresetLimits.tooDeep("version: 2\na: " + nested(5000))
    XCTAssertEqual(at?.line, 2)
    XCTAssertEqual(at?.column, 4 + 31, "the first bracket past the limit (the block key is one level)")
    XCTAssertNotNil(PresetLimits.tooDeep(nested(40, "{a: ", "}")))
  }

  func testBlockNestingCountsIndentationAndDashes() {
    var deep = ""
    for i in 0..<40 { deep += String(repeating: " ", count: i) + "k\(i):\n" }
    XCTAssertNotNil(PresetLimits.tooDeep(deep))
    XCTAssertNotNil(PresetLimits.tooDeep(String(repeating: "- ", count: 40) + "x"))
    XCTAssertNil(PresetLimits.tooDeep("a:\n  b:\n    c: 1\nd:\n  e: 2\n"))
  }

  func testBracketsInQuotesAndCommentsDoNotCountButStrayQuotesDoNotHideNesting() {
    XCTAssertNil(PresetLimits.tooDeep("description: '\(String(repeating: "[", count: 100))'\n# \(String(repeating: "{", count: 100))\n"))
    XCTAssertNil(PresetLimits.tooDeep("description: \"a \\\" \(String(repeating: "[", count: 100))\""))
    // `it's` is not a quote: the brackets after it are real.
    XCTAssertNotNil(PresetLimits.tooDeep("description: it's\nk: " + nested(100)))
    // A quote-looking start never closed: scanned again without quotes.
    XCTAssertNotNil(PresetLimits.tooDeep("description: 'a\nk: " + nested(100)))
    // `#` inside a quoted scalar is not a comment.
    XCTAssertNotNil(PresetLimits.tooDeep("k: ['#', " + nested(100) + "]"))
  }

  func testShippedPresetsAndTheirRenderingPass() throws {
    let catalog = PresetCatalog(directories: [PresetCatalog.repositoryPresetsDirectory])
    for name in catalog.names() {
      let preset = try catalog.load(name)
      XCTAssertNil(PresetLimits.tooDeep(PresetLoader.render(preset.params, name: name, description: preset.description)), name)
    }
  }

  func testDeepOrHugeTextIsAPresetErrorAtItsPosition() {
    XCTAssertThrowsError(try PresetLoader.load(yaml: "version: 2\ndescription: " + nested(5000), file: "p.yaml", name: "p")) {
      XCTAssertEqual("\($0)", "p.yaml:2:45: error: nested deeper than 32 levels (the limit for presets)")
    }
    XCTAssertThrowsError(try PresetLoader.load(yaml: String(repeating: "#\n", count: 600_000), file: "p.yaml", name: "p")) {
      XCTAssertEqual("\($0)", "p.yaml: error: 1200000 bytes, over the 1 MiB limit for presets")
    }
    var preset = try? PresetCatalog(directories: [PresetCatalog.repositoryPresetsDirectory]).load("fast")
    XCTAssertThrowsError(try preset?.apply(overrides: ["output.peakNits=" + nested(5000)])) {
      XCTAssertTrue("\($0)".hasSuffix("output.peakNits: value nested deeper than 32 levels (the limit for presets)"), "\($0)")
    }
  }
}
