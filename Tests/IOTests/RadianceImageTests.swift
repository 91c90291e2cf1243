import Foundation
import IO
import Imaging
import XCTest

/// Radiance RGBE stills in all three scanline encodings, orientations, exposure, and damaged files.
final class RadianceImageTests: XCTestCase {
  private func file(_ header: String = "", resolution: String, pixels: [UInt8]) -> Data {
    Data(("#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n" + header + "\n" + resolution + "\n").utf8) + Data(pixels)
  }

  /// (r, g, b, e) → ((r, g, b) + 0.5) · 2^(e − 136).
  private func value(_ m: UInt8, _ e: Int) -> Float { (Float(m) + 0.5) * Float(sign: .plus, exponent: e - 136, significand: 1) }

  func testFlatPixelsDecodeToKnownValues() throws {
    let img = try RadianceImage.decode(
      file(resolution: "-Y 2 +X 2", pixels: [128, 64, 32, 129, 0, 0, 0, 0, 255, 255, 255, 136, 10, 20, 30, 100]),
      path: "t.hdr")
    XCTAssertEqual([img.width, img.height], [2, 2])
    XCTAssertEqual(img[0, 0, 0], 128.5 / 128, accuracy: 1e-6)
    XCTAssertEqual(img[1, 0, 0], 64.5 / 128, accuracy: 1e-6)
    XCTAssertEqual(img[2, 0, 0], 32.5 / 128, accuracy: 1e-6)
    XCTAssertEqual(img[1, 0, 1], 0, "exponent 0 is black")
    XCTAssertEqual(img[0, 1, 0], 255.5, accuracy: 1e-4)
    XCTAssertEqual(img[2, 1, 1], value(30, 100), accuracy: 1e-12)
  }

  func testNewRunLengthScanlinesAndBottomUpOrientation() throws {
    // Width 8: each component is one run of 8 (count 136) except green, written as 8 literals.
    func row(_ r: UInt8, _ e: UInt8) -> [UInt8] { [2, 2, 0, 8, 136, r, 8] + (0..<8).map { UInt8($0 * 10) } + [136, 7, 136, e] }
    let data = file(resolution: "+Y 2 +X 8", pixels: row(100, 130) + row(200, 131))
    let img = try RadianceImage.decode(data, path: "t.hdr")
    // +Y: the first scanline in the file is the bottom row.
    XCTAssertEqual(img[0, 1, 3], value(100, 130), accuracy: 1e-6)
    XCTAssertEqual(img[0, 0, 3], value(200, 131), accuracy: 1e-6)
    XCTAssertEqual(img[1, 1, 5], value(50, 130), accuracy: 1e-6)
    XCTAssertEqual(img[2, 0, 7], value(7, 131), accuracy: 1e-6)
  }

  func testOldRunLengthRepeatsAndExposureIsUndone() throws {
    // One pixel then (1, 1, 1, 3): three repeats; EXPOSURE=2 halves every value.
    let data = file("EXPOSURE=2\n", resolution: "-Y 1 +X 4", pixels: [40, 80, 120, 128, 1, 1, 1, 3])
    let img = try RadianceImage.decode(data, path: "t.hdr")
    for x in 0..<4 { XCTAssertEqual(img[1, 0, x], value(80, 128) / 2, accuracy: 1e-6) }
  }

  func testDamagedAndUnsupportedFilesAreErrorsNamingTheFile() {
    let cases: [(Data, String)] = [
      (file(resolution: "-Y 2 +X 2", pixels: [1, 2, 3, 130]), "truncated"),
      (file(resolution: "-Y 99999 +X 2", pixels: []), "limited"),
      (file(resolution: "-X 2 +Y 2", pixels: [0, 0, 0, 0]), "orientation"),
      (Data("#?RADIANCE\nFORMAT=32-bit_rle_xyze\n\n-Y 1 +X 1\n\0\0\0\0".utf8), "xyze"),
      (file(resolution: "-Y 1 +X 8", pixels: [2, 2, 0, 9, 136, 1]), "width"),
      (file(resolution: "-Y 1 +X 8", pixels: [2, 2, 0, 8, 200, 1]), "run past"),
      (file(resolution: "-Y 1 +X 2", pixels: [1, 1, 1, 9, 0, 0, 0, 0]), "starts with a repeat"),
      (Data("#?RADIANCE\nno end".utf8), "no end"),
    ]
    for (data, why) in cases {
      XCTAssertThrowsError(try RadianceImage.decode(data, path: "bad.hdr"), why) { e in
        XCTAssertTrue("\(e)".contains("bad.hdr") && "\(e)".contains(why), "\(why): \(e)")
      }
    }
    var rng = SystemRandomNumberGenerator()
    for _ in 0..<200 {
      let junk = Data((0..<64).map { _ in UInt8.random(in: 0...255, using: &rng) })
      _ = try? RadianceImage.decode(file(resolution: "-Y 3 +X 9", pixels: Array(junk)), path: "junk.hdr")
    }
  }

  /// ffmpeg 5.1 has no Radiance decoder: the reference loader reads it itself, whatever the extension.
  func testReferenceLoaderReadsRadiance() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("rx-rgbe-\(getpid()).pic").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try file(resolution: "-Y 1 +X 2", pixels: [128, 128, 128, 129, 64, 0, 0, 130]).write(to: URL(fileURLWithPath: path))
    let img = try ReferenceImage.load(path: path)
    XCTAssertEqual(img[2, 0, 0], 128.5 / 128, accuracy: 1e-6)
    XCTAssertEqual(img[0, 0, 1], 64.5 / 64, accuracy: 1e-6)
  }
}
