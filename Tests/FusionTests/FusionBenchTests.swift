import Foundation
import Fusion
import Imaging
import NN
import XCTest

/// Opt-in timing (`RX_FUSION_BENCH=1`): one network step at 480×272 and the 1080p gain application.
/// Meaningful only in a release build; debug numbers are several times slower.
final class FusionBenchTests: XCTestCase {
  func testStepAndApplyTiming() throws {
    try XCTSkipUnless(ProcessInfo.processInfo.environment["RX_FUSION_BENCH"] == "1", "set RX_FUSION_BENCH=1")
    let net = try FusionFixtures.network()
    let pool = TensorPool()
    let w = 480, h = 272
    let linear = Tensor(zeros: Shape(1, 3, h, w))
    for i in 0..<linear.count { linear.data[i] = Float((i * 7919) % 1000) / 1000 }
    let state = REHDRState()
    func ms(_ body: () -> Void) -> Double {
      let t0 = DispatchTime.now().uptimeNanoseconds
      body()
      return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
    }
    var gain = net.step(input: REHDRInput.encode(linear, pool: pool), events: nil, state: state, pool: pool)
    let steps = (0..<5).map { _ in
      ms { gain = net.step(input: REHDRInput.encode(linear, pool: pool), events: nil, state: state, pool: pool) }
    }.sorted()
    let full = PlanarImage(width: 1920, height: 1080)
    for i in 0..<full.count { full.data[i] = Float((i * 7919) % 1000) / 1000 }
    let dst = PlanarImage(width: 1920, height: 1080)
    let applies = (0..<5).map { _ in ms { GainMapApplier().apply(gain: gain, to: full, into: dst) } }.sorted()
    print("REHDR step 480x272: median \(steps[2]) ms; GainMapApplier 1080p: median \(applies[2]) ms")
  }
}
