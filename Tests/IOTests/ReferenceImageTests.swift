import Foundation
import IO
import Imaging
import XCTest

final class ReferenceImageTests: XCTestCase {
  var dir: URL!

  override func setUpWithError() throws {
    dir = FileManager.default.temporaryDirectory.appendingPathComponent("rx-ref-\(getpid())-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

  func ffmpeg(_ args: String) throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", "ffmpeg -v error -y " + args]
    p.currentDirectoryURL = dir
    try p.run()
    p.waitUntilExit()
    XCTAssertEqual(p.terminationStatus, 0, args)
  }

  /// OpenEXR (float) keeps its values; R, G, B come from the right GBR planes.
  func testFloatEXRIsTakenAsLinear() throws {
    // 0xff4080: R = 1, G = 64/255, B = 128/255 as float RGB (swscale's 8-bit → float is v/255).
    try ffmpeg("-f lavfi -i color=c=0xff4080:s=16x8 -frames:v 1 -pix_fmt gbrpf32le ref.exr")
    let img = try ReferenceImage.load(path: dir.appendingPathComponent("ref.exr").path)
    XCTAssertEqual(img.width, 16)
    XCTAssertEqual(img.height, 8)
    XCTAssertEqual(img[0, 3, 5], 1, accuracy: 0.01)
    XCTAssertEqual(img[1, 3, 5], 64.0 / 255, accuracy: 0.01)
    XCTAssertEqual(img[2, 3, 5], 128.0 / 255, accuracy: 0.01)
  }

  /// An 8-bit PNG is linearised like the video input.
  func testSDRImageIsLinearised() throws {
    try ffmpeg("-f lavfi -i color=c=0xffffff:s=16x8 -frames:v 1 ref.png")
    let img = try ReferenceImage.load(path: dir.appendingPathComponent("ref.png").path)
    XCTAssertEqual(img[1, 2, 2], 1, accuracy: 0.02, "SDR white → 1.0")
  }

  func testMissingFileIsAnErrorNamingIt() {
    XCTAssertThrowsError(try ReferenceImage.load(path: "/nonexistent/still.exr")) { error in
      XCTAssertTrue("\(error)".contains("/nonexistent/still.exr"), "\(error)")
    }
  }
}
