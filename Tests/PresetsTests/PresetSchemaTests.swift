import Foundation
import Imaging
import Parameters
import Pipeline
import XCTest

@testable import Presets

/// The schema table against `PipelineParams` itself: coverage, key paths, ranges, docs.
final class PresetSchemaTests: XCTestCase {
  func testSchemaCoversEveryField() {
    let fields = Set(ParamsLeaves.of(PipelineParams()).keys)
    let keys = Set(PresetSchema.keys.map(\.path))
    XCTAssertEqual(keys.subtracting(fields), [], "schema keys that are not PipelineParams fields")
    XCTAssertEqual(fields.subtracting(keys), [], "PipelineParams fields missing from PresetSchema.keys")
    XCTAssertEqual(PresetSchema.keys.count, keys.count, "duplicate schema keys")
  }

  func testRenderListsEveryField() {
    let text = PresetLoader.render(PipelineParams(), name: "defaults")
    let valueLines = text.split(separator: "\n").filter { $0.hasPrefix("  ") && !$0.hasPrefix("  #") }
    XCTAssertEqual(valueLines.count, ParamsLeaves.of(PipelineParams()).count)
  }

  /// Setting each key to a non-default value changes exactly the field of the same dotted name.
  func testEachKeyWritesItsOwnField() throws {
    let defaults = PipelineParams()
    let before = ParamsLeaves.of(defaults)
    for key in PresetSchema.keys {
      var params = defaults
      let other = otherValue(for: key, in: defaults)
      try key.set(other, in: &params, at: .override(key.path))
      let after = ParamsLeaves.of(params)
      let changed = before.keys.filter { before[$0] != after[$0] }
      XCTAssertEqual(changed, [key.path], key.path)
      XCTAssertEqual(key.value(in: params), key.kind == .text ? PresetLoader.quoted(other) : other, key.path)
    }
  }

  /// Every documented numeric range is the one `validate()` enforces: just outside either bound fails, with
  /// this key.
  func testRangesMatchValidate() throws {
    for key in PresetSchema.keys {
      guard let range = key.range else { continue }
      for outside in outsideValues(key.kind, range) {
        var params = PipelineParams()
        try key.set(outside, in: &params, at: .override(key.path))
        XCTAssertThrowsError(try params.validate(), "\(key.path)=\(outside)") { error in
          XCTAssertEqual((error as? ParameterError)?.key, key.path, "\(key.path)=\(outside): \(error)")
        }
      }
    }
  }

  /// Range and default are derived from the declaration, never written into its doc a second time.
  func testDocsLeaveRangeAndDefaultToTheDeclaration() {
    for key in PresetSchema.keys {
      let doc = key.parameter.doc
      XCTAssertFalse(doc.isEmpty, key.path)
      XCTAssertFalse(doc.contains("Range "), "\(key.path) doc repeats its range")
      XCTAssertFalse(doc.lowercased().contains("default"), "\(key.path) doc repeats its default")
      XCTAssertFalse(doc.contains("\n"), key.path)
      XCTAssertTrue(key.summary.hasSuffix("Default \(key.value(in: PipelineParams()))."), key.path)
      if let range = key.parameter.kind.rangeText { XCTAssertTrue(key.summary.contains("Range \(range)."), key.path) }
    }
  }

  /// Each stage of the registry owns exactly its section's keys, in pipeline order.
  func testStageSectionsComeFromTheRegistry() {
    let stageSections = StageRegistry.all.map(\.name)
    XCTAssertEqual(PresetSchema.sections, ["input", "window"] + stageSections + ["output"])
    for stage in StageRegistry.all {
      XCTAssertEqual(PresetSchema.keys(in: stage.name).map(\.path), stage.section.parameters.map(\.key))
    }
  }

  func testDefaultParamsValidate() {
    XCTAssertNoThrow(try PipelineParams().validate())
  }

  func testSuggestion() {
    XCTAssertEqual(PresetSchema.suggestion(for: "output.peakNit"), "output.peakNits")
    XCTAssertEqual(PresetSchema.suggestion(for: "masks.temporalWieght"), "masks.temporalWeight")
    XCTAssertEqual(PresetSchema.suggestion(for: "temporalWeight"), "masks.temporalWeight")
    XCTAssertEqual(PresetSchema.suggestion(for: "highlight"), "highlights")
    XCTAssertNil(PresetSchema.suggestion(for: "output.qqqqqqqqqqqq"))
  }

  /// `Sources/Presets/README.md`'s key table is `PresetSchema.markdown()`.
  /// Regenerate with `REEXPOSE_UPDATE_README=1 swift test --filter PresetsTests.PresetSchemaTests`.
  func testReadmeTableIsUpToDate() throws {
    let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Sources/Presets/README.md")
    let text = try String(contentsOf: readme, encoding: .utf8)
    let (begin, end) = PresetSchema.markdownMarkers
    let parts = text.components(separatedBy: begin)
    XCTAssertEqual(parts.count, 2, "README needs one \(begin) marker")
    let tail = try XCTUnwrap(parts.last).components(separatedBy: end)
    XCTAssertEqual(tail.count, 2, "README needs one \(end) marker")
    let expected = "\n" + PresetSchema.markdown()
    if tail[0] != expected, ProcessInfo.processInfo.environment["REEXPOSE_UPDATE_README"] == "1" {
      try (parts[0] + begin + expected + end + tail[1]).write(to: readme, atomically: true, encoding: .utf8)
      return
    }
    XCTAssertEqual(tail[0], expected, "README key table is stale; rerun with REEXPOSE_UPDATE_README=1")
  }

  // MARK: - Helpers

  private func otherValue(for key: PresetKey, in params: PipelineParams) -> String {
    let current = key.value(in: params)
    switch key.kind {
    case .bool: return current == "true" ? "false" : "true"
    case .int: return String(Int(current)! + 1)
    case .float: return "\(Float(current)! + 0.125)"
    case .choice(let names): return names.first { $0 != current }!
    case .text: return "other: \"weights\".safetensors"
    }
  }

  private func outsideValues(_ kind: PresetKeyKind, _ range: ClosedRange<Double>) -> [String] {
    switch kind {
    case .int: return [String(Int(range.lowerBound) - 1), String(Int(range.upperBound) + 1)]
    default: return ["\(Float(range.lowerBound).nextDown)", "\(Float(range.upperBound).nextUp)"]
    }
  }
}

extension Array where Element: Hashable {
  /// Elements in order with later repeats removed.
  fileprivate func uniqued() -> [Element] {
    var seen = Set<Element>()
    return filter { seen.insert($0).inserted }
  }
}
