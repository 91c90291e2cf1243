import Imaging

/// The over- and under-exposure masks of one frame.
public struct ExposureMasks: @unchecked Sendable {
  /// Over-exposure mask [1, H, W] in 0...1 (1 = clipped highlight).
  public var over: PlanarImage
  /// Under-exposure mask [1, H, W] in 0...1 (1 = crushed shadow).
  public var under: PlanarImage

  public init(over: PlanarImage, under: PlanarImage) {
    self.over = over
    self.under = under
  }
}
