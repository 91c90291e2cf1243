/// Recurrent state (hidden h, cell c) of one `ConvLSTMCell`, kept by a streaming stage across frames.
///
/// Batch 1. The state owns a `[1, Cin + Ch, H, W]` buffer holding the next input x followed by h, so
/// the cell runs one convolution over concat[x, h] without copying h. Call `reset()` at a scene cut.
public final class ConvLSTMState {
  /// Input channels of the owning cell.
  public let inputChannels: Int
  /// Hidden channels.
  public let hiddenChannels: Int
  /// Spatial size the state was created for.
  public let height: Int, width: Int
  /// [1, Cin + Ch, H, W]: input slot then hidden state.
  let xh: Tensor
  /// Cell state c, [1, Ch, H, W].
  public let cell: Tensor
  /// Steps run since creation or the last `reset()`.
  public internal(set) var steps = 0

  /// Zero state for a cell with the given channel counts over H×W frames.
  public init(inputChannels: Int, hiddenChannels: Int, height: Int, width: Int) {
    self.inputChannels = inputChannels
    self.hiddenChannels = hiddenChannels
    self.height = height
    self.width = width
    xh = Tensor(zeros: Shape(1, inputChannels + hiddenChannels, height, width))
    cell = Tensor(zeros: Shape(1, hiddenChannels, height, width))
  }

  /// Hidden state h, [1, Ch, H, W] (a view into the state's buffer; overwritten by the next step).
  public var hidden: Tensor { xh.channels(inputChannels..<(inputChannels + hiddenChannels)) }

  /// Zeroes h and c (e.g. at a scene cut).
  public func reset() {
    hidden.fill(0)
    cell.fill(0)
    steps = 0
  }
}
