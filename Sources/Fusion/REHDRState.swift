import NN

/// Recurrent state of a ``REHDRNetwork``: one ConvLSTM (h, c) per encoder level, kept across frames.
///
/// Created empty; the first ``REHDRNetwork/step(input:events:state:pool:)`` allocates zero states for
/// its working size (h/2 × w/2, h/4 × w/4, h/8 × w/8). A different working size starts over from zero,
/// as after a ``reset()``. Call ``reset()`` at a scene cut. Not thread-safe: one state per stream.
public final class REHDRState {
  /// Per-level ConvLSTM states (level 1 first); empty before the first step.
  public private(set) var levels: [ConvLSTMState] = []
  /// Frames run since creation or the last reset.
  public private(set) var steps = 0

  /// An empty state (equivalent to zeros).
  public init() {}

  /// Zeroes every level's h and c (scene cut).
  public func reset() {
    for l in levels { l.reset() }
    steps = 0
  }

  /// Ensures states exist for `cells` at working size `height`×`width`, recreating them (zero) if
  /// the size changed.
  func prepare(cells: [ConvLSTMCell], height: Int, width: Int) {
    let matches =
      levels.count == cells.count
      && zip(levels.indices, cells).allSatisfy { l, cell in
        levels[l].height == height >> (l + 1) && levels[l].width == width >> (l + 1)
          && levels[l].hiddenChannels == cell.hiddenChannels
      }
    if matches { return }
    levels = cells.enumerated().map { l, cell in
      cell.makeState(height: height >> (l + 1), width: width >> (l + 1))
    }
    steps = 0
  }

  /// Counts one step.
  func advance() { steps += 1 }
}
