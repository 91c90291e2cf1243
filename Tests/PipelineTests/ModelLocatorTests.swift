import Foundation
import Pipeline
import XCTest

final class ModelLocatorTests: XCTestCase {
  func testDefaultSearchOrderEnvThenInstalledThenRepository() {
    let locator = ModelLocator(environment: ["REEXPOSE_MODEL_DIR": "/opt/models"])
    XCTAssertEqual(locator.directories.first, "/opt/models")
    XCTAssertEqual(locator.directories.last, ModelLocator.repositoryModelsDirectory)
    XCTAssertTrue(locator.directories.dropFirst().dropLast().allSatisfy { $0.hasSuffix("share/reexpose/models") })
    XCTAssertTrue(ModelLocator.repositoryModelsDirectory.hasSuffix("/Models"))
    XCTAssertEqual(ModelLocator(environment: [:]).directories.first == "/opt/models", false)
  }

  func testFirstDirectoryHoldingTheFileWinsAndPathsAreUsedAsTheyAre() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("rx-models-\(getpid())")
    let a = root.appendingPathComponent("a"), b = root.appendingPathComponent("b")
    for d in [a, b] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
    defer { try? FileManager.default.removeItem(at: root) }
    try Data([1]).write(to: b.appendingPathComponent("m.safetensors"))
    let locator = ModelLocator(directories: [a.path, b.path])
    XCTAssertEqual(try locator.locate("m.safetensors"), b.appendingPathComponent("m.safetensors").path)
    try Data([1]).write(to: a.appendingPathComponent("m.safetensors"))
    XCTAssertEqual(try locator.locate("m.safetensors"), a.appendingPathComponent("m.safetensors").path)
    let direct = b.appendingPathComponent("m.safetensors").path
    XCTAssertEqual(try locator.locate(direct), direct)
    XCTAssertThrowsError(try locator.locate("x.safetensors")) { error in
      XCTAssertEqual(
        "\(error)", "cannot load model x.safetensors: not found in \(a.path), \(b.path) (set REEXPOSE_MODEL_DIR)")
    }
  }

  func testEmptyEnvironmentIsUnsetMissingDirectoryIsAnErrorFifoIsRefused() throws {
    XCTAssertNil(ModelLocator(environment: ["REEXPOSE_MODEL_DIR": ""]).environmentDirectory)
    XCTAssertThrowsError(try ModelLocator(environment: ["REEXPOSE_MODEL_DIR": "/nonexistent/m"]).locate("rehdr.safetensors")) {
      XCTAssertTrue("\($0)".contains("REEXPOSE_MODEL_DIR=/nonexistent/m is not a directory"), "\($0)")
    }
    let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("rx-fifo-\(getpid())").path
    XCTAssertEqual(mkfifo(fifo, 0o600), 0)
    defer { unlink(fifo) }
    XCTAssertThrowsError(try ModelLocator(directories: []).locate(fifo)) {
      XCTAssertEqual("\($0)", "cannot load model \(fifo): not a regular file")
    }
  }
}
