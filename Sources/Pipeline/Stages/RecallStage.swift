import Imaging
import Inpaint
import Media
import Parameters

/// Recalls clipped pixels from earlier frames, and from the `recall.lookAheadFrames` later ones, measured at a
/// shorter exposure (``ExposureRecall``); runs last, so a measured level replaces whatever the fill, expansion
/// and learned stages guessed. Each frame is observed (measured, the memory carried) as it is pushed and
/// recalled once its look-ahead has arrived. Its memory resets at scene cuts and at `flush()`.
public final class RecallStage: Stage {
  public static let descriptor = StageDescriptor(
    "recall", params: \.recall, enabled: { $0.recall.enabled }, readsMasks: { $0.recall.enabled },
    lookAhead: (key: "lookAheadFrames", frames: { $0.recall.lookAheadFrames }),
    make: { p, _ in
      RecallStage(
        recall: ExposureRecall(
          params: p.recall, clipLinear: p.highlights.clipLinear,
          peak: p.output.peakNits / p.output.referenceWhiteNits))
    })

  public let name = "recall"
  public var lookAheadFrames: Int { recall.params.lookAheadFrames }
  public let recall: ExposureRecall
  /// Frames observed and not yet recalled, oldest first.
  private var held: [(frame: Frame, mask: PlanarImage, observation: ExposureRecall.Observation)] = []

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
    held.append((frame, mask, recall.observe(frame.image, overMask: mask)))
    var ready: [Frame] = []
    while held.count > lookAheadFrames { ready.append(recallFirst()) }
    return ready
  }

  public func flush() throws -> [Frame] {
    var ready: [Frame] = []
    while !held.isEmpty { ready.append(recallFirst()) }
    recall.reset()
    return ready
  }

  /// The oldest held frame, recalled from the ones held after it.
  private func recallFirst() -> Frame {
    let (frame, mask, observation) = held.removeFirst()
    // A scene cut's observation has no motion, so the chain back from later frames stops before it.
    recall.recall(
      frame.image, overMask: mask, observation: observation, later: held.map(\.observation))
    return frame
  }
}

extension PipelineParams {
  /// The `recall` section.
  public var recall: RecallParams {
    get { self[section: RecallParams.self] }
    set { self[section: RecallParams.self] = newValue }
  }
}
