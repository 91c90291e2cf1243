import Fusion
import NN
import XCTest

/// Swift inference against the PyTorch export (`Training/rehdr/export_fixtures.py`), 32×24.
final class REHDRGoldenTests: XCTestCase {
  func testInputEncodingMatchesPyTorch() throws {
    let seq = try FusionFixtures.sequence()
    for k in 0..<3 {
      let linear = try seq.tensor("linear.\(k)")
      let reference = try seq.tensor("image.\(k)")
      assertClose(REHDRInput.encode(linear), reference, "image.\(k)")
    }
  }

  func testSequenceWithAndWithoutEventsAndResetMatchesPyTorch() throws {
    let net = try FusionFixtures.network()
    let seq = try FusionFixtures.sequence()
    let state = REHDRState()
    let events: [Int: Tensor] = [0: try seq.tensor("events.0"), 2: try seq.tensor("events.2")]
    for k in 0..<3 {
      let gain = net.step(input: try seq.tensor("image.\(k)"), events: events[k], state: state)
      assertClose(gain, try seq.tensor("gain.\(k)"), "gain.\(k)")
      let (d, r) = maxDifference(gain, try seq.tensor("gain.\(k)"))
      print("REHDR golden gain.\(k): max|Δ| = \(d) (max|ref| = \(r))")
    }
    XCTAssertEqual(state.steps, 3)
    state.reset()
    XCTAssertEqual(state.steps, 0)
    let gain = net.step(input: try seq.tensor("image.0"), events: nil, state: state)
    assertClose(gain, try seq.tensor("gain.reset"), "gain.reset")
  }

  func testSwiftEncodedInputGivesTheSameGain() throws {
    let net = try FusionFixtures.network()
    let seq = try FusionFixtures.sequence()
    let gain = net.step(
      input: REHDRInput.encode(try seq.tensor("linear.0")), events: try seq.tensor("events.0"), state: REHDRState())
    assertClose(gain, try seq.tensor("gain.0"), "gain.0 from Swift encoding")
  }

  func testGainIsBoundedByGainStops() throws {
    let net = try FusionFixtures.network()
    XCTAssertEqual(net.gainStops, 6)
    let seq = try FusionFixtures.sequence()
    let gain = net.step(input: try seq.tensor("image.1"), events: nil, state: REHDRState())
    for v in gain.toArray() { XCTAssertLessThan(abs(v), net.gainStops) }
  }

  func testStatePersistsAcrossSteps() throws {
    let net = try FusionFixtures.network()
    let seq = try FusionFixtures.sequence()
    let input = try seq.tensor("image.0")
    let state = REHDRState()
    let first = net.step(input: input, events: nil, state: state).copy()
    let second = net.step(input: input, events: nil, state: state).copy()
    XCTAssertGreaterThan(maxDifference(second, first).diff, 1e-3, "step 2 must see step 1's state")
  }

  func testResetEqualsFreshState() throws {
    let net = try FusionFixtures.network()
    let seq = try FusionFixtures.sequence()
    let input = try seq.tensor("image.2"), events = try seq.tensor("events.2")
    let fresh = net.step(input: input, events: events, state: REHDRState()).copy()
    let state = REHDRState()
    for k in 0..<3 { _ = net.step(input: try seq.tensor("image.\(k)"), events: nil, state: state) }
    state.reset()
    let afterReset = net.step(input: input, events: events, state: state)
    XCTAssertEqual(afterReset.toArray(), fresh.toArray(), "reset must equal a fresh state bit for bit")
  }

  func testEventsChangeTheOutputAndAbsentEventsEqualZeros() throws {
    let net = try FusionFixtures.network()
    let seq = try FusionFixtures.sequence()
    let input = try seq.tensor("image.0")
    let without = net.step(input: input, events: nil, state: REHDRState()).copy()
    let zeros = net.step(input: input, events: Tensor(zeros: Shape(1, 5, 24, 32)), state: REHDRState()).copy()
    let with = net.step(input: input, events: try seq.tensor("events.0"), state: REHDRState())
    XCTAssertEqual(without.toArray(), zeros.toArray())
    XCTAssertGreaterThan(maxDifference(with, without).diff, 1e-4)
  }

  func testWorkingSizeChangeStartsFromZeroState() throws {
    let net = try FusionFixtures.network()
    let seq = try FusionFixtures.sequence()
    let state = REHDRState()
    _ = net.step(input: Tensor(zeros: Shape(1, 5, 16, 16)), events: nil, state: state)
    let gain = net.step(input: try seq.tensor("image.0"), events: try seq.tensor("events.0"), state: state)
    XCTAssertEqual(state.steps, 1)
    assertClose(gain, try seq.tensor("gain.0"), "gain.0 after a size change")
  }
}
