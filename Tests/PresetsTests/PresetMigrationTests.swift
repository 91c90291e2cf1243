import Pipeline
import XCTest

@testable import Presets

/// Version 1 files keep loading: their renamed keys land on the same fields as version 2's names.
final class PresetMigrationTests: XCTestCase {
  func testVersion1KeysLoadAsTheirVersion2Names() throws {
    let v1 = try PresetLoader.load(
      yaml: """
        version: 1
        window:
          lookAheadFrames: 2
        highlights:
          diffusionIterations: 12
        fusion:
          guideRadius: 3
        """, file: "old.yaml", name: "old")
    let v2 = try PresetLoader.load(
      yaml: """
        version: 2
        window:
          maxLookAheadFrames: 2
        highlights:
          jacobiSweepsPerLevel: 12
        fusion:
          guideRadiusPixels: 3
        """, file: "new.yaml", name: "new")
    XCTAssertEqual(v1.params, v2.params)
    XCTAssertEqual(v1.params.highlights.jacobiSweepsPerLevel, 12)
    XCTAssertEqual(v1.params.window.maxLookAheadFrames, 2)
    XCTAssertEqual(v1.params.fusion.guideRadiusPixels, 3)
  }

  func testVersion1ErrorsPointAtTheOldKey() {
    XCTAssertThrowsError(
      try PresetLoader.load(yaml: "version: 1\nhighlights:\n  diffusionIterations: 0\n", file: "F", name: "f")
    ) { error in
      XCTAssertEqual("\(error)", "F:3:24: error: highlights.jacobiSweepsPerLevel: must be in 1...500, got 0")
    }
  }

  func testOldNameInAVersion2FileSuggestsTheNewName() {
    XCTAssertThrowsError(
      try PresetLoader.load(yaml: "version: 2\nwindow:\n  lookAheadFrames: 1\n", file: "F", name: "f")
    ) { error in
      XCTAssertEqual(
        "\(error)", "F:3:3: error: unknown key 'window.lookAheadFrames', did you mean 'window.maxLookAheadFrames'?")
    }
  }

  func testEveryRenameTargetsAKeyThatExists() {
    for (_, renames) in PresetMigration.renames {
      for (old, new) in renames {
        XCTAssertNil(PresetSchema.key(old), "\(old) still exists")
        XCTAssertNotNil(PresetSchema.key(new), "\(new) is not a key")
      }
    }
  }
}
