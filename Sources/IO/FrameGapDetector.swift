/// Finds frames missing from a constant-rate stream by the jumps in its timestamps.
///
/// Demuxers resynchronise silently after a damaged Matroska cluster or NUT sync point, so the frames in the
/// damaged stretch vanish without an error; what remains is a jump of k frame durations between two frames
/// that should be one apart. The detector only judges streams whose timestamps have been regular so far:
/// once a step that is not a whole number of frame durations is seen (variable frame rate, reordering
/// glitches), it stops judging rather than report losses that are not there.
public struct FrameGapDetector: Sendable {
  /// Frame duration in stream time-base ticks; nil when the rate is unknown (the detector never reports).
  public let frameTicks: Double?
  /// How far a step may stray from a whole number of frame durations, as a fraction of one duration.
  public static let tolerance = 0.1
  private var lastPTS: Int64?
  /// False once the stream showed a step that is not a whole number of frame durations.
  public private(set) var isRegular = true

  /// - Parameters:
  ///   - timeBase: stream time base (num, den).
  ///   - frameRate: the nominal frame rate (num, den); 0 or negative parts mean unknown.
  public init(timeBase: (num: Int32, den: Int32), frameRate: (num: Int32, den: Int32)) {
    if timeBase.num > 0, timeBase.den > 0, frameRate.num > 0, frameRate.den > 0 {
      frameTicks = Double(timeBase.den) * Double(frameRate.den) / (Double(timeBase.num) * Double(frameRate.num))
    } else {
      frameTicks = nil
    }
  }

  /// Takes the next frame's timestamp (display order); returns how many frames are missing before it.
  public mutating func observe(pts: Int64) -> Int {
    defer { lastPTS = pts }
    guard let frameTicks, frameTicks > 0, isRegular, let last = lastPTS else { return 0 }
    let steps = Double(pts - last) / frameTicks
    let whole = steps.rounded()
    if whole < 1 || abs(steps - whole) > Self.tolerance {
      isRegular = false
      return 0
    }
    return Int(whole) - 1
  }
}
