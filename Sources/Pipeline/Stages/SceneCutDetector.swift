import Color
import Imaging
import Media

/// Flags scene cuts: a frame whose signal changed from the previous one by more than `threshold`
/// (``Color/LumaChangeMeter``; `window.sceneCutThreshold`, ≥ 1 never fires). The first frame, and the first
/// after a size change or ``reset()``, is not a cut. Call once per frame in stream order, before the mask stage.
public final class SceneCutDetector {
  /// Score above which a frame starts a new scene.
  public let threshold: Float
  private let meter = LumaChangeMeter()

  public init(threshold: Float) { self.threshold = threshold }

  /// Uses `params.sceneCutThreshold`.
  public convenience init(params: WindowParams) { self.init(threshold: params.sceneCutThreshold) }

  /// Forgets the previous frame.
  public func reset() { meter.reset() }

  /// Scores `signal` ([3, H, W] non-linear) against the previous one and remembers it; 0 for the first frame.
  public func score(_ signal: PlanarImage) -> Float { meter.score(signal) }

  /// Sets `frame.isSceneCut` from its signal (frames without a signal are never cuts and reset the state).
  public func mark(_ frame: inout Frame) {
    guard let s = frame.signal else {
      frame.isSceneCut = false
      reset()
      return
    }
    frame.isSceneCut = score(s) > threshold && threshold < 1
  }
}
