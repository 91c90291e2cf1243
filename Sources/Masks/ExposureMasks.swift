import Imaging

/// The over- and under-exposure masks of one frame.
///
/// Read-only once returned: ``ExposureMasker`` recycles a mask image as soon as nothing else references it
/// and remembers which of its rows are zero (so it need not clear them again); writing into a mask would
/// corrupt later frames' masks. Copy a mask before modifying it.
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
