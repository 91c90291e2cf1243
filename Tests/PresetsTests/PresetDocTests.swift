import Foundation
import XCTest

@testable import Presets

/// Schema summaries are the Params fields' doc comments, copied verbatim (lines joined by a space).
final class PresetDocTests: XCTestCase {
  /// Source file declaring each section's Params struct, relative to the repository root.
  private let sources = [
    "input": "Sources/Pipeline/InputParams.swift",
    "window": "Sources/Pipeline/WindowParams.swift",
    "masks": "Sources/Masks/MaskParams.swift",
    "highlights": "Sources/Inpaint/HighlightParams.swift",
    "diffusion": "Sources/Diffusion/DiffusionParams.swift",
    "shadows": "Sources/Denoise/ShadowParams.swift",
    "expansion": "Sources/Color/ExpansionParams.swift",
    "fusion": "Sources/Fusion/FusionParams.swift",
    "output": "Sources/Pipeline/OutputParams.swift",
  ]

  func test_summaries_matchFieldDocComments() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    for section in PresetSchema.sections {
      let file = try XCTUnwrap(sources[section], section)
      let docs = try fieldDocs(String(contentsOf: root.appendingPathComponent(file), encoding: .utf8))
      for key in PresetSchema.keys(in: section) {
        XCTAssertEqual(key.summary, docs[key.field], "\(key.path): schema summary differs from \(file)")
      }
    }
  }

  /// `public var name` → its `///` comment lines joined by spaces.
  private func fieldDocs(_ source: String) -> [String: String] {
    var docs: [String: String] = [:]
    var pending: [String] = []
    for raw in source.components(separatedBy: "\n") {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.hasPrefix("///") {
        pending.append(line.dropFirst(3).trimmingCharacters(in: .whitespaces))
      } else if line.hasPrefix("public var ") {
        let name = line.dropFirst("public var ".count).prefix { $0.isLetter || $0.isNumber }
        docs[String(name)] = pending.joined(separator: " ")
        pending = []
      } else {
        pending = []
      }
    }
    return docs
  }
}
