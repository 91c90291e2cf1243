import Imaging
import Inpaint
import Media
import Parameters

/// Recalls clipped pixels from earlier frames measured at a shorter exposure (``ExposureRecall``); looks ahead
/// 0 frames and runs last, so a measured level replaces whatever the fill, expansion and learned stages guessed.
/// Its memory (the previous output and a confidence plane) resets at scene cuts and at `flush()`.
public final class RecallStage: Stage {
  public static let descriptor = StageDescriptor(
    "recall", params: \.recall, enabled: { $0.recall.enabled }, readsMasks: { $0.recall.enabled },
    make: { p, _ in
      RecallStage(
        recall: ExposureRecall(
          params: p.recall, clipLinear: p.highlights.clipLinear,
          peak: p.output.peakNits / p.output.referenceWhiteNits))
    })

  public let name = "recall"
  public let lookAheadFrames = 0
  public let recall: ExposureRecall

  public init(recall: ExposureRecall) { self.recall = recall }

  public func push(_ frame: Frame) throws -> [Frame] {
    guard let mask = frame.overMask else {
      throw PipelineError.stageFailed(
        stage: name, frameIndex: frame.index, reason: "no over-exposure mask")
    }
    if mask.width != frame.width || mask.height != frame.height {
      throw PipelineError.stageFailed(
        stage: name, frameIndex: frame.index, reason: "over mask size differs from image")
    }
    if frame.isSceneCut { recall.reset() }
    recall.apply(to: frame.image, overMask: mask)
    return [frame]
  }

  public func flush() throws -> [Frame] {
    recall.reset()
    return []
  }
}

extension PipelineParams {
  /// The `recall` section.
  public var recall: RecallParams {
    get { self[section: RecallParams.self] }
    set { self[section: RecallParams.self] = newValue }
  }
}
