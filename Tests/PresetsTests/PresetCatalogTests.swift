import Foundation
import Pipeline
import XCTest

@testable import Presets

/// Finding presets by name or path along the search path.
final class PresetCatalogTests: XCTestCase {
  func testDefaultCatalogSearchOrder() {
    let catalog = PresetCatalog(environment: ["REEXPOSE_PRESET_DIR": "/custom/presets"])
    XCTAssertEqual(catalog.directories.first, "/custom/presets")
    XCTAssertTrue(catalog.directories[1].hasSuffix("/share/reexpose/presets"), catalog.directories[1])
    XCTAssertEqual(catalog.directories.last, PresetCatalog.repositoryPresetsDirectory)
    XCTAssertEqual(PresetCatalog(environment: [:]).directories.count, 2)
  }

  func testRepositoryDirectoryHoldsTheShippedPresets() {
    XCTAssertTrue(FileManager.default.fileExists(atPath: PresetCatalog.repositoryPresetsDirectory + "/hdr10-pq.yaml"))
  }

  func testDefaultCatalogFindsShippedPresetByName() throws {
    let preset = try PresetCatalog(environment: [:]).load("hlg-broadcast")
    XCTAssertEqual(preset.params.output.transfer, "hlg")
  }

  func testEnvironmentDirectoryShadowsShippedPreset() throws {
    let path = try TemporaryPreset.write(
      "version: 1\ndescription: mine\noutput: {peakNits: 4000}\n", name: "hdr10-pq")
    let dir = (path as NSString).deletingLastPathComponent
    let catalog = PresetCatalog(environment: ["REEXPOSE_PRESET_DIR": dir])
    let preset = try catalog.load("hdr10-pq")
    XCTAssertEqual(preset.params.output.peakNits, 4000)
    XCTAssertEqual(preset.path, path)
    let listed = catalog.list().filter { $0.name == "hdr10-pq" }
    XCTAssertEqual(listed.map(\.description), ["mine"])
  }

  func testLoadByPath() throws {
    let path = try TemporaryPreset.write("version: 3\ndescription: by path\n", name: "anything")
    let preset = try PresetCatalog(directories: []).load(path)
    XCTAssertEqual(preset.name, "anything")
    XCTAssertEqual(preset.description, "by path")
    XCTAssertEqual(preset.params, PipelineParams())
  }

  func testListMarksBrokenFiles() throws {
    let path = try TemporaryPreset.write("version: 1\noutput: {peakNits: 5}\n", name: "broken")
    let dir = (path as NSString).deletingLastPathComponent
    let entries = PresetCatalog(directories: [dir]).list()
    XCTAssertEqual(entries.count, 1)
    XCTAssertFalse(entries[0].isValid)
    XCTAssertTrue(entries[0].description.contains("output.peakNits: must be in"), entries[0].description)
  }

  func testMissingPathIsUnreadable() {
    XCTAssertThrowsError(try PresetCatalog().load("./nope/missing.yaml")) { error in
      XCTAssertEqual("\(error)", "./nope/missing.yaml: error: no such file")
    }
  }

  func testNotFoundListsSearchedAndAvailable() {
    let catalog = PresetCatalog(directories: [PresetCatalog.repositoryPresetsDirectory])
    XCTAssertThrowsError(try catalog.load("hdr11")) { error in
      XCTAssertEqual(
        "\(error)",
        "no preset 'hdr11' (searched \(PresetCatalog.repositoryPresetsDirectory); "
          + "available: balanced, fast, hdr10-pq, hlg-broadcast, linear-exr, quality, static)")
    }
    XCTAssertThrowsError(try catalog.load("hlg-broadcst")) { error in
      XCTAssertTrue("\(error)".hasPrefix("no preset 'hlg-broadcst', did you mean 'hlg-broadcast'? (searched "), "\(error)")
    }
    XCTAssertThrowsError(try catalog.load("hdr10pq")) { error in
      XCTAssertTrue("\(error)".contains("did you mean 'hdr10-pq'?"), "\(error)")
    }
  }
}
