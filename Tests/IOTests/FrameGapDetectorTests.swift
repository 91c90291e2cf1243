import IO
import XCTest

/// Lost frames are inferred from whole-duration timestamp jumps, and only in streams regular so far.
final class FrameGapDetectorTests: XCTestCase {
  private func run(_ detector: FrameGapDetector, _ pts: [Int64]) -> [Int] {
    var d = detector
    return pts.map { d.observe(pts: $0) }
  }

  func testWholeDurationJumpsCountTheFramesInBetween() {
    let d = FrameGapDetector(timeBase: (1, 1000), frameRate: (25, 1))  // 40 ticks a frame
    XCTAssertEqual(run(d, [0, 40, 80, 200, 240, 400]), [0, 0, 0, 2, 0, 3])
    // NTSC rates in a 90 kHz base: 3003 ticks a frame; Matroska's rounded millisecond stamps stay regular.
    let ntsc = FrameGapDetector(timeBase: (1, 90000), frameRate: (30000, 1001))
    XCTAssertEqual(run(ntsc, [0, 3003, 6006, 15015]), [0, 0, 0, 2])
    let ms = FrameGapDetector(timeBase: (1, 1000), frameRate: (30000, 1001))
    XCTAssertEqual(run(ms, [0, 33, 67, 100, 133, 200]), [0, 0, 0, 0, 0, 1])
  }

  func testAnIrregularStepStopsTheJudging() {
    let d = FrameGapDetector(timeBase: (1, 1000), frameRate: (25, 1))
    // A 60 ms step is 1.5 frames: variable frame rate, after which even a whole 2-frame jump is not a loss.
    XCTAssertEqual(run(d, [0, 40, 100, 180]), [0, 0, 0, 0])
    var det = d
    for p: Int64 in [0, 40, 100] { _ = det.observe(pts: p) }
    XCTAssertFalse(det.isRegular)
    // Repeated or backwards timestamps are irregular too, never a negative count.
    XCTAssertEqual(run(d, [0, 40, 40, 200]), [0, 0, 0, 0])
  }

  func testUnknownRateNeverReports() {
    XCTAssertNil(FrameGapDetector(timeBase: (1, 1000), frameRate: (0, 1)).frameTicks)
    XCTAssertEqual(run(FrameGapDetector(timeBase: (1, 1000), frameRate: (0, 0)), [0, 40, 400]), [0, 0, 0])
  }

  func testDamageSummary() {
    var damage = InputDamage()
    XCTAssertTrue(damage.isEmpty)
    XCTAssertEqual(damage.summary, "no damage")
    damage.missingFrames = 2
    damage.corruptFrames = 1
    XCTAssertEqual(damage.summary, "2 frames missing, 1 corrupt frame")
  }
}
