import Imaging

/// One video frame inside the pipeline: linear RGB plus timing and per-frame side planes.
///
/// `image` is [3, H, W] linear BT.709 RGB relative to SDR reference white (1.0 = SDR 100 % white, which the
/// output places at `OutputParams.referenceWhiteNits`). Stages may write values above 1 (highlights).
public struct Frame: @unchecked Sendable {
  /// Linear BT.709 RGB, [3, H, W].
  public var image: PlanarImage
  /// Presentation timestamp in the stream's time base; nil when the input had none.
  public var pts: Int64?
  /// Duration in the stream's time base; nil when unknown.
  public var duration: Int64?
  /// 0-based position in the stream.
  public var index: Int
  /// Over-exposure mask [1, H, W] in 0...1, set by the mask stage.
  public var overMask: PlanarImage?
  /// Under-exposure mask [1, H, W] in 0...1, set by the mask stage.
  public var underMask: PlanarImage?
  /// Whether a scene cut precedes this frame (set by the scene-cut detector; temporal state resets here).
  public var isSceneCut: Bool = false
  /// Event voxel grid [5, h, w] for the interval that ends at this frame (5 time bins, signed counts;
  /// any size, resampled by the fusion stage); nil when there are no events (the usual case).
  public var events: PlanarImage?
  /// Original SDR signal [3, H, W] (non-linear, 0...1) kept for mask computation; nil once not needed.
  public var signal: PlanarImage?

  public init(image: PlanarImage, pts: Int64?, duration: Int64? = nil, index: Int, signal: PlanarImage? = nil) {
    self.image = image
    self.pts = pts
    self.duration = duration
    self.index = index
    self.signal = signal
  }

  public var width: Int { image.width }
  public var height: Int { image.height }
}
