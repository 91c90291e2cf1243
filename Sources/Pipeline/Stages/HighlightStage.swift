import Imaging
import Inpaint
import Media
import Parameters

/// Reconstructs clipped highlights in place (``HighlightReconstructor``); looks ahead 0 frames. The fill's
/// temporal blend (`fillTemporalBlend`) carries the previous frame's fill, reset at scene cuts and at `flush()`.
///
/// Blends by `frame.overMask` when present (the mask stage should run first), else applies the
/// reconstruction wherever a channel is clipped. A no-op when `params.enabled` is false.
public final class HighlightStage: Stage {
  public static let descriptor = StageDescriptor(
    "highlights", params: \.highlights, enabled: { $0.highlights.enabled }, readsMasks: { _ in true },
    make: { p, _ in try HighlightStage(params: p.highlights) })

  public let name = "highlights"
  public let lookAheadFrames = 0
  /// The reconstructor (scratch buffers and the previous frame's fill).
  public let reconstructor: HighlightReconstructor

  /// Creates the stage; throws ``ParameterError`` (key prefixed `highlights.`) when `params` is out of range.
  public init(params: HighlightParams = HighlightParams()) throws {
    do {
      reconstructor = try HighlightReconstructor(params: params)
    } catch let e as ParameterError { throw e.prefixed("highlights") }
  }

  public func push(_ frame: Frame) throws -> [Frame] {
    if let m = frame.overMask, m.width != frame.width || m.height != frame.height {
      throw PipelineError.stageFailed(stage: name, frameIndex: frame.index, reason: "over mask size differs from image")
    }
    if frame.isSceneCut { reconstructor.resetTemporal() }
    reconstructor.apply(to: frame.image, overMask: frame.overMask)
    return [frame]
  }

  public func flush() throws -> [Frame] {
    reconstructor.resetTemporal()
    return []
  }
}

extension PipelineParams {
  /// The `highlights` section.
  public var highlights: HighlightParams {
    get { self[section: HighlightParams.self] }
    set { self[section: HighlightParams.self] = newValue }
  }
}
