import NN
import XCTest

/// Whole modules against PyTorch: ConvLSTM over 4 steps, a small UNet, a small encoder–decoder.
/// Tolerance: max|a − b| ≤ 1e-4·max(1, max|ref|).
final class ModelGoldenTests: XCTestCase {
  func testConvLSTMUnrolledFourSteps() throws {
    let f = try Fixtures.open("convlstm")
    var cell = ConvLSTMCell(inputChannels: 4, hiddenChannels: 6)
    try cell.load(from: f, prefix: "m")
    let state = cell.makeState(height: 9, width: 10)
    for s in 0..<4 {
      let h = cell.step(try f.tensor("x\(s)"), state: state)
      assertClose(h, try f.tensor("h\(s)"), "h\(s)")
    }
    assertClose(state.cell, try f.tensor("c3"), "c3")
    XCTAssertEqual(state.steps, 4)
  }

  func testConvLSTMResetRestartsSequence() throws {
    let f = try Fixtures.open("convlstm")
    var cell = ConvLSTMCell(inputChannels: 4, hiddenChannels: 6)
    try cell.load(from: f, prefix: "m")
    let state = cell.makeState(height: 9, width: 10)
    cell.step(try f.tensor("x0"), state: state)
    cell.step(try f.tensor("x1"), state: state)
    state.reset()  // scene cut
    XCTAssertEqual(state.steps, 0)
    assertClose(cell.step(try f.tensor("x0"), state: state), try f.tensor("h0"), "h0 after reset")
  }

  func testSmallUNet() throws {
    let f = try Fixtures.open("unet")
    var net = SmallUNet()
    try net.load(from: f, prefix: "m")
    let t = try f.tensor("t").toArray()[0]
    assertClose(net(try f.tensor("input"), t: t, pool: TensorPool()), try f.tensor("output"), "unet")
  }

  func testEncoderDecoder() throws {
    let f = try Fixtures.open("encdec")
    var net = EncoderDecoder()
    try net.load(from: f, prefix: "m")
    assertClose(net(try f.tensor("input"), pool: TensorPool()), try f.tensor("output"), "encdec")
  }
}
