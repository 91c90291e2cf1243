import Color
import Imaging
import Masks
import Media
import Parameters

/// Computes the over/under-exposure masks of every frame (``ExposureMasker``); looks ahead 0 frames.
///
/// Reads `frame.signal` ([3, H, W] non-linear 0...1). Fallback when a frame has no signal: it is rebuilt from
/// `frame.image` with the sRGB inverse EOTF (values clamped to 0...1). Sets `overMask` and `underMask`
/// ([1, H, W]). The temporal state resets when `frame.isSceneCut` and at `flush()`.
public final class MaskStage: Stage {
  /// Runs whenever another active stage reads the masks.
  public static let descriptor = StageDescriptor(
    "masks", params: \.masks,
    enabled: { p in StageRegistry.all.contains { $0.name != "masks" && $0.isEnabled(p) && $0.readsMasks(p) } },
    keepsWithinWhite: true,
    make: { p, _ in try MaskStage(params: p.masks) })

  public let name = "masks"
  public let lookAheadFrames = 0
  /// The per-stream masker.
  public let masker: ExposureMasker

  /// Creates the stage; throws ``ParameterError`` (key prefixed `masks.`) when `params` is out of range.
  public init(params: MaskParams = MaskParams()) throws {
    do { masker = try ExposureMasker(params: params) } catch let e as ParameterError { throw e.prefixed("masks") }
  }

  public func push(_ frame: Frame) throws -> [Frame] {
    var f = frame
    let signal = frame.signal ?? SRGB.encode(frame.image)
    if signal.width != frame.width || signal.height != frame.height || signal.channels < 3 {
      throw PipelineError.stageFailed(
        stage: name, frameIndex: frame.index,
        reason: "signal is \(signal.channels)×\(signal.height)×\(signal.width), image \(frame.height)×\(frame.width)")
    }
    let masks = masker.compute(signal: signal, isSceneCut: frame.isSceneCut)
    f.overMask = masks.over
    f.underMask = masks.under
    return [f]
  }

  public func flush() throws -> [Frame] {
    masker.reset()
    return []
  }
}

extension PipelineParams {
  /// The `masks` section.
  public var masks: MaskParams {
    get { self[section: MaskParams.self] }
    set { self[section: MaskParams.self] = newValue }
  }
}
