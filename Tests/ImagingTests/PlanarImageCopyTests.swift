import Execution
import Imaging
import XCTest

final class PlanarImageCopyTests: XCTestCase {
  /// A frame-sized copy, split over workers in 1 MiB chunks, equals the source value for value, with a count
  /// that is not a multiple of the chunk, on 1 and 3 workers; a small one runs inline.
  func testCopiesAreExactAtAnySizeAndWorkerCount() {
    for workers in [1, 3] {
      ExecutionContext(workers: workers).run {
        for (w, h) in [(1921, 1081), (7, 5), (1, 1)] {
          let src = PlanarImage(width: w, height: h, channels: 3)
          for i in 0..<src.count { src.data[i] = Float(i % 9973) * 0.5 - 17 }
          let dst = PlanarImage(width: w, height: h, channels: 3)
          dst.fill(-1)
          dst.assign(from: src)
          let copy = src.copy()
          for i in 0..<src.count where dst.data[i] != src.data[i] || copy.data[i] != src.data[i] {
            XCTFail("\(w)x\(h) on \(workers) workers: value \(i) differs")
            return
          }
        }
      }
    }
  }
}
