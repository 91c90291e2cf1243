import Foundation
import XCTest

/// `--export-lut`: ffmpeg's `lut3d` with the exported `.cube` reproduces reexpose's own global mapping.
final class CubeExportTests: EndToEndCase {
  /// A black-to-white ramp above a test pattern, as 16-bit RGB (what lut3d is fed after a YUV → RGB step).
  private func makeRGBClip() throws {
    try ok("""
      ffmpeg -v error -f lavfi -i "gradients=s=128x32:c0=black:c1=white:x0=0:y0=0:x1=127:y1=0:nb_colors=2,format=rgb48le" \\
      -f lavfi -i testsrc2=s=128x32,format=rgb48le -filter_complex "[0][1]vstack" -frames:v 1 -c:v rawvideo \\
      -pix_fmt rgb48le rgb.nut
      """)
  }

  private func floats(_ file: String) throws -> [Float] {
    let data = try Data(contentsOf: dir.appendingPathComponent(file))
    return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
  }

  func testLUT3DMatchesTheFiltersOwnGlobalMapping() throws {
    try makeRGBClip()
    for (name, settings, size, bound) in [
      ("static", "--preset static", 33, Float(0.004)),
      ("bt2446a", "--preset static --set expansion.enabled=true --set expansion.style=bt2446a --set output.transfer=hlg", 65, 0.002),
    ] {
      try ok("$RX \(settings) --export-lut \(name).cube --lut-size \(size)")
      try ok("$RX \(settings) --quiet --set output.pixelFormat=gbrpf32le -i rgb.nut -o \(name).mkv")
      try ok("ffmpeg -v error -y -i \(name).mkv -f rawvideo -pix_fmt gbrpf32le own.raw")
      try ok("ffmpeg -v error -y -i rgb.nut -vf lut3d=\(name).cube:interp=tetrahedral,format=gbrpf32le -f rawvideo -pix_fmt gbrpf32le lut.raw")
      let own = try floats("own.raw"), lut = try floats("lut.raw")
      XCTAssertEqual(own.count, 128 * 64 * 3)
      XCTAssertEqual(own.count, lut.count)
      let worst = zip(own, lut).map { abs($0 - $1) }.max() ?? 1
      XCTAssertLessThan(worst, bound, "\(name): lut3d vs reexpose, largest difference \(worst)")
    }
  }

  func testHeaderNamesTheSpacesAndTheSizeIsChecked() throws {
    try ok("$RX --preset hlg-broadcast --export-lut h.cube --lut-size 17")
    let text = try String(contentsOf: dir.appendingPathComponent("h.cube"), encoding: .utf8)
    XCTAssertTrue(text.contains("LUT_3D_SIZE 17\n") && text.contains("transfer 'hlg'") && text.contains("bt2020"), text)
    XCTAssertEqual(text.split(separator: "\n").filter { $0.first?.isNumber ?? false }.count, 17 * 17 * 17)
    let r = try Shell.run("$RX --export-lut x.cube --lut-size 20", in: dir)
    XCTAssertEqual(r.status, 64, r.stderr)
  }
}
