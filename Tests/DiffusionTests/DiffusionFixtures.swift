import Diffusion
import Foundation
import Imaging
import NN
import TestSupport
import XCTest

/// Golden fixtures written by `Training/diffusion/export_fixtures.py`, found relative to this file.
enum DiffusionFixtures {
  /// Directory `Tests/Fixtures/diffusion/`.
  static let directory: String = {
    let file = "\(#filePath)"
    let dir = file[..<(file.lastIndex(of: "/") ?? file.endIndex)]
    return dir + "/../Fixtures/diffusion"
  }()

  /// `weights.safetensors`: random-init `DiffusionUNet` widths 8/16/16 (F16, bare keys, `widths` metadata).
  static var weightsPath: String { directory + "/weights.safetensors" }

  /// `cases.safetensors`: UNet forwards, reference embedding, DDIM samples, noise, schedule.
  static func cases() throws -> SafeTensors { try SafeTensors(path: directory + "/cases.safetensors") }

  /// A temporary directory unique to this process.
  static func temporaryDirectory(_ name: String) throws -> String {
    let dir = NSTemporaryDirectory() + "rx-diffusion-\(name)-\(ProcessInfo.processInfo.processIdentifier)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }
}

/// max|a − b| and max|ref| over two equally long buffers.
func maxDifference(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> (diff: Float, ref: Float) {
  var d: Float = 0, r: Float = 0
  for i in 0..<count {
    let x = abs(a[i] - b[i])
    d = x.isNaN ? .infinity : max(d, x)
    r = max(r, abs(b[i]))
  }
  return (d, r)
}

/// Golden tolerance: max|a − b| ≤ tol·max(1, max|ref|).
func assertClose(
  _ actual: Tensor, _ reference: Tensor, tol: Float = 1e-4, _ what: String = "",
  file: StaticString = #filePath, line: UInt = #line
) {
  XCTAssertEqual(actual.count, reference.count, "\(what): count", file: file, line: line)
  guard actual.count == reference.count else { return }
  let (d, r) = maxDifference(actual.data, reference.data, count: actual.count)
  if ProcessInfo.processInfo.environment["RX_DIFFUSION_VERBOSE"] == "1" {
    print("\(what): max|a-b| = \(d), max|ref| = \(r)")
  }
  XCTAssertLessThanOrEqual(d, tol * max(1, r), "\(what): max|a-b| = \(d), max|ref| = \(r)", file: file, line: line)
}


/// The fixture weights as F32 (name, dims, values), minus `dropping`, with `reshape` applied.
func fixtureTensors(dropping: String? = nil, reshape: [String: [Int]] = [:]) throws -> [(String, [Int], [Float])] {
  let w = try SafeTensors(path: DiffusionFixtures.weightsPath)
  return try w.names.filter { $0 != dropping }.map { name in
    let t = try w.tensor(name)
    var values = t.toArray()
    var dims = w.entries[name]!.dims
    if let r = reshape[name] {
      dims = r
      values = Array(repeating: 0.01, count: r.reduce(1, *))
    }
    return (name, dims, values)
  }
}

/// Tensor ↔ PlanarImage copies for the tests.
enum PlanarImageBridge {
  /// Copies a [C, H, W] (or [1, C, H, W]) tensor into a new PlanarImage.
  static func planar(_ t: Tensor, channels: Int) -> PlanarImage {
    let s = t.shape
    let img = PlanarImage(width: s.w, height: s.h, channels: channels)
    precondition(img.count == t.count, "bridge shapes")
    img.data.update(from: t.data, count: t.count)
    return img
  }
}
