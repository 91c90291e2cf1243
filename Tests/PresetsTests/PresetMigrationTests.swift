import Pipeline
import XCTest

@testable import Presets

/// Older files keep loading: version 1's renamed keys land on the same fields as version 2's names, and a
/// version 2 file keeps the expansion style it meant.
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

  func testVersion2FilesKeepTheKneeExpansionUnlessTheySetAStyle() throws {
    let v2 = try PresetLoader.load(yaml: "version: 2\nexpansion:\n  kneeLinear: 0.6\n", file: "F", name: "f")
    XCTAssertEqual(v2.params.expansion.style, .knee, "version 2 meant the knee curve")
    XCTAssertEqual(v2.params.expansion.kneeLinear, 0.6)
    let chosen = try PresetLoader.load(yaml: "version: 2\nexpansion:\n  style: bt2446c\n", file: "F", name: "f")
    XCTAssertEqual(chosen.params.expansion.style, .bt2446c, "a key the file sets wins over the implied value")
    let v3 = try PresetLoader.load(yaml: "version: 3\n", file: "F", name: "f")
    XCTAssertEqual(v3.params.expansion.style, .recover)
  }

  func testVersion2ShadowsKeysReadAsTheDenoiseStage() throws {
    let off = try PresetLoader.load(yaml: "version: 2\nshadows:\n  enabled: false\n", file: "F", name: "f")
    XCTAssertFalse(off.params.denoise.enabled)
    let on = try PresetLoader.load(
      yaml: "version: 2\nshadows:\n  radiusFrames: 0\n  strength: 0.5\n  noiseSigmaLinear: 0.02\n  spatialRadiusPixels: 2\n",
      file: "F", name: "f")
    XCTAssertTrue(on.params.denoise.enabled, "a version 2 file without shadows.enabled had the stage on")
    XCTAssertEqual(on.params.denoise.radiusFrames, 0)
    XCTAssertEqual(on.params.denoise.strength, 0.5)
    XCTAssertEqual(on.params.denoise.noiseSigmaLinear, 0, "the old fixed σ is not the whole-frame noise")
    XCTAssertThrowsError(try PresetLoader.load(yaml: "version: 3\nshadows:\n  enabled: true\n", file: "F", name: "f")) {
      XCTAssertEqual("\($0)", "F:2:1: error: unknown key 'shadows'")
    }
  }

  func testEveryImpliedValueIsAValidValueOfAKeyThatExists() throws {
    for (_, values) in PresetMigration.impliedValues {
      for (key, value) in values {
        let k = try XCTUnwrap(PresetSchema.key(key), "\(key) is not a key")
        var params = PipelineParams()
        XCTAssertNoThrow(try k.set(value, in: &params, at: .file("F")), "\(key): \(value)")
      }
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
