import NN
import XCTest

/// Golden fixtures written by `Training/nn/export_fixtures.py`, found relative to this file.
enum Fixtures {
  /// Directory `Tests/Fixtures/nn/` (from `#filePath`, not Bundle resources).
  static let directory: String = {
    let file = "\(#filePath)"
    let dir = file[..<(file.lastIndex(of: "/") ?? file.endIndex)]
    return dir + "/../Fixtures/nn"
  }()

  /// Opens fixture `name`.safetensors.
  static func open(_ name: String) throws -> SafeTensors {
    try SafeTensors(path: directory + "/" + name + ".safetensors")
  }
}

/// Golden tolerance: max|a − b| ≤ tol·max(1, max|ref|) with tol = 1e-4.
func assertClose(
  _ actual: Tensor, _ reference: Tensor, tol: Float = 1e-4, _ what: String = "",
  file: StaticString = #filePath, line: UInt = #line
) {
  XCTAssertEqual(actual.count, reference.count, "\(what): element count", file: file, line: line)
  guard actual.count == reference.count else { return }
  var maxDiff: Float = 0, maxRef: Float = 0
  for i in 0..<actual.count {
    let d = abs(actual.data[i] - reference.data[i])
    maxDiff = d.isNaN ? .infinity : max(maxDiff, d)
    maxRef = max(maxRef, abs(reference.data[i]))
  }
  let bound = tol * max(1, maxRef)
  XCTAssertLessThanOrEqual(maxDiff, bound, "\(what): max|a-b| = \(maxDiff) > \(bound)", file: file, line: line)
}

/// Deterministic pseudo-random tensor in [-1, 1).
func randomTensor(_ s: Shape, seed: UInt64) -> Tensor {
  let t = Tensor(zeros: s)
  var x = seed &* 0x9E37_79B9_7F4A_7C15 | 1
  for i in 0..<t.count {
    x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    t.data[i] = Float((x >> 40) & 0xFFFFF) / Float(0x80000) - 1
  }
  return t
}
