import Diffusion
import Foundation
import NN
import TestSupport
import XCTest

/// Bad weight files give `DiffusionError.weights` naming the file (and the tensor where there is one).
final class WeightErrorTests: XCTestCase {
  private var tmp = ""

  override func setUpWithError() throws { tmp = try DiffusionFixtures.temporaryDirectory("weights") }
  override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: tmp) }

  private func expectWeightsError(
    _ path: String, file: StaticString = #filePath, line: UInt = #line, _ check: (NNError) -> Void = { _ in }
  ) {
    XCTAssertThrowsError(try DiffusionInpainter(contentsOf: path, params: DiffusionParams()), file: file, line: line) {
      error in
      guard case DiffusionError.weights(let p, let underlying) = error else {
        return XCTFail("expected DiffusionError.weights, got \(error)", file: file, line: line)
      }
      XCTAssertEqual(p, path, file: file, line: line)
      XCTAssertTrue("\(error)".contains(path), "\(error)", file: file, line: line)
      check(underlying)
    }
  }

  func testMissingFile() {
    expectWeightsError(tmp + "/nope.safetensors") {
      guard case .cannotOpen = $0 else { return XCTFail("expected cannotOpen, got \($0)") }
    }
  }

  func testTruncatedFile() throws {
    let bytes = try Data(contentsOf: URL(fileURLWithPath: DiffusionFixtures.weightsPath))
    let path = tmp + "/truncated.safetensors"
    try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
    expectWeightsError(path) {
      guard case .truncated = $0 else { return XCTFail("expected truncated, got \($0)") }
    }
  }

  func testGarbageFile() throws {
    let path = tmp + "/garbage.safetensors"
    try Data((0..<64).map { UInt8($0 * 37 % 251) }).write(to: URL(fileURLWithPath: path))
    expectWeightsError(path)
  }

  func testMissingTensor() throws {
    let path = tmp + "/missing.safetensors"
    try writeSafeTensors(path, try fixtureTensors(dropping: "mid.conv2.weight"), metadata: ["widths": "8,16,16"])
    expectWeightsError(path) {
      guard case .missingTensor(_, let tensor, _) = $0 else { return XCTFail("expected missingTensor, got \($0)") }
      XCTAssertEqual(tensor, "mid.conv2.weight")
    }
  }

  func testWrongShapes() throws {
    // The fixture weights read as the default 24/48/64 network (no widths metadata).
    let path = tmp + "/shapes.safetensors"
    try writeSafeTensors(path, try fixtureTensors())
    expectWeightsError(path) {
      guard case .shapeMismatch(_, let tensor, let expected, let actual) = $0 else {
        return XCTFail("expected shapeMismatch, got \($0)")
      }
      XCTAssertEqual(tensor, "conv_in.weight")
      XCTAssertEqual(expected, [24, 15, 3, 3])
      XCTAssertEqual(actual, [8, 15, 3, 3])
    }
  }

  func testF32RewriteWithMetadataLoads() throws {
    let path = tmp + "/f32.safetensors"
    try writeSafeTensors(path, try fixtureTensors(), metadata: ["widths": "8,16,16"])
    XCTAssertNoThrow(try DiffusionInpainter(contentsOf: path, params: DiffusionParams()))
  }
}
