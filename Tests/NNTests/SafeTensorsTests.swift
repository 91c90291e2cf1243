import Foundation
import NN
import XCTest

/// Weight-file validation and decoding: every error case names the file and tensor.
final class SafeTensorsTests: XCTestCase {
  private var tmp: String { NSTemporaryDirectory() + "/nn-safetensors-\(getpid())-\(name.hashValue)" }

  /// Writes a safetensors file from a raw header JSON and data bytes.
  private func write(header: String, data: [UInt8], to path: String) {
    var bytes: [UInt8] = []
    let h = Array(header.utf8)
    var len = UInt64(h.count).littleEndian
    withUnsafeBytes(of: &len) { bytes += $0 }
    bytes += h + data
    FileManager.default.createFile(atPath: path, contents: Data(bytes))
  }

  override func tearDown() { try? FileManager.default.removeItem(atPath: tmp) }

  func testMissingTensorIsReported() throws {
    let f = try Fixtures.open("conv_basic")
    var conv = Conv2d(3, 5, kernel: 3, padding: 1)
    XCTAssertThrowsError(try conv.load(from: f, prefix: "enc1.conv")) { e in
      guard case NNError.missingTensor(_, let name, _) = e else { return XCTFail("\(e)") }
      XCTAssertEqual(name, "enc1.conv.weight")
      XCTAssertTrue("\(e)".contains("enc1.conv.weight"))
    }
  }

  func testShapeMismatchIsReported() throws {
    let f = try Fixtures.open("conv_basic")
    var conv = Conv2d(3, 6, kernel: 3, padding: 1)
    XCTAssertThrowsError(try conv.load(from: f, prefix: "m")) { e in
      XCTAssertEqual(
        e as? NNError, .shapeMismatch(path: f.path, tensor: "m.weight", expected: [6, 3, 3, 3], actual: [5, 3, 3, 3]))
      XCTAssertTrue((e as? NNError)?.description.contains("expected [6, 3, 3, 3]") ?? false)
    }
  }

  func testTruncatedFileIsRejected() throws {
    let full = try Data(contentsOf: URL(fileURLWithPath: Fixtures.directory + "/conv_basic.safetensors"))
    FileManager.default.createFile(atPath: tmp, contents: full.prefix(full.count - 10))
    XCTAssertThrowsError(try SafeTensors(path: tmp)) { e in
      guard case NNError.truncated(_, let expected, let actual) = e else { return XCTFail("\(e)") }
      XCTAssertEqual(expected, full.count)
      XCTAssertEqual(actual, full.count - 10)
    }
    FileManager.default.createFile(atPath: tmp, contents: full.prefix(20))
    XCTAssertThrowsError(try SafeTensors(path: tmp)) { e in
      guard case NNError.truncated = e else { return XCTFail("\(e)") }
    }
    FileManager.default.createFile(atPath: tmp, contents: Data([1, 2, 3]))
    XCTAssertThrowsError(try SafeTensors(path: tmp)) { e in
      guard case NNError.truncated = e else { return XCTFail("\(e)") }
    }
  }

  func testInvalidHeaders() {
    for header in [
      "not json", #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}}"#,
      #"{"a": {"dtype": "Q9", "shape": [1], "data_offsets": [0, 4]}}"#, #"{"a": {"shape": [1]}}"#,
    ] {
      write(header: header, data: [0, 0, 0, 0, 0, 0, 0, 0], to: tmp)
      XCTAssertThrowsError(try SafeTensors(path: tmp), header) { e in
        guard case NNError.invalidHeader = e else { return XCTFail("\(header): \(e)") }
      }
    }
  }

  /// Garbage never traps: a header length with the top bit set, a shape whose size overflows, and random
  /// bytes all come back as errors.
  func testGarbageIsAnErrorNotATrap() throws {
    var huge = Data()
    var len = UInt64(0xF000_0000_0000_0010).littleEndian
    huge.append(Data(bytes: &len, count: 8))
    huge.append(Data(repeating: 0x41, count: 64))
    try huge.write(to: URL(fileURLWithPath: tmp))
    XCTAssertThrowsError(try SafeTensors(path: tmp)) { e in
      guard case NNError.invalidHeader = e else { return XCTFail("\(e)") }
    }
    write(header: #"{"a": {"dtype": "F32", "shape": [4611686018427387904, 4], "data_offsets": [0, 4]}}"#, data: [0, 0, 0, 0], to: tmp)
    XCTAssertThrowsError(try SafeTensors(path: tmp)) { e in
      guard case NNError.invalidHeader = e else { return XCTFail("\(e)") }
    }
    // Found by Tests/Fuzz (SafeTensors): an empty tensor ending near Int.max overflowed the size in the error.
    write(header: #"{"a": {"dtype": "F32", "shape": [0], "data_offsets": [9223372036854775807, 9223372036854775807]}}"#, data: [], to: tmp)
    XCTAssertThrowsError(try SafeTensors(path: tmp)) { e in
      guard case NNError.truncated(_, let expected, _) = e else { return XCTFail("\(e)") }
      XCTAssertEqual(expected, Int.max)
    }
    var rng = SystemRandomNumberGenerator()
    for _ in 0..<64 {
      try Data((0..<512).map { _ in UInt8.random(in: 0...255, using: &rng) }).write(to: URL(fileURLWithPath: tmp))
      XCTAssertThrowsError(try SafeTensors(path: tmp))
    }
  }

  /// Ranges that leave a hole, overlap, or leave bytes over at the end are refused: a range shifted by a
  /// few bytes would otherwise decode as finite but meaningless weights.
  func testTensorsMustTileTheDataSection() {
    let data = [UInt8](repeating: 0, count: 16)
    for (header, why) in [
      (#"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [2, 10]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [12, 16]}}"#, "belong to no tensor"),
      (#"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [6, 14]}}"#, "overlaps"),
      (#"{"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 12]}}"#, "cover 12"),
    ] {
      write(header: header, data: data, to: tmp)
      XCTAssertThrowsError(try SafeTensors(path: tmp), why) { e in
        guard case NNError.invalidHeader(_, let reason) = e else { return XCTFail("\(why): \(e)") }
        XCTAssertTrue(reason.contains(why), reason)
      }
    }
    write(
      header: #"{"b": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]}, "e": {"dtype": "F32", "shape": [0], "data_offsets": [0, 0]}, "a": {"dtype": "F16", "shape": [4], "data_offsets": [0, 8]}}"#,
      data: data, to: tmp)
    XCTAssertNoThrow(try SafeTensors(path: tmp), "out of order, with an empty tensor")
  }

  func testMissingFile() {
    XCTAssertThrowsError(try SafeTensors(path: "/nonexistent/x.safetensors")) { e in
      guard case NNError.cannotOpen(_, let errno) = e else { return XCTFail("\(e)") }
      XCTAssertEqual(errno, ENOENT)
    }
  }

  func testHalfAndBFloat16Decode() throws {
    // F16: 1, -2, 0.5, 65504, 2^-24 (smallest subnormal); BF16: 1.5, -3; I32: 7.
    let f16: [UInt16] = [0x3C00, 0xC000, 0x3800, 0x7BFF, 0x0001]
    let bf16: [UInt16] = [0x3FC0, 0xC040]
    var data: [UInt8] = []
    for v in f16 + bf16 { data += [UInt8(v & 0xFF), UInt8(v >> 8)] }
    data += [7, 0, 0, 0]
    let header =
      #"{"h": {"dtype": "F16", "shape": [5], "data_offsets": [0, 10]}, "#
      + #""b": {"dtype": "BF16", "shape": [1, 2], "data_offsets": [10, 14]}, "#
      + #""i": {"dtype": "I32", "shape": [1], "data_offsets": [14, 18]}, "__metadata__": {"k": "v"}}"#
    write(header: header, data: data, to: tmp)
    let f = try SafeTensors(path: tmp)
    XCTAssertEqual(try f.tensor("h").toArray(), [1, -2, 0.5, 65504, Float(sign: .plus, exponent: -24, significand: 1)])
    XCTAssertEqual(try f.tensor("b", shape: [1, 2]).toArray(), [1.5, -3])
    XCTAssertEqual(f.metadata["k"], "v")
    XCTAssertThrowsError(try f.tensor("i")) { e in
      XCTAssertEqual(e as? NNError, .unsupportedDType(path: tmp, tensor: "i", dtype: "I32"))
    }
  }

  func testNaNOrInfinityIsRefusedNamingFileAndTensor() throws {
    for (bits, name) in [(UInt16(0x7E00), "nan"), (0x7C00, "inf"), (0xFC00, "-inf")] {
      let f16: [UInt16] = [0x3C00, bits, 0x3800]
      var data: [UInt8] = []
      for v in f16 { data += [UInt8(v & 0xFF), UInt8(v >> 8)] }
      write(header: #"{"w": {"dtype": "F16", "shape": [3], "data_offsets": [0, 6]}}"#, data: data, to: tmp)
      XCTAssertThrowsError(try SafeTensors(path: tmp).tensor("w"), name) { e in
        XCTAssertEqual(e as? NNError, .nonFinite(path: tmp, tensor: "w", index: 1), name)
        XCTAssertTrue("\(e)".contains(tmp) && "\(e)".contains("NaN"), "\(e)")
      }
    }
  }

  func testEveryErrorDescribesItsContext() {
    let errors: [NNError] = [
      .cannotOpen(path: "w.st", errno: 2), .truncated(path: "w.st", expectedBytes: 10, actualBytes: 4),
      .invalidHeader(path: "w.st", reason: "bad"), .unsupportedDType(path: "w.st", tensor: "a.b", dtype: "I8"),
      .missingTensor(path: "w.st", tensor: "enc1.conv.weight", available: ["enc1.bn.weight"]),
      .shapeMismatch(path: "w.st", tensor: "a.b", expected: [1], actual: [2]),
      .nonFinite(path: "w.st", tensor: "a.b", index: 3),
    ]
    for e in errors {
      XCTAssertTrue(e.description.contains("w.st"), e.description)
      XCTAssertEqual(e.errorDescription, e.description)
    }
    XCTAssertTrue(errors[4].description.contains("enc1.bn.weight"), "suggests same-prefix tensors")
  }
}
