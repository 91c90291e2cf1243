import Imaging
import Media

/// A streaming stage: frames go in with `push`, come out in order; `flush` drains at end of stream.
///
/// Contract: every pushed frame comes out exactly once, in order, after at most `lookAheadFrames` further
/// pushes; `flush()` returns every frame still held. A stage never reorders or drops frames.
public protocol Stage: AnyObject {
  /// Name for logs and errors.
  var name: String { get }
  /// How many later frames the stage needs before it can emit a frame.
  var lookAheadFrames: Int { get }
  /// Takes one frame; returns the frames that are ready (possibly none).
  func push(_ frame: Frame) throws -> [Frame]
  /// Returns every frame still held; the stage is then empty and ready for a new stream.
  func flush() throws -> [Frame]
}

/// A stage that a still of the scene can condition (`--reference IMAGE`).
public protocol ReferenceConditionedStage: Stage {
  /// Sets (nil clears) the still: linear BT.709 light [3, h, w], any size and exposure.
  func setReference(_ image: PlanarImage?)
}
