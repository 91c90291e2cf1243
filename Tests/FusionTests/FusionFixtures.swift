import Foundation
import Fusion
import NN
import TestSupport
import XCTest

/// Golden fixtures written by `Training/rehdr/export_fixtures.py`, found relative to this file.
enum FusionFixtures {
  /// Directory `Tests/Fixtures/rehdr/` (from `#filePath`, not Bundle resources).
  static let directory: String = {
    let file = "\(#filePath)"
    let dir = file[..<(file.lastIndex(of: "/") ?? file.endIndex)]
    return dir + "/../Fixtures/rehdr"
  }()

  /// `weights.safetensors`: random-init `REHDR` (F16, bare keys).
  static var weightsPath: String { directory + "/weights.safetensors" }

  /// `sequence.safetensors`: inputs and outputs of the 3-step sequence and the reset step.
  static func sequence() throws -> SafeTensors { try SafeTensors(path: directory + "/sequence.safetensors") }

  /// The fixture network.
  static func network() throws -> REHDRNetwork { try REHDRNetwork(contentsOf: weightsPath) }
}

/// max|a − b| and max|ref|.
func maxDifference(_ actual: Tensor, _ reference: Tensor) -> (diff: Float, ref: Float) {
  precondition(actual.count == reference.count)
  var d: Float = 0, r: Float = 0
  for i in 0..<actual.count {
    let x = abs(actual.data[i] - reference.data[i])
    d = x.isNaN ? .infinity : max(d, x)
    r = max(r, abs(reference.data[i]))
  }
  return (d, r)
}

/// Golden tolerance: max|a − b| ≤ tol·max(1, max|ref|), tol = 1e-4 (the NN module's policy).
func assertClose(
  _ actual: Tensor, _ reference: Tensor, tol: Float = 1e-4, _ what: String = "",
  file: StaticString = #filePath, line: UInt = #line
) {
  XCTAssertEqual(actual.shape, reference.shape, "\(what): shape", file: file, line: line)
  guard actual.count == reference.count else { return }
  let (d, r) = maxDifference(actual, reference)
  XCTAssertLessThanOrEqual(d, tol * max(1, r), "\(what): max|a-b| = \(d), max|ref| = \(r)", file: file, line: line)
}

