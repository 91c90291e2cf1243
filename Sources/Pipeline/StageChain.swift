import Media
/// Runs frames through stages in sequence, keeping the push/flush contract end to end.
///
/// The chain's look-ahead is the sum of its stages'. Every frame pushed comes out exactly once, in order.
public final class StageChain: Stage {
  public let name = "chain"
  /// Stages in processing order.
  public let stages: [Stage]

  public init(_ stages: [Stage]) { self.stages = stages }

  public var lookAheadFrames: Int { stages.reduce(0) { $0 + $1.lookAheadFrames } }

  public func push(_ frame: Frame) throws -> [Frame] {
    var batch = [frame]
    for stage in stages {
      var next: [Frame] = []
      for f in batch { next += try stage.push(f) }
      batch = next
      if batch.isEmpty { break }
    }
    return batch
  }

  public func flush() throws -> [Frame] {
    // Drain stage k, pushing its remainder through stages k+1..., then flush those in turn.
    var carried: [Frame] = []
    for stage in stages {
      var out: [Frame] = []
      for f in carried { out += try stage.push(f) }
      out += try stage.flush()
      carried = out
    }
    return carried
  }
}
