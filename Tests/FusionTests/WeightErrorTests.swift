import Foundation
import Fusion
import NN
import TestSupport
import XCTest

/// Bad weight files give `NNError`s that name the file and the tensor.
final class WeightErrorTests: XCTestCase {
  private var tmp: String { NSTemporaryDirectory() + "rx-fusion-\(ProcessInfo.processInfo.processIdentifier)" }

  override func setUpWithError() throws {
    try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(atPath: tmp)
  }

  /// All fixture weights as F32 (name, dims, values), minus `dropping`.
  private func fixtureTensors(dropping: String? = nil) throws -> [(String, [Int], [Float])] {
    let w = try SafeTensors(path: FusionFixtures.weightsPath)
    return try w.names.filter { $0 != dropping }.map { name in
      let t = try w.tensor(name)
      return (name, w.entries[name]!.dims, t.toArray())
    }
  }

  func testMissingTensorNamesFileAndTensor() throws {
    let path = tmp + "/missing.safetensors"
    try writeSafeTensors(path, try fixtureTensors(dropping: "lstm2.conv.weight"))
    XCTAssertThrowsError(try REHDRNetwork(contentsOf: path)) { error in
      guard case NNError.missingTensor(let p, let tensor, _) = error else {
        return XCTFail("expected missingTensor, got \(error)")
      }
      XCTAssertEqual(p, path)
      XCTAssertEqual(tensor, "lstm2.conv.weight")
      XCTAssertTrue("\(error)".contains("lstm2.conv.weight") && "\(error)".contains(path), "\(error)")
    }
  }

  func testShapeMismatchNamesTensorAndShapes() throws {
    XCTAssertThrowsError(try REHDRNetwork(contentsOf: FusionFixtures.weightsPath, widths: [16, 32, 64])) { error in
      guard case NNError.shapeMismatch(let p, let tensor, let expected, let actual) = error else {
        return XCTFail("expected shapeMismatch, got \(error)")
      }
      XCTAssertEqual(p, FusionFixtures.weightsPath)
      XCTAssertEqual(tensor, "img_enc3.weight")
      XCTAssertEqual(expected, [64, 32, 3, 3])
      XCTAssertEqual(actual, [48, 32, 3, 3])
    }
  }

  func testTruncatedFileIsReported() throws {
    let bytes = try Data(contentsOf: URL(fileURLWithPath: FusionFixtures.weightsPath))
    let path = tmp + "/truncated.safetensors"
    try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
    XCTAssertThrowsError(try REHDRNetwork(contentsOf: path)) { error in
      guard case NNError.truncated(let p, _, _) = error else { return XCTFail("expected truncated, got \(error)") }
      XCTAssertEqual(p, path)
    }
  }

  func testMissingFileIsReported() {
    let path = tmp + "/nope.safetensors"
    XCTAssertThrowsError(try REHDRNetwork(contentsOf: path)) { error in
      guard case NNError.cannotOpen(let p, _) = error else { return XCTFail("expected cannotOpen, got \(error)") }
      XCTAssertEqual(p, path)
    }
  }

  func testF32RewriteLoadsAndMatches() throws {
    let path = tmp + "/f32.safetensors"
    try writeSafeTensors(path, try fixtureTensors())
    let seq = try FusionFixtures.sequence()
    let gain = try REHDRNetwork(contentsOf: path).step(
      input: try seq.tensor("image.0"), events: try seq.tensor("events.0"), state: REHDRState())
    assertClose(gain, try seq.tensor("gain.0"), "F32 weights")
  }
}
