import Foundation
import IO
import Imaging
import XCTest

final class EventFileTests: XCTestCase {
  func write(_ text: String) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("rx-events-\(getpid())-\(UUID().uuidString).txt")
    try text.write(to: url, atomically: true, encoding: .utf8)
    addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url.path
  }

  /// Frames at 0, 0.1, 0.2 s: the first grid is empty; events split between neighbouring bins by
  /// linear weights (as Training/data/events.py's voxel_grid); an event exactly at a frame time belongs
  /// to the interval it ends.
  func testVoxelsFollowTheTrainingDefinition() throws {
    let path = try write("""
      # test recording
      4 3

      0.0 0 0 1
      0.025 1 0 1
      0.05 2 1 -1
      0.1 3 2 0
      0.1125 1 1 +1
      0.2 0 2 1
      0.35 0 0 1
      """)
    let file = try EventFile(path: path)
    XCTAssertEqual(file.width, 4)
    XCTAssertEqual(file.height, 3)
    let g0 = try file.voxels(until: 0)
    XCTAssertEqual(g0.channels, 5)
    XCTAssertTrue((0..<g0.count).allSatisfy { g0.data[$0] == 0 }, "nothing precedes the first frame")
    let g1 = try file.voxels(until: 0.1)
    func v(_ g: PlanarImage, _ b: Int, _ y: Int, _ x: Int) -> Float { g[b, y, x] }
    // t = 0.025 → τ = 1: all in bin 1. t = 0.05 → τ = 2, negative. t = 0.1 → τ = 4 (last bin), negative.
    XCTAssertEqual(v(g1, 1, 0, 1), 1, accuracy: 1e-6)
    XCTAssertEqual(v(g1, 2, 1, 2), -1, accuracy: 1e-6)
    XCTAssertEqual(v(g1, 4, 2, 3), -1, accuracy: 1e-6)
    XCTAssertEqual(v(g1, 0, 0, 0), 0, "the event at t = 0 belongs to the first frame's (empty) interval")
    var total: Float = 0
    for i in 0..<g1.count { total += abs(g1.data[i]) }
    XCTAssertEqual(total, 3, accuracy: 1e-6)
    // t = 0.1125 → τ = 0.5: half in bin 0, half in bin 1. t = 0.2 → bin 4.
    let g2 = try file.voxels(until: 0.2)
    XCTAssertEqual(v(g2, 0, 1, 1), 0.5, accuracy: 1e-6)
    XCTAssertEqual(v(g2, 1, 1, 1), 0.5, accuracy: 1e-6)
    XCTAssertEqual(v(g2, 4, 2, 0), 1, accuracy: 1e-6)
    // Past the end of the file: empty grids, no error.
    let g3 = try file.voxels(until: 0.3)
    XCTAssertTrue((0..<g3.count).allSatisfy { g3.data[$0] == 0 })
  }

  func testErrorsNameFileAndLine() throws {
    func error(_ text: String, frames: [Double] = [0, 0.1]) throws -> String {
      let path = try write(text)
      do {
        let f = try EventFile(path: path)
        for t in frames { _ = try f.voxels(until: t) }
      } catch {
        return "\(error)".replacingOccurrences(of: path, with: "F")
      }
      return "no error"
    }
    XCTAssertEqual(try error("0.1 2 3 1\n"), "F:1: expected the sensor size 'width height' as the first line")
    XCTAssertEqual(try error("4 3\n0.01 4 0 1\n"), "F:2: pixel (4, 0) is outside the 4x3 sensor")
    XCTAssertEqual(try error("4 3\n0.01 1 0 2\n"), "F:2: polarity '2' must be 1, +1, 0 or -1")
    XCTAssertEqual(try error("4 3\n# c\nabc 1 0 1\n"), "F:3: time 'abc' is not a number")
    XCTAssertEqual(try error("4 3\n0.05 1 0 1\n0.01 1 0 1\n"),
                   "F:3: time 0.01 s is earlier than the previous event (0.05 s); events must be sorted")
    XCTAssertEqual(try error("4 3\n0.05 1 0\n"), "F:2: expected 't x y p', got 3 fields")
    XCTAssertEqual(try error("4 3\n", frames: [0.1, 0.1]), "events 'F': frame times must increase (0.1 s after 0.1 s)")
    XCTAssertThrowsError(try EventFile(path: "/nonexistent/ev.txt")) { e in
      XCTAssertEqual("\(e)", "events '/nonexistent/ev.txt': No such file or directory")
    }
  }
}
