/// Recurrent state (hidden h, cell c) of one `ConvLSTMCell`, kept by a streaming stage across frames.
///
/// Batch 1. The state owns a `[1, Cin + Ch, H, W]` buffer holding the next input x followed by h, so
/// the cell runs one convolution over concat[x, h] without copying h (the Winograd path double-buffers
/// it). Call `reset()` at a scene cut.
public final class ConvLSTMState {
  /// Input channels of the owning cell.
  public let inputChannels: Int
  /// Hidden channels.
  public let hiddenChannels: Int
  /// Spatial size the state was created for.
  public let height: Int, width: Int
  /// [1, Cin + Ch, H, W]: input slot then hidden state.
  private(set) var xh: Tensor
  /// A second [1, Cin + Ch, H, W] buffer: the fused Winograd step writes the new h into its hidden
  /// slot while the conv still reads the current one, then the two swap (allocated on first use).
  private var spare: Tensor?
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

  /// Hidden slot of the spare buffer (allocated on first use).
  var spareHidden: Tensor {
    if spare == nil { spare = Tensor(zeros: xh.shape) }
    return spare!.channels(inputChannels..<(inputChannels + hiddenChannels))
  }

  /// Makes the spare buffer current (after its hidden slot received the new h).
  func swapBuffers() {
    guard let s = spare else { return }
    spare = xh
    xh = s
  }

  /// Zeroes h and c (e.g. at a scene cut).
  public func reset() {
    hidden.fill(0)
    cell.fill(0)
    steps = 0
  }
}
